// mobilenet.js: MobileNet v1 image classification in a Web Worker (Go compiled to wasm).
//
//   import { load } from './mobilenet.js';
//   const clf = await load({ model: 'weights/mobilenet_v1_0.75_224.mnw' });
//   const top = await clf.classify(document.querySelector('img'), { topk: 5 });
//
// The module finds classifier[-simd].wasm (classifier-tfjs[-simd].wasm, with the TF.js
// importer, only for model.json models), wasm_exec.js and mobilenet-worker.js next to
// itself (import.meta.url). It works in browsers (module
// Workers) and in Node >= 20 (worker_threads). Types: mobilenet.d.ts.

/** The public TF.js MobileNet v1 used when load() gets no model (converted in the worker). */
export const DEFAULT_MODEL = 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_1.0_224/model.json';

const isNode = typeof window === 'undefined' && typeof process !== 'undefined' && !!process.versions?.node;

// The smallest module using a v128 instruction (i32.const 0; i8x16.splat): it validates
// exactly when the engine supports wasm SIMD.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
  10, 8, 1, 6, 0, 65, 0, 253, 15, 11]);

/** True when this JavaScript engine runs wasm SIMD, so classifier-simd.wasm is used. */
export function simdSupported() {
  try { return WebAssembly.validate(SIMD_PROBE); } catch { return false; }
}

/** An Error with a stable `code`: EDOWNLOAD, EMODEL, EWASM, EIMAGE, EINPUT, EOPTIONS, EDISPOSED, ECRASHED. */
export class MobileNetError extends Error {
  constructor(code, message) {
    super(`mobilenet: ${message.replace(/^(mobilenet: )+/, '')}`);
    this.name = 'MobileNetError';
    this.code = code;
  }
}

/**
 * Starts the worker(s), downloads (or reads) the model and resolves to a Classifier.
 * @param {import('./mobilenet').LoadOptions} [options]
 * @returns {Promise<Classifier>}
 */
export async function load(options = {}) {
  const { onProgress, workers = 1, cache = true } = options;
  if (!Number.isInteger(workers) || workers < 1 || workers > 16) {
    throw new MobileNetError('EOPTIONS', `workers = ${workers}: want an integer from 1 to 16`);
  }
  const backend = options.backend ?? (simdSupported() ? 'wasm-simd' : 'wasm');
  if (backend !== 'wasm' && backend !== 'wasm-simd') {
    throw new MobileNetError('EOPTIONS', `backend = ${backend}: want 'wasm-simd' or 'wasm'`);
  }
  const here = import.meta.url;
  const simd = backend === 'wasm-simd' ? '-simd' : '';
  const wasmURL = String(options.wasmURL ?? new URL(`classifier${simd}.wasm`, here));
  const tfjsWasmURL = String(options.tfjsWasmURL ?? options.wasmURL ?? new URL(`classifier-tfjs${simd}.wasm`, here));
  const wasmExecURL = String(options.wasmExecURL ?? new URL('wasm_exec.js', here));
  const model = await resolveModel(options.model ?? DEFAULT_MODEL);
  const init = {
    type: 'init', wasmURL: await absolute(wasmURL), tfjsWasmURL: await absolute(tfjsWasmURL),
    wasmExecURL: await absolute(wasmExecURL), cache,
  };

  const first = await Engine.start();
  const engines = [first];
  try {
    first.onProgress = onProgress;
    const transfer = model.bytes ? [model.bytes] : [];
    const { info, packed } = await first.request({ ...init, model, exportPacked: workers > 1 }, transfer);
    first.onProgress = null;
    // Further workers load the first one's weights as packed bytes: no second download or conversion.
    const rest = await Promise.all(Array.from({ length: workers - 1 }, async (_, i) => {
      const e = await Engine.start();
      engines.push(e);
      const bytes = i === workers - 2 ? packed.buffer : packed.buffer.slice(0);
      await e.request({ ...init, model: { bytes } }, [bytes]);
      return e;
    }));
    return new Classifier([first, ...rest], { ...info, backend, workers });
  } catch (err) {
    for (const e of engines) e.terminate();
    throw err;
  }
}

