// mobilenet-core.js: what web/mobilenet.js (browsers) and web/mobilenet-node.js (Node)
// share: load(), the Classifier, input capture and errors. It has no `node:` import
// and no host-specific code: each entry passes a host {absolute(ref), startWorker()}
// to createLoad(). Not part of the public API: import mobilenet.js (or the package).
import { LIMITS } from './mobilenet-limits.js';
import { sharedAvailable, teamWiring } from './mobilenet-team.js';
import { PixelReader } from './mobilenet-pixels.js';

/** The public TF.js MobileNet v1 used when load() gets no model (converted in the worker). */
export const DEFAULT_MODEL = 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_1.0_224/model.json';

// The smallest module using a v128 instruction (i32.const 0; i8x16.splat): it validates
// exactly when the engine supports wasm SIMD.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
  10, 8, 1, 6, 0, 65, 0, 253, 15, 11]);

/** True when this JavaScript engine runs wasm SIMD, so classifier-simd.wasm is used. */
export function simdSupported() {
  try { return WebAssembly.validate(SIMD_PROBE); } catch { return false; }
}

// A module whose f() is i32x4.relaxed_dot_i8x16_i7x16_add_s(splat(-127), splat(127),
// splat(1)) lane 0 == 4*(-127*127)+1 = -64515. The instruction is exact only for a
// second operand in 0..127 and a signed first one, as the int8 kernel uses it:
// engines that reject it fail validation, and an engine that computes it otherwise
// (Node 20 with --experimental-wasm-relaxed-simd: lane 0 is not -64515) returns 0.
const RELAXED_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 127, 3, 2, 1, 0,
  7, 5, 1, 1, 102, 0, 0, 10, 55, 1, 53, 0, 253, 12, ...Array(16).fill(129), 253, 12, ...Array(16).fill(127),
  65, 1, 253, 17, 253, 147, 2, 253, 27, 0, 65, 253, 135, 124, 70, 11]);

/** True when this engine runs relaxed SIMD's 7-bit dot product exactly, so precision 'int8' uses classifier-relaxed.wasm. */
export function relaxedSupported() {
  try {
    return new WebAssembly.Instance(new WebAssembly.Module(RELAXED_PROBE)).exports.f() === 1;
  } catch {
    return false;
  }
}

/** An Error with a stable `code` (the ErrorCode list in mobilenet.d.ts). */
export class MobileNetError extends Error {
  constructor(code, message) {
    super(`mobilenet: ${message.replace(/^(mobilenet: )+/, '')}`);
    this.name = 'MobileNetError';
    this.code = code;
  }
}

// The wasm builds, each written as the literal `new URL('./file', import.meta.url)`
// that Vite, webpack and other bundlers find, copy and rewrite. A function, so that
// nothing is resolved before load() runs.
// relaxed (int8 with relaxed SIMD) swaps the .mnw build for classifier-relaxed.wasm,
// the SIMD build plus the relaxed int8 pointwise kernel (the same answers, bit for bit).
function defaultWasmURLs(simd, relaxed) {
  if (!simd) return { plain: new URL('./classifier.wasm', import.meta.url), tfjs: new URL('./classifier-tfjs.wasm', import.meta.url) };
  const tfjs = new URL('./classifier-tfjs-simd.wasm', import.meta.url);
  return relaxed ? { plain: new URL('./classifier-relaxed.wasm', import.meta.url), tfjs } : { plain: new URL('./classifier-simd.wasm', import.meta.url), tfjs };
}

const MAX_TIMER_MS = 2 ** 31 - 1; // setTimeout's limit

/**
 * The default of load()'s threads: half the logical cores, as TF.js's wasm backend
 * picks its threads (the other half is left to the page, the camera and the browser),
 * shared among the workers engines, and at least 1 and at most 4 (each thread is a
 * Go instance with its own weights, and the last layers have only 7 rows to split).
 */
