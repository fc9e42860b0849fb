// mobilenet-node.js: the Node (>= 20) entry of the package, the same API as
// mobilenet.js with worker_threads for the worker and file paths for models. It is
// the only main-thread file with `node:` imports, so browser bundles never see them.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createLoad } from './mobilenet-core.js';

export { Classifier, DEFAULT_MODEL, MobileNetError, simdSupported } from './mobilenet-core.js';

const node = {
  absolute(ref) {
    if (/^[a-z][a-z0-9+.-]+:/i.test(ref)) return new URL(ref).href; // a URL, not a C:\ path
    return pathToFileURL(resolve(ref)).href;
  },
  // workerURL is for browsers (a self-hosted mobilenet-worker.js); Node always runs
  // this package's own worker thread.
  startWorker(_workerURL, on) {
    const w = new Worker(new URL('./mobilenet-worker-node.js', import.meta.url));
    w.on('message', (m) => on.message(m));
    w.on('error', (err) => on.crash(`the classifier worker crashed: ${err?.message ?? err}`));
    w.on('exit', (code) => on.crash(`the classifier worker crashed (it exited with code ${code})`));
    return { post: (m, t) => w.postMessage(m, t), terminate: () => w.terminate(), ref: () => w.ref(), unref: () => w.unref() };
  },
};

/** Starts the worker thread(s), reads or downloads the model and resolves to a Classifier. */
export const load = createLoad(node);