// resolveModel turns the model option into {url} (absolute) or {bytes: ArrayBuffer}.
async function resolveModel(model) {
  if (model instanceof ArrayBuffer) return { bytes: model.slice(0) };
  if (ArrayBuffer.isView(model)) return { bytes: copyBytes(model) };
  if (typeof Blob !== 'undefined' && model instanceof Blob) return { bytes: await model.arrayBuffer() };
  if (model instanceof URL) return { url: model.href };
  if (typeof model !== 'string' || model === '') {
    throw new MobileNetError('EOPTIONS', 'model must be a URL or path of a .mnw file or TF.js model.json, or the file\'s bytes');
  }
  return { url: await absolute(model) };
}

async function absolute(ref) {
  if (isNode) {
    if (/^[a-z][a-z0-9+.-]+:/i.test(ref)) return new URL(ref).href; // a URL, not a C:\ path
    const [{ resolve }, { pathToFileURL }] = await Promise.all([import('node:path'), import('node:url')]);
    return pathToFileURL(resolve(ref)).href;
  }
  return new URL(ref, globalThis.document?.baseURI ?? globalThis.location?.href).href;
}

function copyBytes(view) {
  return view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
}

// Engine is one worker running one Go instance, with request/response matching.
class Engine {
  static async start() {
    const url = new URL('mobilenet-worker.js', import.meta.url);
    const e = new Engine();
    if (isNode) {
      const { Worker } = await import('node:worker_threads');
      const w = new Worker(url);
      w.on('message', (m) => e.#receive(m));
      w.on('error', (err) => e.#crash(`the classifier worker crashed: ${err?.message ?? err}`));
      w.on('exit', (code) => e.#crash(`the classifier worker crashed (it exited with code ${code})`));
      e.#worker = w;
      e.#node = true;
    } else {
      const w = new Worker(url, { type: 'module' });
      w.onmessage = (ev) => e.#receive(ev.data);
      w.onerror = (ev) => { ev.preventDefault?.(); e.#crash(`the classifier worker crashed: ${ev.message || `could not run ${url}`}`); };
      w.onmessageerror = () => e.#crash('the classifier worker sent a message that could not be read');
      e.#worker = w;
    }
    e.#refresh();
    return e;
  }

  #worker = null;
  #node = false;
  #pending = new Map(); // id -> {resolve, reject}
  #nextId = 1;
  #dead = null; // the Error once crashed or terminated
  onProgress = null;
  onCrash = null; // (Error) => void

  get dead() { return this.#dead; }

  /** Sends one request; resolves with its value or rejects with a MobileNetError. */
  request(msg, transfer = []) {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#refresh();
      try {
        this.#worker.postMessage({ ...msg, id }, transfer);
      } catch (err) {
        this.#pending.delete(id);
        this.#refresh();
        reject(new MobileNetError('EINPUT', `cannot send the input to the worker: ${err.message}`));
      }
    });
  }

  #receive(m) {
    if (m.type === 'progress') {
      try { this.onProgress?.({ loaded: m.loaded, total: m.total }); } catch { /* the caller's bug, not ours */ }
      return;
    }
    if (m.type === 'fatal') {
      this.#crash(m.error);
      return;
    }
    const p = this.#pending.get(m.id);
    if (!p) return;
    this.#pending.delete(m.id);
    this.#refresh();
    if (m.ok) p.resolve(m.value);
    else p.reject(new MobileNetError(m.code, m.error));
  }

  #crash(why) {
    if (this.#dead) return;
    this.#fail(new MobileNetError('ECRASHED', `${why}; every pending call was rejected. Create a new classifier with load()`));
    this.onCrash?.(this.#dead);
  }

  #fail(err) {
    this.#dead = err;
    this.#worker.terminate();
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
  }

  /** For tests: kills the worker the way a crash would, leaving the crash handling to its events. */
  kill() { this.#worker.terminate(); }

  /** Stops the worker; pending requests reject with err. */
  terminate(err = new MobileNetError('EDISPOSED', 'the classifier was disposed')) {
    if (!this.#dead) this.#fail(err);
  }

  // In Node, a worker keeps the process alive only while it has work to do.
  #refresh() {
    if (!this.#node || this.#dead) return;
    if (this.#pending.size > 0) this.#worker.ref(); else this.#worker.unref();
  }
}

/** A loaded model behind one or more workers. Calls are queued and settle in call order. */
export class Classifier {
  #engines;
  #idle;
  #queue = []; // jobs waiting for an idle worker
  #tail = Promise.resolve(); // settles after the latest call settled: keeps answers in order
  #info;
  #pending = 0;
  #dead = null;
  #idleWaiters = [];
  #canvas = null;
  #workerDraws; // the workers can read ImageBitmaps themselves (OffscreenCanvas there)

  constructor(engines, info) {
    this.#engines = engines;
    this.#idle = [...engines];
    this.#info = Object.freeze({
      alpha: info.alpha, size: info.size, multAdds: info.multAdds, params: info.params,
      featureLength: info.featureLength, backend: info.backend, workers: info.workers,
    });
    this.#workerDraws = info.canDraw && typeof createImageBitmap === 'function';
    for (const e of engines) e.onCrash = (err) => this.#fail(err);
  }

  /** @returns {import('./mobilenet').ClassifierInfo} */
  info() { return this.#info; }

  /** True while every worker is busy: a new call would wait (a camera loop may skip the frame). */
  get busy() { return this.#idle.length === 0; }

  /** Calls made and not yet settled. */
  get pending() { return this.#pending; }

  /** Resolves when a worker is free and nothing is queued (immediately if so now). */
  idle() {
    if (this.#dead || (this.#idle.length > 0 && this.#queue.length === 0)) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Classifies one image. Resolves to predictions, best first, with `.timings` in ms.
   * @returns {Promise<import('./mobilenet').Predictions>}
   */
  classify(input, options = {}) {
    return this.#call(input, options, false).then((r) => Object.assign(r.predictions, { timings: r.timings }));
  }

  /** The pooled feature vector (Float32Array of info().featureLength), e.g. for custom classes. */
  embed(input, options = {}) {
    return this.#call(input, { ...options, topk: 1 }, true).then((r) => r.features);
  }

  /** Frees the workers; pending and later calls reject. */
  dispose() {
    if (this.#dead?.code === 'EDISPOSED') return;
    this.#fail(new MobileNetError('EDISPOSED', 'the classifier was disposed; call load() again to classify'));
  }

  /** For tests: a Go memory report from worker i. */
  memStats(gc = false, i = 0) {
    if (this.#dead) return Promise.reject(this.#dead);
    return this.#engines[i].request({ type: 'memStats', gc });
  }

  /** For tests (Node): kills worker i as a crash would (Node reports the exit). */
  [Symbol.for('mobilenet.killWorker')](i = 0) { this.#engines[i].kill(); }

  #fail(err) {
    if (this.#dead) return;
    this.#dead = err.code === 'ECRASHED'
      ? new MobileNetError('ECRASHED', `${err.message.replace(/^mobilenet: /, '')} (this instance is unusable)`)
      : err;
    for (const job of this.#queue) job.reject(err);
    this.#queue = [];
    for (const e of this.#engines) e.terminate(err);
    for (const w of this.#idleWaiters) w();
    this.#idleWaiters = [];
  }

  #call(input, options, embed) {
    if (this.#dead) return Promise.reject(this.#dead);
    this.#pending++;
    const raw = this.#run(input, options, embed);
    raw.catch(() => {}); // handled below, once earlier calls settled; not "unhandled" meanwhile
    const out = this.#tail.then(() => raw);
    this.#tail = out.catch(() => {});
    const settled = () => { this.#pending--; };
    out.then(settled, settled);
    return out;
  }

  async #run(input, options, embed) {
    const opts = checkOptions(options, this.#info);
    const t0 = performance.now();
    const frame = await this.#capture(input, options.transfer);
    const tCaptured = performance.now();
    if (this.#dead) throw this.#dead;
    const engine = await this.#acquire();
    const tStart = performance.now();
    try {
      const r = await engine.request({ type: 'classify', input: frame, ...opts, embed }, [frame.bitmap ?? frame.bytes]);
      r.timings.capture = tCaptured - t0;
      r.timings.queue = tStart - tCaptured;
      return r;
    } finally {
      this.#release(engine);
    }
  }

  #acquire() {
    if (this.#idle.length > 0 && this.#queue.length === 0) return Promise.resolve(this.#idle.pop());
    return new Promise((resolve, reject) => this.#queue.push({ resolve, reject }));
  }

  #release(engine) {
    if (this.#dead || engine.dead) return;
    const next = this.#queue.shift();
    if (next) { next.resolve(engine); return; }
    this.#idle.push(engine);
    for (const w of this.#idleWaiters) w();
    this.#idleWaiters = [];
  }

  // capture turns any supported input into {bytes: ArrayBuffer, width, height} owned by
  // us (so it can be transferred): width 0 = encoded image bytes for Go to decode; or
  // into {bitmap: ImageBitmap, width, height} for the worker to read.
  async #capture(input, transfer) {
    if (input == null) throw new MobileNetError('EINPUT', `no image given (${input})`);
    if (typeof Blob !== 'undefined' && input instanceof Blob) {
      return { bytes: await input.arrayBuffer(), width: 0, height: 0 };
    }
    if (input instanceof ArrayBuffer) return { bytes: transfer ? input : input.slice(0), width: 0, height: 0 };
    if (ArrayBuffer.isView(input)) return { bytes: copyBytes(input), width: 0, height: 0 };
    if (isRawFrame(input)) return rawFrame(input, transfer !== false);
    if (isCanvasSource(input)) return this.#draw(input);
    throw new MobileNetError('EINPUT', `unsupported input ${describe(input)}: pass an <img>, <video>, <canvas>, ` +
      'OffscreenCanvas, ImageBitmap, ImageData, VideoFrame, Blob/File, encoded image bytes, or {data, width, height} RGBA');
  }

  async #draw(src) {
    if (typeof HTMLImageElement !== 'undefined' && src instanceof HTMLImageElement && !src.complete) {
      await src.decode().catch(() => {});
    }
    const [w, h] = sourceSize(src);
    if (typeof HTMLImageElement !== 'undefined' && src instanceof HTMLImageElement && src.complete && !(w > 0)) {
      throw new MobileNetError('EINPUT', `the <img> ${src.currentSrc || src.src} failed to load: it is missing or not an image the browser can decode`);
    }
    if (!(w > 0 && h > 0)) {
      throw new MobileNetError('EINPUT', `${describe(src)} has no pixels yet (${w}x${h}): wait until the image has loaded or the video is playing`);
    }
    if (this.#workerDraws) {
      // The worker reads the pixels: here only a snapshot is taken, off the main thread.
      try {
        return { bitmap: await createImageBitmap(src), width: w, height: h };
      } catch (err) {
        throw new MobileNetError('EINPUT', `cannot take a snapshot of ${describe(src)}: ${err.message}`);
      }
    }
    if (!this.#canvas) {
      this.#canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(w, h) : document.createElement('canvas');
    }
    const c = this.#canvas;
    if (c.width !== w || c.height !== h) { c.width = w; c.height = h; }
    const ctx = c.getContext('2d', { willReadFrequently: true });
    ctx.clearRect(0, 0, w, h);
    let pixels;
    try {
      ctx.drawImage(src, 0, 0, w, h);
      pixels = ctx.getImageData(0, 0, w, h);
    } catch (err) {
      const hint = err?.name === 'SecurityError'
        ? 'the image is cross-origin without CORS: serve it with CORS and set crossorigin="anonymous", or pass its bytes'
        : 'the image could not be drawn';
      throw new MobileNetError('EINPUT', `cannot read the pixels of ${describe(src)}: ${err.message} (${hint})`);
    }
    return { bytes: pixels.data.buffer, width: w, height: h };
  }
}

function checkOptions(o, info) {
  const topk = o.topk ?? 5;
  if (!Number.isInteger(topk) || topk < 1 || topk > 1000) {
    throw new MobileNetError('EOPTIONS', `topk = ${topk}: want an integer from 1 to 1000`);
  }
  const threshold = o.threshold ?? 0;
  if (!(typeof threshold === 'number' && threshold >= 0 && threshold <= 1)) {
    throw new MobileNetError('EOPTIONS', `threshold = ${threshold}: want a probability from 0 to 1`);
  }
  const size = o.size ?? info.size;
  if (!Number.isInteger(size) || size < 32 || size > 1024 || size % 32 !== 0) {
    throw new MobileNetError('EOPTIONS', `size = ${size}: want a multiple of 32 from 32 to 1024 (224, 192, 160 or 128 as in the paper)`);
  }
  const c = o.crop ?? false;
  const crop = c === false ? 0 : c === true ? 0.875 : c;
  if (!(typeof crop === 'number' && crop >= 0 && crop <= 1)) {
    throw new MobileNetError('EOPTIONS', `crop = ${c}: want false (whole image), true (central 87.5%) or the central fraction in (0, 1]`);
  }
  return { topk, threshold, size, crop };
}

function isRawFrame(x) {
  return typeof x === 'object' && 'data' in x && 'width' in x && 'height' in x && !isCanvasSource(x);
}

// rawFrame checks an ImageData-like {data, width, height} of RGBA bytes and takes its
// buffer: transferred when the data spans the whole buffer, else copied.
function rawFrame({ data, width, height }, transfer) {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new MobileNetError('EINPUT', `raw frame of ${width}x${height}: width and height must be positive integers`);
  }
  const view = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? data : null;
  if (!view) throw new MobileNetError('EINPUT', 'raw frame data must be RGBA bytes: Uint8ClampedArray, Uint8Array or ArrayBuffer');
  if (view.byteLength !== width * height * 4) {
    throw new MobileNetError('EINPUT', `raw frame data has ${view.byteLength} bytes; ${width}x${height} RGBA needs ${width * height * 4}`);
  }
  const whole = view.byteOffset === 0 && view.byteLength === view.buffer.byteLength;
  const bytes = transfer && whole && view.buffer instanceof ArrayBuffer ? view.buffer : copyBytes(view);
  return { bytes, width, height };
}

const canvasSourceTypes = ['HTMLImageElement', 'SVGImageElement', 'HTMLVideoElement', 'HTMLCanvasElement',
  'OffscreenCanvas', 'ImageBitmap', 'VideoFrame'];

function isCanvasSource(x) {
  return canvasSourceTypes.some((t) => typeof globalThis[t] === 'function' && x instanceof globalThis[t]);
}

function sourceSize(src) {
  if (typeof HTMLImageElement !== 'undefined' && src instanceof HTMLImageElement) return [src.naturalWidth, src.naturalHeight];
  if (typeof HTMLVideoElement !== 'undefined' && src instanceof HTMLVideoElement) return [src.videoWidth, src.videoHeight];
  if (typeof VideoFrame !== 'undefined' && src instanceof VideoFrame) return [src.displayWidth, src.displayHeight];
  const w = src.width?.baseVal?.value ?? src.width, h = src.height?.baseVal?.value ?? src.height;
  return [w, h];
}

function describe(x) {
  if (x === null || typeof x !== 'object') return `(${typeof x} ${String(x).slice(0, 40)})`;
  return x.constructor?.name ? `(a ${x.constructor.name})` : '(an object)';
}
