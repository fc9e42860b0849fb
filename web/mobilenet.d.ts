// Types for web/mobilenet.js: MobileNet v1 classification in a Web Worker (Go + wasm).

/** The public TF.js MobileNet v1 1.0/224 model.json, used when load() gets no model. */
export const DEFAULT_MODEL: string;

/** True when this engine runs wasm SIMD (classifier-simd.wasm is then used). */
export function simdSupported(): boolean;

export interface LoadOptions {
  /**
   * Our packed .mnw file or a TF.js layers model.json: a URL (relative to the page), in
   * Node also a file path; or the .mnw file's bytes. Default: DEFAULT_MODEL.
   */
  model?: string | URL | ArrayBuffer | ArrayBufferView | Blob;
  /** Called while the model downloads (bytes over all its files). */
  onProgress?: (progress: { loaded: number; total: number }) => void;
  /** Worker engines to run (each one Go instance); calls go to an idle one. Default 1. */
  workers?: number;
  /** Force the plain or SIMD build; default: SIMD when supported. */
  backend?: 'wasm-simd' | 'wasm';
  /** Override the wasm file (default: classifier[-simd].wasm next to mobilenet.js). */
  wasmURL?: string | URL;
  /** The wasm with the TF.js importer, used for model.json models (default: classifier-tfjs[-simd].wasm, or wasmURL if given). */
  tfjsWasmURL?: string | URL;
  /** Override wasm_exec.js (default: next to mobilenet.js). It must come from the Go that built the wasm. */
  wasmExecURL?: string | URL;
  /** Keep downloaded models in the Cache API so a second load makes no request. Default true. */
  cache?: boolean;
}

/** A raw frame: RGBA bytes, row after row, width * height * 4 of them. */
export interface RawFrame {
  data: Uint8ClampedArray | Uint8Array | ArrayBuffer;
  width: number;
  height: number;
}

/**
 * What classify() and embed() accept. Encoded bytes (JPEG/PNG/GIF/WebP, as Blob/File,
 * ArrayBuffer or Uint8Array) are decoded by the engine itself; elements, bitmaps and
 * frames are drawn to a canvas on the calling thread.
 */
export type ImageInput =
  | HTMLImageElement | SVGImageElement | HTMLVideoElement | HTMLCanvasElement | OffscreenCanvas
  | ImageBitmap | VideoFrame | ImageData | RawFrame | Blob | ArrayBuffer | ArrayBufferView;

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
   * Raw frames' and ArrayBuffers' memory is transferred to the worker (the caller's
   * buffer is detached afterwards) unless this is false. Default: true for raw frames,
   * false for ArrayBuffers.
   */
  transfer?: boolean;
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

export type Predictions = Prediction[] & { timings: Timings };

export interface ClassifierInfo {
  alpha: number;
  size: number;
  multAdds: number;
  params: number;
  /** Length of embed()'s vector: 1024 * alpha. */
  featureLength: number;
  backend: 'wasm-simd' | 'wasm';
  workers: number;
}

export type ErrorCode =
  | 'EDOWNLOAD' | 'EMODEL' | 'EWASM' | 'EIMAGE' | 'EINPUT' | 'EOPTIONS' | 'EDISPOSED' | 'ECRASHED';

export class MobileNetError extends Error {
  code: ErrorCode;
}

export class Classifier {
  /** Classes, best first; the array carries `.timings`. Calls settle in call order. */
  classify(input: ImageInput, options?: ClassifyOptions): Promise<Predictions>;
  /** The pooled features (for custom classes on top). */
  embed(input: ImageInput, options?: Omit<ClassifyOptions, 'topk' | 'threshold'>): Promise<Float32Array>;
  info(): ClassifierInfo;
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
