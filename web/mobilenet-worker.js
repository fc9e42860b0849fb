// The classifier worker: one Go wasm instance (wasm/classifier) per worker. It
// downloads the wasm and the model, converts TF.js models, and answers one message per
// image. Runs as a browser module Worker and as a Node worker_threads Worker.
// Protocol (from web/mobilenet.js): {id, type: 'init'|'classify'|'embed'|'memStats', ...}
// answered by {id, ok: true, value} or {id, ok: false, error, code}; plus
// {type: 'progress', loaded, total} during init and {type: 'fatal', error} if Go exits.

const isNode = typeof self === 'undefined' && typeof process !== 'undefined';
let port; // {post(msg, transfer), onMessage(fn)}
if (isNode) {
  const { parentPort } = await import('node:worker_threads');
  port = { post: (m, t) => parentPort.postMessage(m, t), onMessage: (f) => parentPort.on('message', f) };
} else {
  port = { post: (m, t) => self.postMessage(m, t), onMessage: (f) => { self.onmessage = (e) => f(e.data); } };
}

const CACHE_NAME = 'mobilenet-go-models-v1';

let go = null; // globalThis.mobilenetGo once started
let labels = null;
let outF64 = null; // Go writes results here: [decode, preprocess, inference, n, (index, prob)...]
let featureLength = 0;

class CodedError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}

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

async function handle(msg) {
  switch (msg.type) {
    case 'init': return init(msg);
    case 'classify': return classify(msg);
    case 'memStats': return [goCall('memStats', msg.gc)];
  }
  throw new CodedError('EPROTOCOL', `unknown request ${msg.type}`);
}

// goCall runs a Go function and turns its {error} result into a thrown Error.
function goCall(name, ...args) {
  if (!go) throw new CodedError('ESTATE', 'the classifier is not initialised');
  const res = go[name](...args);
  if (res && typeof res === 'object' && typeof res.error === 'string') {
    const why = res.error.replace(/^(mobilenet: )+/, '');
    if (name === 'classify') throw new CodedError('EIMAGE', `cannot classify this image: ${why}`);
    throw new CodedError('EMODEL', why);
  }
  return res;
}

async function init({ wasmURL, tfjsWasmURL, wasmExecURL, model, cache, exportPacked }) {
  const useCache = cache !== false;
  // Only TF.js models need the bigger build with the importer; guess from the URL so
  // the wasm downloads alongside the model, and correct the guess once the bytes are in.
  const guess = model.url && /\.json([?#]|$)/i.test(model.url) ? tfjsWasmURL : wasmURL;
  const early = readURL(guess, { what: 'the classifier wasm' });
  early.catch(() => {}); // awaited below, or dropped if the guess was wrong
  const progress = new Progress();
  const data = model.bytes ? new Uint8Array(model.bytes)
    : await readURL(model.url, { what: 'the model', cache: useCache, progress });
  const json = looksLikeJSON(data);
  if (json && !model.url) {
    throw new CodedError('EMODEL', 'the given bytes are a TF.js model.json, which needs its URL to find the weight shards: pass the URL');
  }
  const shards = json ? await fetchShards(data, model.url, useCache, progress) : null;
  const want = json ? tfjsWasmURL : wasmURL;
  await startGo(want, want === guess ? await early : await readURL(want, { what: 'the classifier wasm' }), wasmExecURL);
  if (json && typeof go.loadTFJS !== 'function') {
    throw new CodedError('EWASM', `${want} was built without the TF.js importer (-tags tfjs): use classifier-tfjs.wasm or a .mnw model`);
  }
  let info;
  try {
    info = json ? goCall('loadTFJS', data, shards) : goCall('loadPacked', data);
  } catch (err) {
    throw new CodedError('EMODEL', `${model.url ?? 'the given bytes'} is not a usable MobileNet v1 model: ${err.message} ` +
      '(use a .mnw file made by "mobilenet import" or a TF.js layers MobileNet v1 model.json)');
  }
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
  return [{ info, packed }, packed ? [packed.buffer] : []];
}

async function startGo(wasmURL, bytes, wasmExecURL) {
  try {
    await import(wasmExecURL); // defines globalThis.Go
  } catch (err) {
    throw new CodedError('EWASM', `cannot load ${wasmExecURL}: ${err.message} (run make to build web/)`);
  }
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
  if (!go) throw new CodedError('EWASM', `${wasmURL} did not start the classifier (is it web/classifier.wasm from this build?)`);
}

function looksLikeJSON(data) {
  for (const b of data.subarray(0, 64)) {
    if (b === 0x7b) return true; // '{'
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf) return false;
  }
  return false;
}

async function fetchShards(modelJSON, modelURL, useCache, progress) {
  let manifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(modelJSON)).weightsManifest;
  } catch (err) {
    throw new CodedError('EMODEL', `${modelURL} is not valid JSON: ${err.message}`);
  }
  if (!Array.isArray(manifest)) {
    throw new CodedError('EMODEL', `${modelURL} has no weightsManifest: it is not a TF.js layers model`);
  }
  const paths = manifest.flatMap((group) => group.paths ?? []);
  // The manifest gives every tensor's shape, so the total is known before any shard arrives.
  const bytesPer = { float32: 4, int32: 4, uint16: 2, float16: 2, uint8: 1 };
  for (const group of manifest) {
    for (const w of group.weights ?? []) {
      const dtype = w.quantization?.dtype ?? w.dtype;
      progress.expect((w.shape ?? []).reduce((a, b) => a * b, 1) * (bytesPer[dtype] ?? 4));
    }
  }
  const shards = {};
  await Promise.all(paths.map(async (p) => {
    shards[p] = await readURL(new URL(p, modelURL).href, { what: 'a weight shard', cache: useCache, progress, expected: true });
  }));
  return shards;
}