export function defaultThreads(workers = 1) {
  const cores = globalThis.navigator?.hardwareConcurrency;
  const half = Number.isInteger(cores) && cores > 1 ? Math.floor(cores / 2) : 1;
  return Math.min(4, Math.max(1, Math.floor(half / workers)));
}

/**
 * load() for one host: host.absolute(ref) turns a model/wasm reference into an absolute
 * URL; host.startWorker(workerURL, {message, crash}) starts one worker and returns
 * {post(msg, transfer), terminate(), ref(), unref()}.
 */
export function createLoad(host) {
  return async function load(options = {}) {
    if (options === null || typeof options !== 'object') throw new MobileNetError('EOPTIONS', 'load() takes an options object');
    const { onProgress, workers = 1, cache = true, signal, timeout } = options;
    if (!Number.isInteger(workers) || workers < 1 || workers > 16) {
      throw new MobileNetError('EOPTIONS', `workers = ${workers}: want an integer from 1 to 16`);
    }
    const { precision } = options;
    if (precision !== undefined && precision !== 'f32' && precision !== 'int8') {
      throw new MobileNetError('EOPTIONS', `precision = ${String(precision).slice(0, 100)}: want 'f32' (TF.js's arithmetic) or 'int8'`);
    }
    // Cooperating threads split the float32 and the int8 network alike; int8 defaults to
    // threads 1 (its one-Worker time is already half of f32's; ask for more).
    let threads = options.threads ?? (precision === 'int8' ? 1 : defaultThreads(workers));
    if (!Number.isInteger(threads) || threads < 1 || threads > 16) {
      throw new MobileNetError('EOPTIONS', `threads = ${threads}: want an integer from 1 to 16`);
    }
    if (workers * threads > 16) {
      throw new MobileNetError('EOPTIONS', `workers x threads = ${workers} x ${threads}: want at most 16 workers in all`);
    }
    const transport = options.transport ?? (sharedAvailable() ? 'shared' : 'message');
    if (transport !== 'shared' && transport !== 'message') {
      throw new MobileNetError('EOPTIONS', `transport = ${transport}: want 'shared' or 'message'`);
    }
    if (transport === 'shared' && !sharedAvailable()) {
      throw new MobileNetError('EOPTIONS', "transport = 'shared' needs SharedArrayBuffer and Atomics, which a page has only when crossOriginIsolated (served with COOP and COEP headers): use 'message' or leave it unset");
    }
    const backend = options.backend ?? (simdSupported() ? 'wasm-simd' : 'wasm');
    if (backend !== 'wasm' && backend !== 'wasm-simd') {
      throw new MobileNetError('EOPTIONS', `backend = ${backend}: want 'wasm-simd' or 'wasm'`);
    }
    if (timeout !== undefined && !(typeof timeout === 'number' && timeout > 0 && timeout <= MAX_TIMER_MS)) {
      throw new MobileNetError('EOPTIONS', `timeout = ${timeout}: want milliseconds, more than 0`);
    }
    if (signal !== undefined && !(signal && typeof signal.aborted === 'boolean' && typeof signal.addEventListener === 'function')) {
      throw new MobileNetError('EOPTIONS', 'signal must be an AbortSignal');
    }
    if (options.wasmExecURL !== undefined) {
      throw new MobileNetError('EOPTIONS', 'wasmExecURL is gone: the worker imports wasm_exec.js itself; to self-host the worker and its files, pass workerURL');
    }
    if (signal?.aborted) throw aborted(signal);

    const wasm = defaultWasmURLs(backend === 'wasm-simd', precision === 'int8' && relaxedSupported());
    const wasmURL = absolute(host, options.wasmURL ?? wasm.plain, 'wasmURL');
    const tfjsWasmURL = absolute(host, options.tfjsWasmURL ?? options.wasmURL ?? wasm.tfjs, 'tfjsWasmURL');
    const workerURL = options.workerURL === undefined ? undefined : absolute(host, options.workerURL, 'workerURL');
    const model = await resolveModel(options.model ?? DEFAULT_MODEL, host);
    // The worker gives up on a download that sends nothing for this long (ETIMEOUT).
    // precision undefined: the file's own (an int8 .mnw runs int8, anything else f32).
    const init = { type: 'init', wasmURL, tfjsWasmURL, cache, stallTimeout: timeout ?? LIMITS.stallTimeoutMs, precision };

    // Every worker this load starts, so that abort, timeout or failure stops them all.
    const engines = [];
    let stopped = null; // the error once aborted or timed out
    const start = () => {
      if (stopped) throw stopped;
      let e;
      try {
        e = new Engine(host, workerURL);
      } catch (err) {
        throw new MobileNetError('EWASM', `cannot start the classifier worker${workerURL ? ` ${workerURL}` : ''}: ${err?.message ?? err}`);
      }
      engines.push(e);
      return e;
    };
    const work = (async () => {
      const first = start();
      first.onProgress = onProgress;
      const transfer = model.bytes ? [model.bytes] : [];
      const { info, packed } = await first.request({ ...init, model, exportPacked: workers * threads > 1 }, transfer);
      first.onProgress = null;
      // An int8 file loaded without a precision runs int8: threads default as for int8 above.
      if (info.precision === 'int8' && options.threads === undefined) threads = 1;
      const total = workers * threads;
      // Further workers load the first one's weights as packed bytes: no second download or conversion.
      const rest = await Promise.all(Array.from({ length: total - 1 }, async (_, i) => {
        const e = start();
        const bytes = i === total - 2 ? packed.buffer : packed.buffer.slice(0);
        await e.request({ ...init, model: { bytes } }, [bytes]);
        return e;
      }));
      const all = [first, ...rest];
      // workers pipelines frames across units; a unit of threads > 1 workers (a Team)
      // splits each of its frames.
      const units = threads === 1 ? all : await Promise.all(Array.from({ length: workers }, async (_, u) => {
        const members = all.slice(u * threads, (u + 1) * threads);
        const wiring = teamWiring(threads, transport);
        await Promise.all(members.map((e, k) => e.request(wiring.msgs[k].msg, wiring.msgs[k].transfer)));
        return new Team(members, wiring.stop);
      }));
      return new Classifier(units, { ...info, backend, workers, threads, transport: threads > 1 ? transport : null }, all);
    })();

    let timer, onAbort;
    const interrupted = new Promise((_, reject) => {
      const stop = (err) => { stopped ??= err; reject(stopped); };
      if (timeout !== undefined) {
        timer = setTimeout(() => stop(new MobileNetError('ETIMEOUT',
          `load() did not finish within ${timeout} ms (timeout); every worker it started was stopped`)), timeout);
      }
      if (signal) {
        onAbort = () => stop(aborted(signal));
        signal.addEventListener('abort', onAbort, { once: true });
      }
    });
    work.catch(() => {}); // settled through the race below
    interrupted.catch(() => {});
    try {
      return await Promise.race([work, interrupted]);
    } catch (err) {
      for (const e of engines) e.terminate(err);
      throw err instanceof MobileNetError ? err : new MobileNetError('EUNKNOWN', String(err?.message ?? err));
    } finally {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  };
}

function aborted(signal) {
  const r = signal.reason;
  const why = r === undefined ? 'no reason given' : r instanceof Error ? `${r.name}: ${r.message}` : String(r);
  const err = new MobileNetError('EABORTED', `load() was aborted (${why}); every worker it started was stopped`);
  err.cause = r;
  return err;
}

// resolveModel turns the model option into {url} (absolute) or {bytes: ArrayBuffer} (our copy).
async function resolveModel(model, host) {
  if (isBuffer(model)) return { bytes: copyBytes(new Uint8Array(checkAttached(model, 'the model'))) };
  if (ArrayBuffer.isView(model)) return { bytes: copyBytes(checkAttached(model, 'the model')) };
  if (typeof Blob !== 'undefined' && model instanceof Blob) {
    try {
      return { bytes: await model.arrayBuffer() };
    } catch (err) {
      throw new MobileNetError('EDOWNLOAD', `cannot read the model's ${describe(model)}: ${err.message}`);
    }
  }
  if (model instanceof URL) return { url: model.href };
  if (typeof model !== 'string' || model === '') {
    throw new MobileNetError('EOPTIONS', 'model must be a URL or path of a .mnw file or TF.js model.json, or the file\'s bytes');
  }
  return { url: absolute(host, model, 'model') };
}

function absolute(host, ref, what) {
  try {
    return host.absolute(String(ref));
  } catch (err) {
    throw new MobileNetError('EOPTIONS', `${what} = ${String(ref).slice(0, 200)} is not a URL${what === 'model' ? ' or path' : ''}: ${err.message}`);
  }
}

function isBuffer(x) {
  return x instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && x instanceof SharedArrayBuffer);
}

