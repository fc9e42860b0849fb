// The one static test server (Node), for the browser tests and the benchmark pages
// (bench/serve.mjs); the live page's tests use serve.go itself (tests/support/page.mjs).
// Plain files, by default with no COOP/COEP (an ordinary host); `isolated` adds them
// (cross-origin isolation: SharedArrayBuffer, so TF.js's wasm backend can run threads).
// By default web/ at / and the shared photos at /samples/; `roots` maps other URL
// prefixes to folders (the longest prefix wins; nothing else is served); `cors` adds
// Access-Control-Allow-Origin: * (a CDN); `silent` prefixes are accepted and never
// answered (a stalled download). It counts requests per path and keeps each answer's
// status, so tests can see what the browser fetched and that nothing was missing.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css',
  '.jpeg': 'image/jpeg', '.jpg': 'image/jpeg', '.png': 'image/png', '.mnw': 'application/octet-stream',
  '.f32': 'application/octet-stream',
};

/**
 * Starts a server on 127.0.0.1 (or host) at a free port. Resolves to
 * {url, hits: Map(path -> count), log: [{path, status}], close()}.
 */
export async function startServer({ web, samples, roots = {}, cors = false, isolated = false, silent = [], host = '127.0.0.1' }) {
  const mounts = Object.entries({ ...(web ? { '/': web } : {}), ...(samples ? { '/samples/': samples } : {}), ...roots })
    .sort((a, b) => b[0].length - a[0].length);
  const hits = new Map();
  const log = [];
  const held = new Set();
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const extra = {
      ...(cors ? { 'access-control-allow-origin': '*' } : {}),
      ...(isolated ? {
        'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp',
        'cross-origin-resource-policy': 'same-origin',
      } : {}),
    };
    const answer = (status, headers = {}) => { log.push({ path, status }); res.writeHead(status, { ...extra, ...headers }); };
    if (silent.some((p) => path.startsWith(p))) { held.add(res); log.push({ path, status: 'held' }); return; }
    const mount = mounts.find(([prefix]) => path.startsWith(prefix));
    if (!mount) { answer(404); res.end('not found'); return; }
    const [prefix, root] = mount;
    const file = resolve(root, normalize(path.slice(prefix.length) || 'index.html'));
    if (!file.startsWith(resolve(root))) { answer(403); res.end(); return; }
    let st;
    try { st = statSync(file); } catch { answer(404); res.end('not found'); return; }
    if (!st.isFile()) { answer(404); res.end('not found'); return; }
    answer(200, {
      'content-type': types[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': st.size, 'cache-control': 'no-store',
    });
    createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, host, r));
  return {
    url: `http://${host}:${server.address().port}`, hits, log,
    close: () => {
      for (const r of held) r.destroy();
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}

export { join };
