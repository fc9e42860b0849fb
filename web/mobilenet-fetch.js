// mobilenet-fetch.js: the worker's downloads of a model (a .mnw, or a TF.js model.json
// and its weight shards). A model URL is untrusted input and so is what it serves:
// - shard paths stay inside model.json's folder: relative, no scheme (file:, https:),
//   no leading "/", no backslash, no ".." (also percent-encoded), same origin;
// - every download is bounded by the size its format implies (LIMITS, shared with Go:
//   a .mnw by its own header, a model.json by a small cap, shards by their manifest
//   group) and aborted at once past it, before the rest is buffered;
// - a download that delivers no byte for stallTimeout ms is aborted (ETIMEOUT);
// - the Cache API stores a download only after commit() (the worker calls it once Go
//   accepted the model); cached entries are revalidated with ETag / Last-Modified
//   unless the URL carries a content hash, and discard() drops entries that failed.
// No `node:` imports: this module is bundled for browsers. file: URLs are read by the
// caller's readLocal(url, maxBytes) (the Node entry provides one).
// Error codes: EMODEL (a shard path leaves the folder, a bad manifest), ETOOBIG (past a
// bound), ETIMEOUT (stalled), EABORTED (signal), EDOWNLOAD (network, HTTP, file).
import { LIMITS } from './mobilenet-limits.js';

// v1 stored bytes before they were checked; its entries are never read.
export const CACHE_NAME = 'mobilenet-go-models-v2';

export class CodedError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}

export const SHARD_PATH_RULE =
  'shard paths must be relative to model.json, without a scheme, a leading "/", a backslash or ".." segments';

const MNW_MAGIC = [0x4d, 0x4e, 0x57, 0x1a];
const MNW_HEADER = 24, MNW_LAYER = 20, MNW_MAX_LAYERS = 64;
const BYTES_PER = { float32: 4, int32: 4, uint16: 2, float16: 2, uint8: 1 };

/**
 * checkShardPath throws EMODEL unless p is a path inside the model's folder (the same
 * rule as weights.checkShardPath in Go). Every check runs on the decoded form too:
 * URL parsing treats %2e%2e as "..".
 */
export function checkShardPath(p) {
  const refuse = (why) => {
    throw new CodedError('EMODEL', `shard ${JSON.stringify(p)} leaves the model's folder (${why}): ${SHARD_PATH_RULE}`);
  };
  if (typeof p !== 'string' || p === '') refuse('empty path');
  let dec;
  try { dec = decodeURIComponent(p); } catch { refuse('bad percent-escape'); }
  for (const s of [p, dec]) {
    if (s.includes('\\')) refuse('backslash');
    if (s.includes(':')) refuse('has a scheme or a colon');
    if (s.startsWith('/')) refuse('absolute path');
    if (/[?#]/.test(s)) refuse('query or fragment');
    if (/[\u0000-\u001f\u007f]/.test(s)) refuse('control character');
    if (s.split('/').includes('..')) refuse('".." segment');
  }
  if (dec.split('/').every((seg) => seg === '.' || seg === '')) refuse('not a file inside the folder');
}

/** shardURL resolves a checked shard path and checks the result stays under model.json's folder. */
export function shardURL(modelURL, p) {
  checkShardPath(p);
  const base = new URL(modelURL);
  const dir = base.pathname.slice(0, base.pathname.lastIndexOf('/') + 1);
  const u = new URL(p, base);
  if (u.protocol !== base.protocol || u.host !== base.host || !u.pathname.startsWith(dir) || u.search || u.hash) {
    throw new CodedError('EMODEL', `shard ${JSON.stringify(p)} resolves to ${u.href}, outside ${dir}: ${SHARD_PATH_RULE}`);
  }
  return u.href;
}

/**
 * manifestPlan checks a model.json's weightsManifest before anything is fetched:
 * every path confined and listed once, at most LIMITS.maxShards paths and
 * LIMITS.maxWeightsBytes declared. Returns [{paths, bytes}] per group.
 */
function manifestPlan(modelJSON, modelURL) {
  let manifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(modelJSON)).weightsManifest;
  } catch (err) {
    throw new CodedError('EMODEL', `${modelURL} is not valid JSON: ${err.message}`);
  }
  if (!Array.isArray(manifest)) {
    throw new CodedError('EMODEL', `${modelURL} has no weightsManifest: it is not a TF.js layers model`);
  }
  const seen = new Set();
  let total = 0;
  const groups = manifest.map((group, gi) => {
    const paths = group?.paths ?? [];
    if (!Array.isArray(paths)) throw new CodedError('EMODEL', `${modelURL}: weightsManifest group ${gi + 1} has no paths list`);
    if (seen.size + paths.length > LIMITS.maxShards) {
      throw new CodedError('ETOOBIG', `${modelURL}: weightsManifest names more than ${LIMITS.maxShards} shard files`);
    }
    for (const p of paths) {
      checkShardPath(p);
      const key = new URL(p, 'http://x/m/').pathname; // "a" and "./a" are the same file
      if (seen.has(key)) throw new CodedError('EMODEL', `${modelURL}: shard ${JSON.stringify(p)} is listed twice in weightsManifest`);
      seen.add(key);
    }
    let bytes = 0;
    for (const w of Array.isArray(group?.weights) ? group.weights : []) {
      const dtype = w?.quantization?.dtype ?? w?.dtype;
      const n = (Array.isArray(w?.shape) ? w.shape : []).reduce((a, b) => a * (Number.isSafeInteger(b) && b >= 0 ? b : NaN), 1);
      bytes += n * (BYTES_PER[dtype] ?? 4);
    }
    if (!Number.isFinite(bytes) || (total += bytes) > LIMITS.maxWeightsBytes) {
      throw new CodedError('ETOOBIG', `${modelURL}: weightsManifest declares more than ${LIMITS.maxWeightsBytes} bytes of weights`);
    }
    return { paths, bytes };
  });
  return groups;
}