function isShared(buffer) {
  return typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer;
}

// A detached ArrayBuffer (transferred to a worker, or ArrayBuffer.prototype.transfer)
// has no bytes and throws on slice; `detached` says so directly where the engine has it.
function isDetached(buffer) {
  if (isShared(buffer)) return false;
  if (typeof buffer.detached === 'boolean') return buffer.detached;
  if (buffer.byteLength > 0) return false;
  try { buffer.slice(0, 0); return false; } catch { return true; }
}

function checkAttached(x, what) {
  if (isDetached(ArrayBuffer.isView(x) ? x.buffer : x)) {
    throw new MobileNetError('EDETACHED', `${what}'s ArrayBuffer is detached (it was transferred, e.g. by an earlier call with transfer: true): pass a buffer that still holds the bytes`);
  }
  return x;
}

// copyBytes copies a view's bytes into a new ArrayBuffer (never shared: a
// SharedArrayBuffer cannot be transferred, and the caller may keep writing to it).
function copyBytes(view) {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice().buffer;
}

// Engine is one worker running one Go instance, with request/response matching.
class Engine {
  constructor(host, workerURL) {
    this.#worker = host.startWorker(workerURL, { message: (m) => this.#receive(m), crash: (why) => this.#crash(why) });
    this.#refresh();
  }

