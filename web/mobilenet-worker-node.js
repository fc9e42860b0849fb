// mobilenet-worker-node.js: the classifier worker under Node (started by
// mobilenet-node.js as a worker_threads Worker). It wires mobilenet-worker.js to the
// thread's port and gives it the one Node-only thing it needs: reading file: URLs.
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parentPort } from 'node:worker_threads';
import { serve } from './mobilenet-worker.js';

// readLocal reads a file: URL, refusing (code ETOOBIG) a file over maxBytes from its
// size alone, before reading it.
async function readLocal(url, maxBytes = Infinity) {
  const file = await open(fileURLToPath(url), 'r');
  try {
    const { size } = await file.stat();
    if (size > maxBytes) {
      throw Object.assign(new Error(`the file has ${size} bytes, more than the ${maxBytes} allowed`), { code: 'ETOOBIG' });
    }
    return new Uint8Array(await file.readFile());
  } finally {
    await file.close();
  }
}

serve({ post: (m, t) => parentPort.postMessage(m, t), onMessage: (f) => parentPort.on('message', f) }, { readLocal });