/** looksLikeJSON: a model.json starts with "{" after whitespace or a BOM. */
export function looksLikeJSON(data) {
  for (const b of data.subarray(0, 64)) {
    if (b === 0x7b) return true; // '{'
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf) return false;
  }
  return false;
}

/**
 * modelFileLimit: the most bytes a model file may have, given its first bytes, or
 * undefined while they do not tell yet. A .mnw is exactly what its header and layer
 * table imply; anything else is a model.json.
 */
function modelFileLimit(head, what) {
  if (head.length < MNW_HEADER) return undefined;
  if (!MNW_MAGIC.every((b, i) => head[i] === b)) return LIMITS.maxModelJSONBytes;
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const layers = dv.getUint32(20, true);
  if (layers === 0 || layers > MNW_MAX_LAYERS) throw new CodedError('EMODEL', `${what}: its .mnw header claims ${layers} layers`);
  const tableLen = MNW_HEADER + layers * MNW_LAYER;
  if (head.length < tableLen) return undefined;
  // Bytes per kernel value and per output channel (bias; int8 adds a float32 scale),
  // as weights/mnw's FileSize: 1 = float32, 2 = float16, 3 = int8.
  const [width, perChannel] = { 1: [4, 4], 2: [2, 2], 3: [1, 8] }[head[6]] ?? [];
  if (!width) throw new CodedError('EMODEL', `${what}: its .mnw header has an unknown storage type ${head[6]}`);
  let bytes = 0;
  for (let off = MNW_HEADER; off < tableLen; off += MNW_LAYER) {
    bytes += dv.getUint32(off, true) * dv.getUint32(off + 4, true) * dv.getUint32(off + 8, true) * dv.getUint32(off + 12, true) * width +
      dv.getUint32(off + 16, true) * perChannel;
  }
  const size = tableLen + bytes + 4;
  if (size > LIMITS.maxMnwBytes) {
    throw new CodedError('ETOOBIG', `${what}: its .mnw header implies ${size} bytes, more than the ${LIMITS.maxMnwBytes}-byte limit`);
  }
  return size;
}