  #worker;
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
        this.#worker.post({ ...msg, id }, transfer);
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
    else p.reject(new MobileNetError(m.code ?? 'EUNKNOWN', m.error));
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
    if (this.#dead) return;
    if (this.#pending.size > 0) this.#worker.ref(); else this.#worker.unref();
  }
}

// Team is threads workers that run every frame together (web/mobilenet-team.js): the
// leader gets the classify request, the others a 'band' request for the same frame.
// It stands where an Engine does in the Classifier. A member's crash stops the team
// (stop() wakes members waiting in Atomics.wait) and crashes the Classifier.
class Team {
  #members;
  #stop;
  onCrash = null;

  constructor(members, stop) {
    this.#members = members;
    this.#stop = stop;
    for (const m of members) m.onCrash = (err) => { stop(); this.onCrash?.(err); };
  }

  get dead() { return this.#members.find((m) => m.dead)?.dead ?? null; }

  request(msg, transfer = []) {
    const [lead, ...rest] = this.#members;
    if (msg.type !== 'classify' && msg.type !== 'forward') return lead.request(msg, transfer);
    // Every member gets its own copy of the frame's bytes (or the tensor) and prepares
    // it in parallel (band.OwnInputs): posted before the leader's, which may transfer
    // them. An ImageBitmap only the leader reads, and it sends the image rows.
    const input = msg.type === 'forward' ? msg.input : msg.input.bitmap ? null : msg.input;
    const own = input !== null;
    const follow = rest.map((m) => m.request({ type: 'band', size: msg.size, loop: msg.type === 'forward', input, crop: msg.crop }));
    return Promise.all([lead.request({ ...msg, own }, transfer), ...follow]).then((v) => v[0]);
  }

  terminate(err) {
    this.#stop();
    for (const m of this.#members) m.terminate(err);
  }
}

/** A loaded model behind one or more workers. Calls are queued and settle in call order. */
export class Classifier {
  #engines; // every worker
  #units; // what a call runs on: one worker each, or a Team of threads workers
  #idle;
  #queue = []; // jobs waiting for an idle worker
  #tail = Promise.resolve(); // settles after the latest call settled: keeps answers in order
  #info;
  #pending = 0;
  #dead = null;
  #idleWaiters = [];
  #pixels = new PixelReader(); // the main-thread fallback's reused canvas (#draw)
  #workerDraws; // the workers can read ImageBitmaps themselves (OffscreenCanvas there)
  #multAddsBySize; // the engine's info(size).multAdds for each size, from the worker

  constructor(units, info, engines = units) {
    this.#engines = engines;
    this.#units = units;
    this.#idle = [...units];
    this.#info = Object.freeze({
      alpha: info.alpha, size: info.size, multAdds: info.multAdds, params: info.params,
      featureLength: info.featureLength, precision: info.precision ?? 'f32', backend: info.backend, kernels: info.kernels,
      workers: info.workers, threads: info.threads ?? 1, transport: info.transport ?? null,
    });
    this.#multAddsBySize = info.multAddsBySize;
    this.#workerDraws = info.canDraw && typeof createImageBitmap === 'function';
    for (const u of units) u.onCrash = (err) => this.#fail(err);
  }

