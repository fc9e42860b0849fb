// A small static server for the benchmark pages: serves a few folders of the repo
// with the COOP/COEP headers that make the page cross-origin isolated
// (SharedArrayBuffer, so TF.js's wasm backend can run threads). Localhost only.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json',
  '.wasm': 'application/wasm', '.f32': 'application/octet-stream', '.mnw': 'application/octet-stream',
};
const allowed = ['/bench/web/', '/build/bench/', '/node_modules/@tensorflow/', '/web/'];

// serve starts the server on a free port of 127.0.0.1 and resolves to {url, close}.
export function serve(root) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const rel = path.posix.normalize(decodeURIComponent(url.pathname));
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Cache-Control', 'no-store');
    if (rel === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (!allowed.some((p) => rel.startsWith(p))) {
      res.writeHead(404).end('not found');
      return;
    }
    try {
      const body = await readFile(path.join(root, rel));
      res.writeHead(200, { 'Content-Type': types[path.extname(rel)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}`,
      close: () => new Promise((r) => server.close(r)),
    }));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await serve(process.argv[2] ?? process.cwd());
  console.log(`serving on ${s.url}/bench/web/`);
}