// A budget is how many bytes a download (or the shards of one manifest group, which
// share one) may still deliver; limitOf refines it from the first bytes.
class Budget {
  constructor(left, describe) { this.left = left; this.describe = describe; }
  take(n, what) {
    this.left -= n;
    if (this.left < 0) throw new CodedError('ETOOBIG', `${what} is larger than ${this.describe()}: aborted`);
  }
}

// Progress sums bytes over all files of a model and posts {loaded, total} at most every
// 50 ms; total is 0 while a server gives no length. A file that is complete before the
// rest of the model is known (model.json, whose shards come next) posts nothing, so
// the bar never shows 100% early; done() posts the final count.
export class Progress {
  constructor(post) { this.postMessage = post; this.loaded = 0; this.total = 0; this.unknown = false; this.last = 0; }
  expect(n) { if (n > 0) this.total += n; else this.unknown = true; }
  add(n) {
    this.loaded += n;
    const now = performance.now();
    if (now - this.last > 50 && (this.unknown || this.loaded < this.total)) {
      this.last = now;
      this.post(this.unknown ? 0 : this.total);
    }
  }
  post(total) { this.postMessage?.({ type: 'progress', loaded: this.loaded, total }); }
  done() { this.post(this.loaded); }
}

// A URL whose ?v= or name carries a content hash (8+ hex digits; in a name, with a
// letter, so a date like model-20250101.json is not taken for one) names immutable
// bytes: a cached copy is used without asking the server.
export function contentAddressed(url) {
  const u = new URL(url);
  const name = u.pathname.slice(u.pathname.lastIndexOf('/') + 1);
  return /^[0-9a-f]{8,}$/i.test(u.searchParams.get('v') ?? '') ||
    /[.\-_](?=[0-9]*[a-f])[0-9a-f]{8,}(\.|$)/i.test(name);
}

/**
 * Fetcher downloads files for one init: options {cache, progress, stallTimeout (ms),
 * readLocal(url, maxBytes), signal}. Every download shares one AbortController, so
 * the first failure (or the caller's signal) cancels the rest.
 */
export class Fetcher {
  constructor({ cache = false, progress = null, stallTimeout = LIMITS.stallTimeoutMs, readLocal = null, signal } = {}) {
    this.useCache = cache && typeof caches !== 'undefined';
    this.progress = progress;
    this.stallMs = stallTimeout > 0 ? stallTimeout : LIMITS.stallTimeoutMs;
    this.readLocal = readLocal;
    this.controller = new AbortController();
    this.signal = signal;
    if (signal) {
      if (signal.aborted) this.controller.abort();
      else signal.addEventListener('abort', () => this.controller.abort(), { once: true });
    }
    this.pending = []; // [url, bytes, headers] to store on commit
    this.touched = []; // every cached URL read, to drop on discard
    this.store = undefined;
  }

  /**
   * model downloads a model: {data, shards} where shards maps each manifest path to
   * its bytes (null for a .mnw).
   */
  async model(url) {
    const data = await this.get(url, { what: 'the model', limitOf: modelFileLimit, cache: true });
    if (!looksLikeJSON(data)) return { data, shards: null };
    const groups = manifestPlan(data, url);
    const urls = groups.map((g) => g.paths.map((p) => shardURL(url, p))); // every path checked before any fetch
    const folder = new URL('.', url).href;
    for (const g of groups) this.progress?.expect(g.bytes);
    const shards = {};
    try {
      await Promise.all(groups.flatMap((g, gi) => {
        const budget = new Budget(Math.min(g.bytes, LIMITS.maxShardBytes * g.paths.length),
          () => `the ${g.bytes} bytes its manifest group ${gi + 1} declares`);
        return g.paths.map(async (p, pi) => {
          shards[p] = await this.get(urls[gi][pi], { what: `weight shard ${JSON.stringify(p)}`, budget, cache: true, expected: true, within: folder });
        });
      }));
    } catch (err) {
      this.controller.abort(); // the first failure stops the other shards
      throw err;
    }
    return { data, shards };
  }

