// The benchmark pages' server: the one static test server (tests/support/static-server.mjs),
// cross-origin isolated (SharedArrayBuffer, so TF.js's wasm backend can run threads),
// serving only these folders of the repo. Localhost only.
import path from 'node:path';
import { startServer } from '../tests/support/static-server.mjs';

const folders = ['/bench/web/', '/build/bench/', '/node_modules/@tensorflow/', '/tests/support/', '/web/'];

// serve starts the server on a free port of 127.0.0.1 and resolves to {url, close}.
export async function serve(root) {
  const roots = Object.fromEntries(folders.map((p) => [p, path.join(root, p)]));
  const { url, close } = await startServer({ roots, isolated: true });
  return { url, close };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await serve(process.argv[2] ?? process.cwd());
  console.log(`serving on ${s.url}/bench/web/`);
}
