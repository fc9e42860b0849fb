// Types for web/mobilenet.js and web/mobilenet-node.js (the package's browser and
// Node entries, one API): MobileNet v1 classification in a Web Worker (Go + wasm).

/** The public TF.js MobileNet v1 1.0/224 model.json, used when load() gets no model. */
export const DEFAULT_MODEL: string;

/** True when this engine runs wasm SIMD (classifier-simd.wasm is then used). */
export function simdSupported(): boolean;

export interface LoadOptions {
  /**
   * Our packed .mnw file or a TF.js layers model.json: a URL (relative to the page), in
   * Node also a file path; or the .mnw file's bytes. Default: DEFAULT_MODEL.
   */
  model?: string | URL | ArrayBuffer | SharedArrayBuffer | ArrayBufferView | Blob;
  /** Called while the model downloads (bytes over all its files). */
  onProgress?: (progress: { loaded: number; total: number }) => void;
  /**
   * Worker engines to run (each one Go instance, or a team of `threads`); calls go to
   * an idle one, so a stream's frames are pipelined: more frames/s, not a faster frame.
   * Default 1.
   */
  workers?: number;
  /**
   * Workers that cooperate on every single classify/embed (each its own Go instance
   * and weights, splitting each layer's rows; answers bit for bit those of 1 thread):
   * a faster frame. With `workers` too, each of the `workers` engines is a team of
   * `threads`, at most 16 workers in all. Default: half the logical cores
   * (navigator.hardwareConcurrency / 2, as TF.js's wasm backend) divided among the
   * `workers`, at least 1 and at most 4; 1 with precision 'int8'.
   * Composes with precision 'int8' (the team then exchanges int16 rows, half the
   * bytes; answers bit for bit those of int8 with 1 thread).
   */
  threads?: number;
  /**
   * The network's arithmetic: 'f32' (float32, TF.js's numbers) or 'int8' (8-bit
   * weights and activations: faster, same top-1 on most photos, not TF.js-exact). A
   * float file asked for 'int8' is quantized at load; an int8 file (`mobilenet import
   * -precision int8`, a quarter of the f32 download) asked for 'f32' runs its
   * dequantized weights. Default: the file's own, i.e. 'int8' for an int8 .mnw and
   * 'f32' for anything else. Anything else: EOPTIONS.
   */
  precision?: 'f32' | 'int8';
  /**
   * How cooperating threads exchange rows: 'shared' (a SharedArrayBuffer with
   * Atomics.wait/notify; needs a crossOriginIsolated page, i.e. COOP/COEP headers; always
   * there in Node) or 'message' (MessageChannels between the workers; any page).
   * Default: 'shared' where it can run, else 'message'. 'shared' where it cannot: EOPTIONS.
   */
  transport?: 'shared' | 'message';
  /** Force the plain or SIMD build; default: SIMD when supported. */
  backend?: 'wasm-simd' | 'wasm';
  /** Self-host the wasm (default: classifier[-simd].wasm next to mobilenet.js). Fetched with CORS when cross-origin. */
  wasmURL?: string | URL;
  /** The wasm with the TF.js importer, used for model.json models (default: classifier-tfjs[-simd].wasm, or wasmURL if given). */
  tfjsWasmURL?: string | URL;
  /**
   * Self-host the worker: the URL of mobilenet-worker.js (which imports wasm_exec.js,
   * mobilenet-fetch.js, mobilenet-limits.js, mobilenet-pixels.js and mobilenet-team.js
   * next to itself). Default: next to mobilenet.js. A cross-origin worker is started
   * through a same-origin blob: module.
   * Browsers only: Node always runs the package's own worker thread.
   */
  workerURL?: string | URL;
  /**
   * Keep downloaded models in the Cache API (stored once Go accepted them; revalidated
   * with ETag / Last-Modified unless the URL carries a content hash). Default true.
   */
  cache?: boolean;
  /** Aborting it rejects load() with EABORTED (the reason in the message) and stops every worker it started. */
  signal?: AbortSignal;
  /**
   * Milliseconds the whole load() may take: past it load() rejects with ETIMEOUT and
   * stops every worker it started. A download that sends nothing for this long (or,
   * without timeout, for 30 s) also fails with ETIMEOUT.
   */
  timeout?: number;
}

/** A raw frame: RGBA bytes, row after row, width * height * 4 of them. */
export interface RawFrame {
  data: Uint8ClampedArray | Uint8Array | ArrayBuffer | SharedArrayBuffer;
  width: number;
  height: number;
}

/**
 * What classify() and embed() accept. Encoded bytes (JPEG/PNG/GIF/WebP, as Blob/File,
 * ArrayBuffer or Uint8Array) are decoded by the engine itself; elements, bitmaps and
 * frames are snapshotted (createImageBitmap) and read in the worker where it has
 * OffscreenCanvas, else drawn to a canvas on the calling thread.
 */
export type ImageInput =
  | HTMLImageElement | SVGImageElement | HTMLVideoElement | HTMLCanvasElement | OffscreenCanvas
  | ImageBitmap | VideoFrame | ImageData | RawFrame | Blob | ArrayBuffer | SharedArrayBuffer | ArrayBufferView;