  /** get returns one file's bytes (file: through readLocal, else fetch and the cache). */
  async get(url, { what, limitOf, budget, maxBytes, cache = false, expected = false, within }) {
    if (this.controller.signal.aborted) throw this.aborted(what, url);
    budget ??= maxBytes === undefined ? new Budget(LIMITS.maxMnwBytes, () => 'any model file may be')
      : new Budget(maxBytes, () => `${maxBytes} bytes`);
    if (url.startsWith('file:')) return this.getLocal(url, what, limitOf, budget, expected, within);
    const store = cache && this.useCache && /^https?:/.test(url) ? await this.openCache() : null;
    const cached = store ? await store.match(url).catch(() => undefined) : undefined;
    if (cached) this.touched.push(url);
    if (cached && contentAddressed(url)) return this.fromCached(cached, url, what, limitOf, budget, expected);
    const headers = {};
    const etag = cached?.headers.get('etag'), modified = cached?.headers.get('last-modified');
    if (etag) headers['if-none-match'] = etag;
    else if (modified) headers['if-modified-since'] = modified;
    let result;
    try {
      result = await this.download(url, what, limitOf, budget, expected, Object.keys(headers).length ? headers : undefined);
    } catch (err) {
      // Offline, or a cross-origin server that refuses the conditional request's
      // preflight: the cached copy (it passed every check) or a plain GET.
      if (!cached || err.code !== 'EDOWNLOAD' || !err.network) throw err;
      try {
        result = await this.download(url, what, limitOf, budget, expected);
      } catch (err2) {
        if (err2.code !== 'EDOWNLOAD' || !err2.network) throw err2;
        return this.fromCached(cached, url, what, limitOf, budget, expected);
      }
    }
    if (result.notModified) return this.fromCached(cached, url, what, limitOf, budget, expected);
    if (store) this.pending.push([url, result.data, result.headers]);
    return result.data;
  }

  async fromCached(res, url, what, limitOf, budget, expected) {
    let data;
    try { data = new Uint8Array(await res.arrayBuffer()); } catch (err) {
      throw new CodedError('EDOWNLOAD', `cannot read the cached ${what} (${url}): ${err.message}`);
    }
    return this.accept(data, url, what, limitOf, budget, expected);
  }

  // readLocal(url, maxBytes, {within}) reads a file of at most maxBytes (else throws
  // code ETOOBIG); within, a folder's file: URL, asks it to refuse (code EMODEL) a file
  // whose real path (symlinks resolved) is outside that folder.
  async getLocal(url, what, limitOf, budget, expected, within) {
    if (!this.readLocal) throw new CodedError('EDOWNLOAD', `cannot read ${what} at ${url}: file: URLs are only read in Node`);
    let data;
    try {
      data = await this.readLocal(url, Math.max(0, budget.left), { within });
    } catch (err) {
      if (err?.code === 'ETOOBIG' || err?.code === 'EMODEL') throw new CodedError(err.code, `${what} at ${url}: ${err.message}`);
      throw new CodedError('EDOWNLOAD', `cannot read ${what} at ${url}: ${err?.code ?? err?.message} (check the path; run make to build web/)`);
    }
    return this.accept(data, url, what, limitOf, budget, expected);
  }

  // accept applies the format's limit and the budget to a whole file read at once
  // (from the cache or a file: URL) and counts it as progress.
  accept(data, url, what, limitOf, budget, expected) {
    const n = data.length;
    const limit = limitOf?.(data, `${what} (${url})`);
    if (limit !== undefined && n > limit) {
      throw new CodedError('ETOOBIG', `${what} (${url}) is ${n} bytes, more than its format allows (${limit})`);
    }
    budget.take(n, `${what} (${url})`);
    if (!expected) this.progress?.expect(n);
    this.progress?.add(n);
    return data;
  }

  aborted(what, url) {
    return new CodedError('EABORTED', `the download of ${what} from ${url} was aborted`);
  }

