// The live page's service worker: repeat visits start from cache and, with the
// network off, the page still loads, classifies dropped photos and runs the camera.
//
// assets.json (made by `make`, mk/60-page.mk) maps every file of the page to 16 hex
// digits of its SHA-256. A file is cached under "<path>?v=<hash>", so:
// - a cached copy is used only while the manifest still names its content;
// - a copy is stored only after its bytes were checked against that hash (a file
//   rebuilt between the manifest and the download is passed through, not kept);
// - entries whose hash left the manifest are deleted (old versions cleaned up).
// The page shell is cached at install; the wasm builds, the HUD and the weights when
// the visitor first uses them (the page waits for this worker to take control before
// it starts the classifier's workers, so their downloads pass through here).
// Each navigation asks the network for a fresh manifest first (a few hundred bytes,
// at most NETWORK_WAIT_MS), so a rebuilt page is picked up on the next load; offline,
// the stored manifest is used.

const CACHE = 'mobilenet-page';
const MANIFEST = 'assets.json';
const NETWORK_WAIT_MS = 3000;
// What a first visit always needs: cached at install.
const SHELL = /^(index\.html|style\.css|[\w-]+\.js|overlay\.html|weights\/index\.json)$/;

const scope = new URL(self.registration.scope);
let manifest = null; // Map path -> hash, the one in force

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const m = await refreshManifest();
    if (!m) throw new Error(`${MANIFEST} is unavailable: the service worker cannot install`);
    await Promise.all([...m.keys()].filter((p) => SHELL.test(p) && p !== 'sw.js').map((p) => fetchAndStore(p, m)));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    await self.clients.claim();
    await cleanUp(await currentManifest());
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  let path = decodeURIComponent(url.pathname.slice(scope.pathname.length));
  if (path === '' || path.endsWith('/')) path += 'index.html';
  if (path === 'sw.js' || path === MANIFEST) return; // always the network's
  if (req.mode === 'navigate') {
    event.respondWith(navigate(req, path, event));
    return;
  }
  event.respondWith(serve(req, path));
});

async function navigate(req, path, event) {
  const before = await currentManifest();
  const m = (await refreshManifest()) ?? before;
  if (m && before && m !== before) event.waitUntil(cleanUp(m));
  return serve(req, path, m);
}

// serve answers from the cache when the manifest names the file and a copy of that
// version is stored; otherwise from the network, storing a verified copy.
async function serve(req, path, m) {
  m ??= await currentManifest();
  const hash = m?.get(path);
  if (!hash) return fetch(req);
  const cache = await caches.open(CACHE);
  const hit = await cache.match(key(path, hash));
  if (hit) return hit;
  return fetchAndStore(path, m, req);
}

async function fetchAndStore(path, m, req = new Request(new URL(path, scope))) {
  const res = await fetch(req);
  const hash = m.get(path);
  if (res.status !== 200 || res.type !== 'basic' || !hash) return res;
  const copy = res.clone();
  // Stored only once the bytes prove to be the version the manifest names; the page
  // is not kept waiting for it.
  const store = (async () => {
    const body = await copy.arrayBuffer();
    if ((await digest(body)) !== hash) return;
    const headers = new Headers(copy.headers);
    headers.set('content-length', String(body.byteLength));
    headers.delete('content-encoding'); // the body held here is the decoded one
    const cache = await caches.open(CACHE);
    await cache.put(key(path, hash), new Response(body, { status: 200, statusText: copy.statusText, headers }));
  })().catch(() => {});
  storing.add(store);
  store.finally(() => storing.delete(store));
  return res;
}

// Stores still under way, so a test (or the page) can wait for them: see 'message'.
const storing = new Set();

self.addEventListener('message', (event) => {
  if (event.data?.type !== 'flush') return;
  // Answers once every pending store has finished, with what is cached.
  event.waitUntil((async () => {
    while (storing.size > 0) await Promise.all([...storing]);
    const cache = await caches.open(CACHE);
    const keys = (await cache.keys()).map((r) => new URL(r.url).pathname.slice(scope.pathname.length) + new URL(r.url).search);
    event.ports[0]?.postMessage({ cached: keys.sort() });
  })());
});

function key(path, hash) {
  return new URL(`${path}?v=${hash}`, scope).href;
}

async function digest(buf) {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
  return [...d.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// currentManifest is the manifest in force: in memory, else the stored one.
async function currentManifest() {
  if (manifest) return manifest;
  const cache = await caches.open(CACHE);
  const res = await cache.match(new URL(MANIFEST, scope).href);
  if (!res) return null;
  manifest = parseManifest(await res.json().catch(() => null));
  return manifest;
}

// refreshManifest fetches assets.json from the network (bounded in time) and makes it
// the one in force; null when the network does not answer. The same manifest object
// is kept when nothing changed.
async function refreshManifest() {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), NETWORK_WAIT_MS);
  let text;
  try {
    const res = await fetch(new URL(MANIFEST, scope), { cache: 'no-store', signal: ctl.signal });
    if (!res.ok) return null;
    text = await res.text();
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
  let parsed;
  try { parsed = parseManifest(JSON.parse(text)); } catch { return null; }
  if (!parsed) return null;
  const old = await currentManifest();
  if (old && old.size === parsed.size && [...parsed].every(([p, h]) => old.get(p) === h)) return old;
  const cache = await caches.open(CACHE);
  await cache.put(new URL(MANIFEST, scope).href, new Response(text, { headers: { 'content-type': 'application/json' } }));
  manifest = parsed;
  return parsed;
}

function parseManifest(obj) {
  if (!obj || typeof obj !== 'object') return null;
  const m = new Map();
  for (const [p, h] of Object.entries(obj)) if (typeof h === 'string' && /^[0-9a-f]{16}$/.test(h)) m.set(p, h);
  return m;
}

// cleanUp deletes every cached version the manifest no longer names.
async function cleanUp(m) {
  if (!m) return;
  const cache = await caches.open(CACHE);
  const manifestURL = new URL(MANIFEST, scope).href;
  for (const req of await cache.keys()) {
    if (req.url === manifestURL) continue;
    const u = new URL(req.url);
    const path = decodeURIComponent(u.pathname.slice(scope.pathname.length));
    if (m.get(path) !== u.searchParams.get('v')) await cache.delete(req);
  }
}
