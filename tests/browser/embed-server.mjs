// A tiny static server for the embed tests: web/ at /, the shared photos at /samples/.
// It counts requests per path so tests can see what the browser fetched.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css',
  '.jpeg': 'image/jpeg', '.jpg': 'image/jpeg', '.png': 'image/png', '.mnw': 'application/octet-stream',
};

export async function startServer({ web, samples }) {
  const hits = new Map();
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const [root, rel] = path.startsWith('/samples/') ? [samples, path.slice(9)] : [web, path.slice(1) || 'index.html'];
    const file = resolve(root, normalize(rel));
    if (!file.startsWith(resolve(root))) { res.writeHead(403).end(); return; }
    let st;
    try { st = statSync(file); } catch { res.writeHead(404, 'Not Found').end('not found'); return; }
    if (!st.isFile()) { res.writeHead(404, 'Not Found').end('not found'); return; }
    res.writeHead(200, {
      'content-type': types[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': st.size, 'cache-control': 'no-store',
    });
    createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, hits, close: () => new Promise((r) => server.close(r)) };
}

export { join };