  // download GETs url with a stall timer, streaming into one buffer and aborting as
  // soon as the bytes pass the bound. Resolves {data, headers} or {notModified}.
  async download(url, what, limitOf, budget, expected, headers) {
    const ctl = new AbortController();
    const stopAll = () => ctl.abort();
    this.controller.signal.addEventListener('abort', stopAll, { once: true });
    let stalled = false, timer;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => { stalled = true; ctl.abort(); }, this.stallMs);
    };
    const fail = (err) => {
      if (stalled) return new CodedError('ETIMEOUT', `the download of ${what} from ${url} stalled: no data for ${this.stallMs} ms`);
      if (this.controller.signal.aborted) return this.aborted(what, url);
      return err;
    };
    arm();
    try {
      let res;
      try {
        res = await fetch(url, { signal: ctl.signal, headers });
      } catch (err) {
        const e = fail(new CodedError('EDOWNLOAD', `failed to download ${what} from ${url}: ${err.message} (network error, offline, or blocked by CORS)`));
        e.network = e.code === 'EDOWNLOAD';
        throw e;
      }
      if (res.status === 304 && headers) { res.body?.cancel().catch(() => {}); return { notModified: true }; }
      if (!res.ok) {
        res.body?.cancel().catch(() => {});
        throw new CodedError('EDOWNLOAD', `failed to download ${what} from ${url}: HTTP ${res.status} ${res.statusText} (check the URL; run make to build web/)`);
      }
      const length = Number(res.headers.get('content-length')) || 0;
      if (length > budget.left) {
        res.body?.cancel().catch(() => {});
        throw new CodedError('ETOOBIG', `${what} (${url}) is ${length} bytes, more than ${budget.describe()}`);
      }
      if (!expected) this.progress?.expect(length);
      const data = await this.readBody(res, url, what, limitOf, budget, length, arm, ctl);
      const keep = {};
      for (const h of ['content-type', 'etag', 'last-modified']) if (res.headers.has(h)) keep[h] = res.headers.get(h);
      return { data, headers: keep };
    } catch (err) {
      throw fail(err);
    } finally {
      clearTimeout(timer);
      this.controller.signal.removeEventListener('abort', stopAll);
    }
  }

  async readBody(res, url, what, limitOf, budget, length, arm, ctl) {
    const name = `${what} (${url})`;
    let limit; // from the format, once the first bytes tell
    let chunks = [], n = 0;
    const reader = res.body.getReader();
    try {
      for (;;) {
        let step;
        try {
          step = await reader.read();
        } catch (err) {
          throw new CodedError('EDOWNLOAD', `download of ${what} from ${url} broke off: ${err.message}`);
        }
        if (step.done) break;
        arm();
        const chunk = step.value;
        budget.take(chunk.length, name);
        chunks.push(chunk);
        n += chunk.length;
        this.progress?.add(chunk.length);
        if (limitOf && limit === undefined) {
          if (chunks.length > 1) chunks = [concat(chunks, n)];
          limit = limitOf(chunks[0], name);
          if (limit !== undefined && length > limit) {
            throw new CodedError('ETOOBIG', `${name} is ${length} bytes, more than its format allows (${limit})`);
          }
        }
        if (limit !== undefined && n > limit) {
          throw new CodedError('ETOOBIG', `${name} is longer than its format allows (${limit} bytes): aborted`);
        }
      }
    } catch (err) {
      ctl.abort();
      reader.cancel().catch(() => {});
      throw err;
    }
    return concat(chunks, n);
  }

  async openCache() {
    if (this.store === undefined) {
      try { this.store = await caches.open(CACHE_NAME); } catch { this.store = null; }
    }
    return this.store;
  }

  /** commit stores this init's downloads in the Cache API; call it once the model parsed. */
  async commit() {
    const store = this.pending.length ? await this.openCache() : null;
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending.map(([url, data, headers]) =>
      store?.put(url, new Response(data, { headers: { ...headers, 'content-length': String(data.length) } })).catch(() => {})));
  }

  /** discard drops what this init read from the cache (the model failed its checks) and stores nothing. */
  async discard() {
    this.pending = [];
    this.controller.abort();
    const store = this.touched.length ? await this.openCache() : null;
    await Promise.all(this.touched.map((url) => store?.delete(url).catch(() => {})));
  }
}

function concat(chunks, n) {
  if (chunks.length === 1 && chunks[0].length === n) return chunks[0];
  const data = new Uint8Array(n);
  let off = 0;
  for (const c of chunks) { data.set(c, off); off += c.length; }
  return data;
}
