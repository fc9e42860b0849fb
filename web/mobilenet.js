// mobilenet.js: MobileNet v1 image classification in a Web Worker (Go compiled to wasm).
//
//   import { load } from './mobilenet.js';
//   const clf = await load({ model: 'weights/mobilenet_v1_0.75_224.mnw' });
//   const top = await clf.classify(document.querySelector('img'), { topk: 5 });
//
// This is the browser entry (the package's `browser`/`default` export); Node gets
// mobilenet-node.js, with the same API. The worker and the wasm files are found next
// to this file through literal `new URL('./file', import.meta.url)` references, which
// Vite and webpack follow and copy; imported from another origin (a CDN), the worker
// starts through a same-origin blob: module that imports it. Types: mobilenet.d.ts.
import { createLoad } from './mobilenet-core.js';

export { Classifier, DEFAULT_MODEL, MobileNetError, simdSupported } from './mobilenet-core.js';

// Where this module was loaded from. Bundlers may replace it with a build-time file:
// URL, which is never taken for another origin (the bundler then owns the worker URL).
const here = import.meta.url;

function crossOrigin(url) {
  return /^https?:/i.test(url) && !!globalThis.location && new URL(url).origin !== globalThis.location.origin;
}

// Browsers refuse a module Worker from another origin; a blob: module made here has
// this page's origin and may import the cross-origin worker (served with CORS), whose
// own imports then resolve against its real URL.
function viaBlob(url) {
  const source = `import ${JSON.stringify(url)};\n`;
  return URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
}

function createWorker(workerURL) {
  let blob = null;
  let w;
  if (workerURL !== undefined) {
    w = new Worker(crossOrigin(workerURL) ? (blob = viaBlob(workerURL)) : workerURL, { type: 'module' });
  } else if (crossOrigin(here)) {
    w = new Worker(blob = viaBlob(new URL('mobilenet-worker.js', here).href), { type: 'module' });
  } else {
    w = new Worker(new URL('./mobilenet-worker.js', import.meta.url), { type: 'module' });
  }
  return { w, blob };
}

const browser = {
  absolute(ref) {
    return new URL(ref, globalThis.document?.baseURI ?? globalThis.location?.href).href;
  },
  startWorker(workerURL, on) {
    const { w, blob } = createWorker(workerURL);
    const revoke = () => { if (blob) URL.revokeObjectURL(blob); };
    w.onmessage = (ev) => { revoke(); on.message(ev.data); };
    w.onerror = (ev) => {
      ev.preventDefault?.();
      revoke();
      on.crash(`the classifier worker crashed: ${ev.message || `could not run ${workerURL ?? 'mobilenet-worker.js'} (missing, not served as JavaScript, or cross-origin without CORS)`}`);
    };
    w.onmessageerror = () => on.crash('the classifier worker sent a message that could not be read');
    return { post: (m, t) => w.postMessage(m, t), terminate: () => { revoke(); w.terminate(); }, ref() {}, unref() {} };
  },
};

/**
 * Starts the worker(s), downloads the model and resolves to a Classifier.
 * @type {(options?: import('./mobilenet').LoadOptions) => Promise<import('./mobilenet').Classifier>}
 */
export const load = createLoad(browser);
