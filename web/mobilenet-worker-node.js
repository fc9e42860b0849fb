// mobilenet-worker-node.js: the classifier worker under Node (started by
// mobilenet-node.js as a worker_threads Worker). It wires mobilenet-worker.js to the
// thread's port and gives it the one Node-only thing it needs: reading file: URLs.
import { open, realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parentPort } from 'node:worker_threads';
import { serve } from './mobilenet-worker.js';

const coded = (code, message) => Object.assign(new Error(message), { code });

// readLocal reads a file: URL of at most maxBytes (code ETOOBIG past it, judged from the
// size before reading and by the bytes read, since a file can grow). Only regular
// files: a FIFO would block and a device never end. within (a folder's file: URL, for
// a model's shards) refuses, code EMODEL, a file whose real path is outside the folder.
async function readLocal(url, maxBytes = Infinity, { within } = {}) {
  const path = fileURLToPath(url);
  if (within) {
    const [real, dir] = await Promise.all([realpath(path), realpath(fileURLToPath(within))]);
    if (!real.startsWith(dir + sep)) throw coded('EMODEL', `it is a link to ${real}, outside the model's folder ${dir}`);
  }
  const st = await stat(path);
  if (!st.isFile()) throw coded('ENOTFILE', `${path} is not a regular file`);
  if (st.size > maxBytes) throw coded('ETOOBIG', `the file has ${st.size} bytes, more than the ${maxBytes} allowed`);
  const file = await open(path, 'r');
  try {
    const buf = new Uint8Array(Math.min(st.size, maxBytes) + 1);
    let n = 0;
    for (let r; n < buf.length && (r = (await file.read(buf, n, buf.length - n, n)).bytesRead) > 0;) n += r;
    if (n > maxBytes) throw coded('ETOOBIG', `the file has more than the ${maxBytes} bytes allowed`);
    return buf.subarray(0, n);
  } finally {
    await file.close();
  }
}

serve({ post: (m, t) => parentPort.postMessage(m, t), onMessage: (f) => parentPort.on('message', f) }, { readLocal });
