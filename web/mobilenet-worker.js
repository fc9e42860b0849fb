// The classifier worker: one Go wasm instance (wasm/classifier) per worker. It
// downloads the wasm and the model, converts TF.js models, and answers one message per
// image. Runs as a browser module Worker (started by mobilenet.js, directly or through
// a blob: module importing it) and as a Node worker_threads Worker (through
// mobilenet-worker-node.js, which calls serve()). It has no `node:` import, so bundlers
// can build it for browsers as it is.
// Protocol (from web/mobilenet-core.js): {id, type: 'init'|'classify'|'memStats'|'team'|'band'|'forward'|'teamProfile', ...}
// answered by {id, ok: true, value} or {id, ok: false, error, code}; plus
// {type: 'progress', loaded, total} during init and {type: 'fatal', error} if Go exits.
import './wasm_exec.js'; // Go's runtime glue, a classic script: defines globalThis.Go
import { CodedError, Fetcher, Progress, looksLikeJSON } from './mobilenet-fetch.js';
import { joinTeam } from './mobilenet-team.js';
import { PixelReader } from './mobilenet-pixels.js';

let port; // {post(msg, transfer), onMessage(fn)}
// readLocal(url, maxBytes) => Promise<Uint8Array> reads file: URLs (the Fetcher's
// readLocal); given by the Node entry, null in browsers.
let readLocal = null;

/**
 * Answers the main thread's messages on port; host.readLocal reads file: URLs (Node).
 * @param {{post(msg: any, transfer?: any[]): void, onMessage(fn: (msg: any) => void): void}} p
 */
export function serve(p, host = {}) {
  port = p;
  readLocal = host.readLocal ?? null;
  // Messages are handled one at a time, in order: the Go instance is single-threaded and
  // a call must not start while init is still awaiting downloads.
  let chain = Promise.resolve();
  port.onMessage((msg) => {
    chain = chain.then(async () => {
      try {
        const [value, transfer] = await handle(msg);
        port.post({ id: msg.id, ok: true, value }, transfer ?? []);
      } catch (err) {
        port.post({ id: msg.id, ok: false, error: err?.message ?? String(err), code: err?.code ?? 'EUNKNOWN' });
      }
    });
  });
}

if (typeof WorkerGlobalScope !== 'undefined' && globalThis instanceof WorkerGlobalScope) {
  serve({ post: (m, t) => self.postMessage(m, t), onMessage: (f) => { self.onmessage = (e) => f(e.data); } });
}

let go = null; // globalThis.mobilenetGo once started
let memory = null; // the Go instance's WebAssembly.Memory
let team = null; // with load({threads}): this worker's part in splitting each frame (mobilenet-team.js)
let labels = null;
let outF64 = null; // Go writes results here: [decode, preprocess, inference, n, (index, prob)...]
let featureLength = 0;

async function handle(msg) {
  switch (msg.type) {
    case 'init': return init(msg);
    case 'classify': return classify(msg);
    case 'memStats': return [goCall('memStats', msg.gc)];
    case 'team': {
      const fatal = (error) => port.post({ type: 'fatal', error });
      team = joinTeam(msg, { goCall, goBytes, CodedError, fatal });
      return [true];
    }
    case 'band': return [await team.follow(msg.size, msg.loop, ownPrepare(msg))];
    case 'forward': return forward(msg);
    case 'teamProfile': return [team?.profile() ?? null];
  }
  throw new CodedError('EPROTOCOL', `unknown request ${msg.type}`);
}

// goCall runs a Go function and turns its {error} result into a thrown Error.
function goCall(name, ...args) {
  if (!go) throw new CodedError('ESTATE', 'the classifier is not initialised');
  const res = go[name](...args);
  if (res && typeof res === 'object' && typeof res.error === 'string') {
    const why = res.error.replace(/^(mobilenet: )+/, '');
    if (name === 'classify' || name === 'bandPrepare') {
      // The decoder refuses an encoded image over the pixel limit from its header.
      throw new CodedError(/^image is too large/.test(why) ? 'ETOOBIG' : 'EIMAGE', `cannot classify this image: ${why}`);
    }
    throw new CodedError('EMODEL', why);
  }
  return res;
}