// Progress sums bytes over all files of a model and posts {loaded, total} at most every
// 50 ms; total is 0 while a server gives no length. A file that is complete before the
// rest of the model is known (model.json, whose shards come next) posts nothing, so
// the bar never shows 100% early; done() posts the final count.
class Progress {
  constructor() { this.loaded = 0; this.total = 0; this.unknown = false; this.last = 0; }
  expect(n) { if (n > 0) this.total += n; else this.unknown = true; }
  add(n) {
    this.loaded += n;
    const now = performance.now();
    if (now - this.last > 50 && (this.unknown || this.loaded < this.total)) {
      this.last = now;
      this.post(this.unknown ? 0 : this.total);
    }
  }
  post(total) { port.post({ type: 'progress', loaded: this.loaded, total }); }
  done() { this.post(this.loaded); }
}

// readURL returns a file's bytes: file: URLs from disk in Node, else fetch, through
// the Cache API when asked (so a second load makes no network request).
async function readURL(url, { what, cache = false, progress, expected = false }) {
  if (url.startsWith('file:')) {
    const { readFile } = await import('node:fs/promises');
    const { fileURLToPath } = await import('node:url');
    const path = fileURLToPath(url);
    let data;
    try {
      data = new Uint8Array(await readFile(path));
    } catch (err) {
      throw new CodedError('EDOWNLOAD', `cannot read ${what} at ${path}: ${err.code ?? err.message} (check the path; run make to build web/)`);
    }
    if (!expected) progress?.expect(data.length);
    progress?.add(data.length);
    return data;
  }
  const store = cache && typeof caches !== 'undefined' && /^https?:/.test(url) ? await openCache() : null;
  let res = store ? await store.match(url).catch(() => undefined) : undefined;
  const fromCache = !!res;
  if (!res) {
    try {
      res = await fetch(url);
    } catch (err) {
      throw new CodedError('EDOWNLOAD', `failed to download ${what} from ${url}: ${err.message} (network error, offline, or blocked by CORS)`);
    }
    if (!res.ok) {
      throw new CodedError('EDOWNLOAD', `failed to download ${what} from ${url}: HTTP ${res.status} ${res.statusText} (check the URL; run make to build web/)`);
    }
  }
  const length = Number(res.headers.get('content-length')) || 0;
  if (!expected) progress?.expect(length);
  const put = store && !fromCache ? store.put(url, res.clone()).catch(() => {}) : null;
  const data = await readBody(res, progress, url, what);
  await put;
  return data;
}

async function openCache() {
  try { return await caches.open(CACHE_NAME); } catch { return null; }
}

async function readBody(res, progress, url, what) {
  try {
    if (!progress || !res.body) {
      const data = new Uint8Array(await res.arrayBuffer());
      progress?.add(data.length);
      return data;
    }
    const chunks = [];
    let n = 0;
    for (const reader = res.body.getReader(); ;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      n += value.length;
      progress.add(value.length);
    }
    const data = new Uint8Array(n);
    let off = 0;
    for (const c of chunks) { data.set(c, off); off += c.length; }
    return data;
  } catch (err) {
    throw new CodedError('EDOWNLOAD', `download of ${what} from ${url} broke off: ${err.message}`);
  }
}

// classify runs one image: {bytes, width, height} (width 0 = encoded image) with
// {size, crop, topk, threshold, embed}. Timings are ms measured here.
function classify({ input, size, crop, topk, threshold, embed }) {
  const t0 = performance.now();
  const { bytes, width, height } = input.bitmap ? readBitmap(input.bitmap) : input;
  const tPixels = performance.now() - t0;
  goCall('classify', bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), width | 0, height | 0, size | 0, +crop, topk | 0);
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

// readBitmap reads an ImageBitmap's RGBA pixels through a reused OffscreenCanvas, so
// the page's main thread never does the readback.
let canvas = null, ctx = null;
function readBitmap(bitmap) {
  const { width, height } = bitmap;
  try {
    if (!canvas) {
      canvas = new OffscreenCanvas(width, height);
      ctx = canvas.getContext('2d', { willReadFrequently: true });
    }
    if (canvas.width !== width || canvas.height !== height) { canvas.width = width; canvas.height = height; }
    ctx.clearRect(0, 0, width, height);
    ctx.drawImage(bitmap, 0, 0);
    return { bytes: new Uint8Array(ctx.getImageData(0, 0, width, height).data.buffer), width, height };
  } catch (err) {
    const hint = err?.name === 'SecurityError'
      ? 'the image is cross-origin without CORS: serve it with CORS and set crossorigin="anonymous", or pass its bytes'
      : 'the image could not be drawn';
    throw new CodedError('EINPUT', `cannot read the pixels of the image: ${err.message} (${hint})`);
  } finally {
    bitmap.close();
  }
}