  /**
   * info(): the model at its native size; info(size): the same with size and multAdds
   * for that input size (the engine's own count, as classify's size option runs it).
   * @returns {import('./mobilenet').ClassifierInfo}
   */
  info(size) {
    if (size === undefined || size === this.#info.size) return this.#info;
    checkSize(size);
    return Object.freeze({ ...this.#info, size, multAdds: this.#multAddsBySize[size] });
  }

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
   * Classifies one image. Resolves to predictions, best first, carrying `.timings` in ms;
   * with {details: true} to a plain {predictions, timings} (survives structuredClone and JSON).
   */
  classify(input, options = {}) {
    return this.#call(input, options, false).then((r) => (options?.details
      ? { predictions: r.predictions, timings: r.timings }
      : Object.assign(r.predictions, { timings: r.timings })));
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

  /**
   * For benchmarks: times the network on one preprocessed float32 [size][size][3]
   * tensor, on the first worker or team, after warm-up: {runsMs, logits, profile}.
   */
  [Symbol.for('mobilenet.benchForward')](input, { size = this.#info.size, runs = 10, warmupMs = 0 } = {}) {
    if (this.#dead) return Promise.reject(this.#dead);
    const copy = new Float32Array(input).buffer;
    return this.#units[0].request({ type: 'forward', input: copy, size, runs, warmupMs }, [copy]);
  }

  /** For benchmarks: worker i's last frame in its team, per stage [first layer, exchange ms, compute ms]. */
  teamProfile(i = 0) {
    if (this.#dead) return Promise.reject(this.#dead);
    return this.#engines[i].request({ type: 'teamProfile' });
  }

  /** For tests (Node): kills worker i as a crash would (Node reports the exit). */
  [Symbol.for('mobilenet.killWorker')](i = 0) { this.#engines[i].kill(); }

  #fail(err) {
    if (this.#dead) return;
    this.#dead = err.code === 'ECRASHED'
      ? new MobileNetError('ECRASHED', `${err.message} (this instance is unusable)`)
      : err;
    for (const job of this.#queue) job.reject(err);
    this.#queue = [];
    for (const u of this.#units) u.terminate(err);
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
    const { transfer, ...opts } = checkOptions(options, this.#info);
    const t0 = performance.now();
    const frame = await this.#capture(input, transfer);
    const tCaptured = performance.now();
    if (this.#dead) throw this.#dead;
    const engine = await this.#acquire();
    const tStart = performance.now();
    try {
      // What is sent is ours (a copy) unless the caller chose transfer: true.
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

  // capture turns any supported input into {bytes: ArrayBuffer, width, height} that may
  // be transferred (a copy, or the caller's own buffer with transfer: true): width 0 =
  // encoded image bytes for Go to decode; or into {bitmap, width, height} for the
  // worker to read (an ImageBitmap snapshot, or the caller's bitmap/frame with transfer).
  async #capture(input, transfer) {
    if (input == null) throw new MobileNetError('EINPUT', `no image given (${input})`);
    if (typeof Blob !== 'undefined' && input instanceof Blob) {
      try {
        return { bytes: await input.arrayBuffer(), width: 0, height: 0 };
      } catch (err) {
        throw new MobileNetError('EINPUT', `cannot read the ${describe(input)}: ${err.message}`);
      }
    }
    if (isBuffer(input)) {
      checkAttached(input, 'the image');
      return { bytes: transfer && !isShared(input) ? input : copyBytes(new Uint8Array(input)), width: 0, height: 0 };
    }
    if (ArrayBuffer.isView(input)) {
      checkAttached(input, 'the image');
      return { bytes: transfer && spansBuffer(input) ? input.buffer : copyBytes(input), width: 0, height: 0 };
    }
    if (isRawFrame(input)) return rawFrame(input, transfer);
    if (isCanvasSource(input)) return this.#draw(input, transfer);
    throw new MobileNetError('EINPUT', `unsupported input ${describe(input)}: pass an <img>, <video>, <canvas>, ` +
      'OffscreenCanvas, ImageBitmap, ImageData, VideoFrame, Blob/File, encoded image bytes, or {data, width, height} RGBA');
  }

  async #draw(src, transfer) {
    if (typeof HTMLImageElement !== 'undefined' && src instanceof HTMLImageElement && !src.complete) {
      await src.decode().catch(() => {});
    }
    const [w, h] = sourceSize(src);
    if (typeof HTMLImageElement !== 'undefined' && src instanceof HTMLImageElement && src.complete && !(w > 0)) {
      throw new MobileNetError('EINPUT', `the <img> ${src.currentSrc || src.src} failed to load: it is missing or not an image the browser can decode`);
    }
    const closable = isInstance(src, 'ImageBitmap') || isInstance(src, 'VideoFrame');
    if (closable && !(w > 0 && h > 0)) {
      throw new MobileNetError('EDETACHED', `the ${src.constructor.name} is closed (or was transferred, e.g. by an earlier call with transfer: true)`);
    }
    if (!(w > 0 && h > 0)) {
      throw new MobileNetError('EINPUT', `${describe(src)} has no pixels yet (${w}x${h}): wait until the image has loaded or the video is playing`);
    }
    checkPixels(w, h, `the ${src.constructor.name}`);
    if (this.#workerDraws) {
      // The worker reads the pixels: here at most a snapshot is taken, off the main thread.
      if (transfer && closable) return { bitmap: src, width: w, height: h }; // transferred, closed by the worker
      try {
        return { bitmap: await createImageBitmap(src), width: w, height: h };
      } catch (err) {
        throw new MobileNetError('EINPUT', `cannot take a snapshot of ${describe(src)}: ${err.message}`);
      }
    }
    const bytes = this.#pixels.read(src, w, h, describe(src), (code, msg) => new MobileNetError(code, msg));
    return { bytes: bytes.buffer, width: w, height: h };
  }
}

function checkSize(size) {
  if (!Number.isInteger(size) || size < 32 || size > 1024 || size % 32 !== 0) {
    throw new MobileNetError('EOPTIONS', `size = ${size}: want a multiple of 32 from 32 to 1024 (224, 192, 160 or 128 as in the paper)`);
  }
}

function checkOptions(o, info) {
  if (o === null || typeof o !== 'object') throw new MobileNetError('EOPTIONS', 'the options must be an object');
  const topk = o.topk ?? 5;
  if (!Number.isInteger(topk) || topk < 1 || topk > 1000) {
    throw new MobileNetError('EOPTIONS', `topk = ${topk}: want an integer from 1 to 1000`);
  }
  const threshold = o.threshold ?? 0;
  if (!(typeof threshold === 'number' && threshold >= 0 && threshold <= 1)) {
    throw new MobileNetError('EOPTIONS', `threshold = ${threshold}: want a probability from 0 to 1`);
  }
  const size = o.size ?? info.size;
  checkSize(size);
  const c = o.crop ?? false;
  const crop = c === false ? 0 : c === true ? 0.875 : c;
  if (!(typeof crop === 'number' && crop >= 0 && crop <= 1)) {
    throw new MobileNetError('EOPTIONS', `crop = ${c}: want false (whole image), true (central 87.5%) or the central fraction in (0, 1]`);
  }
  for (const k of ['transfer', 'details']) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new MobileNetError('EOPTIONS', `${k} = ${o[k]}: want true or false`);
  }
  return { topk, threshold, size, crop, transfer: o.transfer === true };
}

// The same bound as the Go decoder's, checked from the dimensions alone, before any
// pixel buffer is made.
function checkPixels(width, height, what) {
  if (width * height > LIMITS.maxPixels) {
    throw new MobileNetError('ETOOBIG', `${what} of ${width}x${height} = ${width * height} pixels is over the limit of ${LIMITS.maxPixels}: scale it down first`);
  }
}

function spansBuffer(view) {
  return !isShared(view.buffer) && view.byteOffset === 0 && view.byteLength === view.buffer.byteLength;
}

function isRawFrame(x) {
  return typeof x === 'object' && 'data' in x && 'width' in x && 'height' in x && !isCanvasSource(x);
}

// rawFrame checks an ImageData-like {data, width, height} of RGBA bytes and copies
// them, or with transfer takes the caller's buffer when the data spans all of it.
function rawFrame({ data, width, height }, transfer) {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new MobileNetError('EINPUT', `raw frame of ${width}x${height}: width and height must be positive integers`);
  }
  checkPixels(width, height, 'the raw frame');
  if (!isBuffer(data) && !ArrayBuffer.isView(data)) {
    throw new MobileNetError('EINPUT', 'raw frame data must be RGBA bytes: Uint8ClampedArray, Uint8Array or ArrayBuffer');
  }
  checkAttached(data, 'the raw frame');
  const view = isBuffer(data) ? new Uint8Array(data) : data;
  if (view.byteLength !== width * height * 4) {
    throw new MobileNetError('EINPUT', `raw frame data has ${view.byteLength} bytes; ${width}x${height} RGBA needs ${width * height * 4}`);
  }
  return { bytes: transfer && spansBuffer(view) ? view.buffer : copyBytes(view), width, height };
}

const canvasSourceTypes = ['HTMLImageElement', 'SVGImageElement', 'HTMLVideoElement', 'HTMLCanvasElement',
  'OffscreenCanvas', 'ImageBitmap', 'VideoFrame'];

function isInstance(x, type) {
  return typeof globalThis[type] === 'function' && x instanceof globalThis[type];
}

function isCanvasSource(x) {
  return canvasSourceTypes.some((t) => isInstance(x, t));
}

function sourceSize(src) {
  if (isInstance(src, 'HTMLImageElement')) return [src.naturalWidth, src.naturalHeight];
  if (isInstance(src, 'HTMLVideoElement')) return [src.videoWidth, src.videoHeight];
  if (isInstance(src, 'VideoFrame')) return [src.displayWidth, src.displayHeight];
  const w = src.width?.baseVal?.value ?? src.width, h = src.height?.baseVal?.value ?? src.height;
  return [w, h];
}

function describe(x) {
  if (x === null || typeof x !== 'object') return `(${typeof x} ${String(x).slice(0, 40)})`;
  return x.constructor?.name ? `(a ${x.constructor.name})` : '(an object)';
}