async function init({ wasmURL, tfjsWasmURL, wasmExecURL, model, cache, exportPacked, stallTimeout, precision }) {
  // mobilenet-fetch.js confines shard paths, bounds every download, aborts stalled ones
  // (ETIMEOUT after stallTimeout ms) and caches a model only once Go accepted it.
  const progress = new Progress((m) => port.post(m));
  const fetcher = new Fetcher({ cache: cache !== false, progress, stallTimeout, readLocal });
  // The wasm has a Fetcher of its own: onProgress counts the model's bytes only.
  const wasmFetcher = new Fetcher({ stallTimeout, readLocal });
  const wasm = (url) => wasmFetcher.get(url, { what: 'the classifier wasm', maxBytes: Infinity });
  // Only TF.js models need the bigger build with the importer; guess from the URL so
  // the wasm downloads alongside the model, and correct the guess once the bytes are in.
  const guess = model.url && /\.json([?#]|$)/i.test(model.url) ? tfjsWasmURL : wasmURL;
  const early = wasm(guess);
  early.catch(() => {}); // awaited below, or dropped if the guess was wrong
  const { data, shards } = model.bytes ? { data: new Uint8Array(model.bytes), shards: null } : await fetcher.model(model.url);
  const json = shards !== null;
  if (!json && looksLikeJSON(data)) {
    throw new CodedError('EMODEL', 'the given bytes are a TF.js model.json, which needs its URL to find the weight shards: pass the URL');
  }
  const want = json ? tfjsWasmURL : wasmURL;
  await startGo(want, want === guess ? await early : await wasm(want), wasmExecURL);
  if (json && typeof go.loadTFJS !== 'function') {
    throw new CodedError('EWASM', `${want} was built without the TF.js importer (-tags tfjs): use classifier-tfjs.wasm or a .mnw model`);
  }
  let info;
  try {
    // precision undefined: Go runs the file's own storage (an int8 .mnw as int8, else f32).
    info = json ? goCall('loadTFJS', data, shards, precision) : goCall('loadPacked', data, precision);
  } catch (err) {
    await fetcher.discard(); // a cached copy that fails to parse is dropped
    throw new CodedError('EMODEL', `${model.url ?? 'the given bytes'} is not a usable MobileNet v1 model: ${err.message} ` +
      '(use a .mnw file made by "mobilenet import" or a TF.js layers MobileNet v1 model.json)');
  }
  await fetcher.commit();
  progress.done();
  labels = goCall('labels');
  featureLength = info.featureLength;
  outF64 = new Float64Array(go.outLength);
  goCall('setOutput', new Uint8Array(outF64.buffer));
  // One inference on a blank pixel before the first real frame: V8 runs new wasm code
  // in its baseline tier and swaps in optimised code for the hot kernels once they
  // have run, so this moves the slow first pass out of the camera loop.
  goCall('classify', new Uint8Array(4), 1, 1, 0, 1, 1);
  const packed = exportPacked ? goCall('exportPacked') : undefined;
  info.canDraw = typeof OffscreenCanvas === 'function';
  // The engine's mult-adds at every size classify() accepts, for Classifier.info(size).
  info.multAddsBySize = {};
  for (let s = 32; s <= 1024; s += 32) info.multAddsBySize[s] = goCall('info', s).multAdds;
  return [{ info, packed }, packed ? [packed.buffer] : []];
}

// goBytes is a view of n bytes of Go memory at addr (re-made per call: the memory's
// buffer changes when it grows).
function goBytes(addr, n) {
  return new Uint8Array(memory.buffer, addr, n);
}

async function startGo(wasmURL, bytes) {
  const g = new globalThis.Go();
  let instance;
  try {
    ({ instance } = await WebAssembly.instantiate(bytes, g.importObject));
  } catch (err) {
    throw new CodedError('EWASM', `cannot start ${wasmURL}: ${err.message} (rebuild web/ with make so wasm and wasm_exec.js match)`);
  }
  g.exit = (code) => port.post({ type: 'fatal', error: `the Go runtime exited with code ${code}` });
  // run() resolves only if Go's main returns, which it never does unless Go crashed.
  g.run(instance).then(() => port.post({ type: 'fatal', error: 'the Go runtime stopped' }),
    (err) => port.post({ type: 'fatal', error: `the Go runtime crashed: ${err?.message ?? err}` }));
  go = globalThis.mobilenetGo;
  memory = instance.exports.mem;
  if (!go) throw new CodedError('EWASM', `${wasmURL} did not start the classifier (is it web/classifier.wasm from this build?)`);
}

// classify runs one image: {bytes, width, height} (width 0 = encoded image) with
// {size, crop, topk, threshold, embed}. Timings are ms measured here.
// In a team (load({threads})) this is the leader: it prepares the frame, and the
// team's workers each run their rows of every layer.
async function classify({ input, size, crop, topk, threshold, embed, own }) {
  const t0 = performance.now();
  const { bytes, width, height } = input.bitmap ? readBitmap(input.bitmap) : input;
  const tPixels = performance.now() - t0;
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (team) {
    await team.lead(size | 0, () => goCall('bandPrepare', u8, width | 0, height | 0, size | 0, +crop), own === true);
    goCall('bandFinish', topk | 0);
  } else {
    goCall('classify', u8, width | 0, height | 0, size | 0, +crop, topk | 0);
  }
  const n = outF64[3];
  const predictions = [];
  for (let i = 0; i < n; i++) {
    const index = outF64[4 + 2 * i], probability = outF64[5 + 2 * i];
    if (probability < threshold) break;
    predictions.push({ index, label: labels[index], probability });
  }
  let features;
  if (embed) {
    features = new Float32Array(featureLength);
    goCall('features', new Uint8Array(features.buffer));
  }
  // decode: Go decoding encoded bytes, or reading a bitmap's pixels here.
  const timings = { decode: outF64[0] + tPixels, preprocess: outF64[1], inference: outF64[2], total: performance.now() - t0 };
  return [{ predictions, features, timings }, features ? [features.buffer] : []];
}

// ownPrepare is a following member's prepare() for its own copy of the frame (a
// 'band' request with input: a tensor for forward, bytes for classify), or null.
function ownPrepare({ input, size, crop }) {
  if (input instanceof ArrayBuffer) {
    const u8 = new Uint8Array(input);
    return () => goCall('setInput', u8, size);
  }
  if (!input) return null;
  const { bytes, width, height } = input;
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return () => goCall('bandPrepare', u8, width | 0, height | 0, size | 0, +crop);
}

// soloRun runs the network on this worker alone as the one member of a team of one
// (no exchanges), the path setInput's benchmarks time at 1 thread.
let solo = false;
function soloRun(size) {
  if (!solo) {
    goCall('bandTransport', () => {}, () => false);
    solo = true;
  }
  goCall('bandPlan', 1, 0, size, true);
  goCall('bandStep', 0);
}

// forward times the network on a preprocessed tensor ({input: ArrayBuffer of
// float32 [size][size][3]}), for benchmarks that feed every engine the same one: at
// least 2 runs and warmupMs of warm-up, then runs timed runs; the last logits.
async function forward({ input, size, runs, warmupMs }) {
  const u8 = new Uint8Array(input);
  const once = async () => {
    if (team) {
      await team.lead(size, () => goCall('setInput', u8, size), true);
      return;
    }
    goCall('setInput', u8, size);
    soloRun(size);
  };
  const t0 = performance.now();
  for (let warm = 0; warm < 2 || performance.now() - t0 < warmupMs; warm++) await once();
  const runsMs = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await once();
    runsMs.push(performance.now() - s);
  }
  team?.end(); // the others stop following
  const logits = new Float32Array(1000);
  goCall('logits', new Uint8Array(logits.buffer));
  return [{ runsMs, logits, profile: team?.profile() ?? null }, [logits.buffer]];
}

// readBitmap reads an ImageBitmap's (or a transferred VideoFrame's) RGBA pixels
// through a reused canvas, so the page's main thread never does the readback;
// it closes the bitmap, which is the worker's (a snapshot, or transferred to it).
const pixels = new PixelReader();
function readBitmap(bitmap) {
  const width = bitmap.displayWidth ?? bitmap.width, height = bitmap.displayHeight ?? bitmap.height;
  try {
    return { bytes: pixels.read(bitmap, width, height, 'the image', (code, msg) => new CodedError(code, msg)), width, height };
  } finally {
    bitmap.close();
  }
}