export interface ClassifyOptions {
  /** How many classes to return, 1..1000. Default 5. */
  topk?: number;
  /** Drop classes below this probability. Default 0. */
  threshold?: number;
  /** Input resolution (rho): a multiple of 32, e.g. 224, 192, 160, 128. Default: the model's. */
  size?: number;
  /** false: resize the whole image (default); true: central 87.5%; a number: that central fraction. */
  crop?: boolean | number;
  /**
   * Zero-copy: hand the caller's memory to the worker instead of copying it. The
   * ArrayBuffer of a raw frame, ImageData, ArrayBuffer or whole-buffer typed array is
   * then detached (length 0; a later call with it rejects with EDETACHED), and an
   * ImageBitmap or VideoFrame is transferred and closed. Shared memory is always copied.
   * Default false: the caller's pixels are copied and left as they were.
   */
  transfer?: boolean;
  /** Resolve to a plain {predictions, timings} object instead of the array with `.timings`. */
  details?: boolean;
}

export interface Prediction {
  /** ImageNet class index 0..999. */
  index: number;
  label: string;
  probability: number;
}

/** Milliseconds: decode/preprocess/inference/total measured in the worker, capture and queue here. */
export interface Timings {
  decode: number;
  preprocess: number;
  inference: number;
  total: number;
  /** Getting the pixels on the calling thread (canvas draw, Blob read). */
  capture: number;
  /** Waiting for a free worker. */
  queue: number;
}

/** The array of predictions, carrying `.timings` (a property that structuredClone and JSON drop). */
export type Predictions = Prediction[] & { timings: Timings };

/** classify(input, {details: true}): plain data, kept whole by structuredClone, postMessage and JSON. */
export interface ClassifyResult {
  predictions: Prediction[];
  timings: Timings;
}

export interface ClassifierInfo {
  alpha: number;
  size: number;
  multAdds: number;
  params: number;
  /** Length of embed()'s vector: 1024 * alpha. */
  featureLength: number;
  /** The arithmetic the network runs (LoadOptions.precision). */
  precision: 'f32' | 'int8';
  backend: 'wasm-simd' | 'wasm';
  /**
   * The kernel set the network runs: 'wasm-simd' or 'generic' (f32); 'int8-wasm-relaxed'
   * (relaxed SIMD's 8-bit dot product, classifier-relaxed.wasm, where the engine runs it
   * exactly), 'int8-wasm-dot16' or 'int8-generic' (int8).
   */
  kernels: string;
  workers: number;
  /** Workers cooperating on each frame (1: none). */
  threads: number;
  /** How they exchange rows; null with 1 thread. */
  transport: 'shared' | 'message' | null;
}

/**
 * EDOWNLOAD network/HTTP/file failure; EMODEL not a usable model (or a shard path
 * leaving its folder); ETOOBIG over a size bound (a download, or an image over 40 MP);
 * ETIMEOUT load() timeout or a stalled download; EABORTED load()'s signal; EWASM the
 * wasm would not start; EIMAGE undecodable image; EINPUT unsupported or inconsistent
 * input; EDETACHED a detached buffer or closed bitmap; EOPTIONS bad options; EDISPOSED
 * after dispose(); ECRASHED the worker died; EPROTOCOL, ESTATE, EUNKNOWN internal.
 */
export type ErrorCode =
  | 'EDOWNLOAD' | 'EMODEL' | 'ETOOBIG' | 'ETIMEOUT' | 'EABORTED' | 'EWASM' | 'EIMAGE' | 'EINPUT'
  | 'EDETACHED' | 'EOPTIONS' | 'EDISPOSED' | 'ECRASHED' | 'EPROTOCOL' | 'ESTATE' | 'EUNKNOWN';

export class MobileNetError extends Error {
  code: ErrorCode;
}

export class Classifier {
  /** Classes, best first, as {predictions, timings}. Calls settle in call order. */
  classify(input: ImageInput, options: ClassifyOptions & { details: true }): Promise<ClassifyResult>;
  /** Classes, best first; the array carries `.timings`. Calls settle in call order. */
  classify(input: ImageInput, options?: ClassifyOptions & { details?: false }): Promise<Predictions>;
  /** The pooled features (for custom classes on top). */
  embed(input: ImageInput, options?: Omit<ClassifyOptions, 'topk' | 'threshold' | 'details'>): Promise<Float32Array>;
  /**
   * The model at its native size; with size (a multiple of 32 from 32 to 1024), the
   * same with that size and the engine's multAdds at it (classify's size option).
   */
  info(size?: number): ClassifierInfo;
  /** True while every worker is busy: a camera loop may skip this frame. */
  readonly busy: boolean;
  /** Calls made and not yet settled. */
  readonly pending: number;
  /** Resolves when a worker is free and nothing is queued. */
  idle(): Promise<void>;
  /** Stops the workers; pending and later calls reject with EDISPOSED. */
  dispose(): void;
}

/** Starts the worker(s) and loads the model. */
export function load(options?: LoadOptions): Promise<Classifier>;
