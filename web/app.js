// The live page: model selection, the camera loop, the HUD iframe over the <video> and
// file cards, all through web/mobilenet.js's public API.
import { load } from './mobilenet.js';
import { FrameStats, STAGES, ms, count } from './app-stats.js';
import { CameraLoop, cameraErrorMessage } from './app-camera.js';
import { CardList, filesFromDataTransfer, predictionList } from './app-files.js';

const $ = (id) => document.getElementById(id);
const ui = {
  cameraBtn: $('camera-btn'), cameraMsg: $('camera-message'), video: $('video'),
  model: $('model-select'), rho: $('rho-select'), crop: $('crop-check'),
  progress: $('model-progress'), progressBar: $('progress-bar'), progressText: $('progress-text'),
  modelInfo: $('model-info'), overlay: $('overlay'), hudMsg: $('hud-message'), stage: $('stage'),
  liveTop5: $('live-top5'), announce: $('live-announce'), liveLatency: $('live-latency'), liveStats: $('live-stats'),
  drop: $('dropzone'), fileInput: $('file-input'), cards: $('cards'), pageMsg: $('page-message'),
};

const params = new URLSearchParams(location.search);
// One Go engine per Worker (Go's wasm is single-threaded); camera frames pipeline across
// them. By default one worker per core but one, which the page and the overlay need
// (up to 4: beyond that per-frame latency, not throughput, is what a camera shows).
// ?workers=N asks for another count; load() checks it (its limit, its EOPTIONS message).
const DEFAULT_WORKERS = Math.min(Math.max((navigator.hardwareConcurrency || 2) - 1, 1), 4);
const WORKERS = params.has('workers') ? Number(params.get('workers')) : DEFAULT_WORKERS;
// ?threads=N: each engine is N cooperating Workers splitting every frame (load()'s
// threads; its default when absent). The page is cross-origin isolated under serve.go,
// so they talk over shared memory.
const THREADS = params.has('threads') ? Number(params.get('threads')) : undefined;
// ?overlay=0 never loads the HUD: an A/B switch for its cost.
const OVERLAY = params.get('overlay') !== '0';
// The HUD redraws at most this often (every result still enters its history), as
// often as a person can read changing numbers: measured with software WebGL on 2
// cores, redrawing 10 times a second cost about a fifth of the results/s, 4 times a
// second costs less than the run-to-run noise.
const OVERLAY_INTERVAL_MS = 1000 / 4;
let lastOverlayDraw = -Infinity;
// Results since the last HUD message: capture, preprocess, inference, total, arrival
// per result (wasm/overlay/bridge.go reads them in that order), at most the HUD's 120.
let hudHistory = [];
const HUD_HISTORY_MAX = 120 * 5;
let hud = 'off'; // 'off' (not loaded) | 'loading' | 'ready' | 'failed'

let clf = null; // the Classifier in use
let clfFile = null; // the weights file clf was loaded from
// The latest call made on each classifier: its calls settle in call order, so once
// this one settled, all have (a replaced classifier is disposed after that).
const lastCall = new WeakMap();
let models = new Map(); // file -> its weights/index.json entry (sha256, precision, ...)
let loading = null; // {file, promise} of a model being loaded
let modelReady; // resolves once the first model is usable
const modelReadyPromise = new Promise((r) => { modelReady = r; });
const stats = new FrameStats(120);
let lastAnnounced = null; // the class index last read out by #live-announce
let firstResultAt = null; // performance.now() of the first camera result (ms since navigation)

// ---- model selection ----------------------------------------------------------

async function listModels() {
  let list;
  try {
    const res = await fetch('weights/index.json');
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    list = await res.json();
  } catch (err) {
    showPageMessage(`No model list (weights/index.json: ${err.message}). Run "make" to build the weights.`);
    return [];
  }
  const storages = ['f32', 'f16', 'int8']; // biggest download first within one alpha and size
  const storage = (m) => m.storage ?? (m.f16 ? 'f16' : 'f32');
  list.sort((a, b) => a.alpha - b.alpha || a.size - b.size || storages.indexOf(storage(a)) - storages.indexOf(storage(b)));
  ui.model.replaceChildren(...list.map((m) => {
    const o = document.createElement('option');
    o.value = m.file;
    const s = storage(m);
    o.textContent = `α ${Number(m.alpha).toFixed(2)}${s === 'f32' ? '' : ` (${s})`} · ${(m.bytes / 1e6).toFixed(1)} MB`;
    o.dataset.alpha = m.alpha;
    return o;
  }));
  // The float16 0.75 model when present: the paper's trade-off at half the download,
  // with the same top-1 as float32 on the 500 shared photos (424/500 whole image,
  // 427/500 central crop, both); float32 stays in the list. ?model=FILE picks another.
  const preferred = list.find((m) => m.file === params.get('model')) ??
    list.find((m) => m.alpha === 0.75 && m.f16) ?? list.find((m) => m.alpha === 0.75) ?? list[0];
  if (preferred) ui.model.value = preferred.file;
  models = new Map(list.map((m) => [m.file, m]));
  return list;
}

async function switchModel(file) {
  if (clf && clfFile === file) return;
  if (loading?.file === file) return loading.promise;
  // A model still downloading that is no longer wanted stops now (its workers with it);
  // a stalled download fails by itself (load()'s stall timeout, ETIMEOUT).
  loading?.abort.abort(new Error(`the model ${file} was chosen instead`));
  const abort = new AbortController();
  ui.progress.hidden = false;
  ui.progressBar.removeAttribute('value');
  ui.progressText.textContent = `Loading ${file}…`;
  pushOverlay({ status: `Loading model ${file}…` });
  const promise = (async () => {
    // Versioned by content: serve.go sends ?v= URLs as immutable, and a rebuilt model
    // gets a new URL (a stale cached copy is never mixed with new code).
    const hash = models.get(file)?.sha256;
    const precision = models.get(file)?.precision ?? 'f32';
    const next = await load({
      model: `weights/${file}${hash ? `?v=${hash}` : ''}`,
      precision,
      workers: WORKERS,
      // ?threads=N applies to both precisions (cooperating threads run int8 too).
      threads: THREADS,
      signal: abort.signal,
      onProgress: ({ loaded, total }) => {
        if (total > 0) {
          ui.progressBar.max = total;
          ui.progressBar.value = loaded;
          ui.progressText.textContent = `Downloading ${file}: ${(loaded / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB`;
        }
      },
    });
    return next;
  })();
  loading = { file, promise, abort };
  let next;
  try {
    next = await promise;
  } catch (err) {
    if (err.code === 'EABORTED') return; // superseded by a later choice, which shows itself
    if (loading?.file === file) loading = null;
    ui.progress.hidden = true;
    showPageMessage(`Could not load the model ${file}: ${err.message}`);
    pushOverlay({ status: 'Model failed to load' });
    if (clf) ui.model.value = clfFile;
    return;
  }
  if (loading?.file !== file) { next.dispose(); return; } // superseded by a later choice
  loading = null;
  const old = clf;
  clf = next;
  clfFile = file;
  ui.progress.hidden = true;
  showPageMessage('');
  configChanged();
  modelReady();
  camera.pump();
  if (old) retire(old);
}

// classifyOn is how the page calls a classifier: it remembers the call for retire().
function classifyOn(c, input, options) {
  const call = c.classify(input, options);
  lastCall.set(c, call);
  return call;
}

// retire disposes a replaced classifier once its in-flight calls are answered (a camera
// frame captured before the switch may still be sent to it meanwhile: wait again).
async function retire(old) {
  for (let call; (call = lastCall.get(old));) {
    await call.catch(() => {});
    if (lastCall.get(old) === call) break;
  }
  old.dispose();
}

function rho() { return Number(ui.rho.value); }

function classifyOptions() {
  return { topk: 5, size: rho(), crop: ui.crop.checked ? 0.875 : false };
}

function modelSummary() {
  if (!clf) return null;
  const info = clf.info(rho());
  return {
    alpha: info.alpha, size: info.size, multAdds: info.multAdds, params: info.params,
    backend: info.backend, workers: info.workers, threads: info.threads, precision: info.precision,
  };
}

// configChanged restarts the statistics for a new model or rho, so p50/p95 describe
// what runs now.
function configChanged() {
  stats.reset();
  const m = modelSummary();
  if (!m) return;
  ui.modelInfo.textContent = `MobileNet α ${m.alpha.toFixed(2)} at ρ ${m.size}: ${count(m.multAdds)} mult-adds, ` +
    `${count(m.params)} parameters · ${m.backend} · ${m.workers} worker${m.workers > 1 ? 's' : ''}` +
    (m.threads > 1 ? ` × ${m.threads} threads` : '');
  pushOverlay({ model: m, status: hudStatus(), reset: true, predictions: [] });
}

// ---- overlay (the HUD) ----------------------------------------------------------

function pushOverlay(msg) {
  if (msg.reset) hudHistory = [];
  if (hud !== 'ready' && hud !== 'loading') return;
  const push = ui.overlay.contentWindow?.overlayPush;
  if (typeof push !== 'function') return;
  try {
    const problem = push(msg);
    if (problem) console.warn('overlay:', problem);
  } catch (err) {
    console.warn('overlay:', err);
  }
}

function hudStatus() {
  if (!clf) return 'Loading model…';
  return camera.running ? '' : 'Press Start camera';
}

// loadOverlay starts the HUD once the camera has given its first result: visitors who
// only drop photos never download overlay.wasm. If it cannot start (no WebGL2, say), the page
// says so in one line and the DOM read-out under the video carries the numbers.
function loadOverlay() {
  if (!OVERLAY || hud !== 'off') return;
  hud = 'loading';
  ui.overlay.addEventListener('load', async () => {
    const win = ui.overlay.contentWindow;
    const m = modelSummary();
    pushOverlay({ model: m ?? undefined, status: hudStatus() });
    try {
      await win.overlayReady;
      hud = 'ready';
      win.overlayDied.catch((err) => hudFailed(err.message));
    } catch (err) {
      hudFailed(err.message);
    }
  }, { once: true });
  ui.overlay.hidden = false;
  ui.overlay.src = 'overlay.html';
}

function hudFailed(why) {
  hud = 'failed';
  ui.overlay.hidden = true;
  ui.hudMsg.textContent = `HUD unavailable (${why}); the numbers are below.`;
  ui.hudMsg.hidden = false;
}

// ---- camera -------------------------------------------------------------------

const camera = new CameraLoop(ui.video, {
  classifier: () => clf,
  classify: classifyOn,
  options: classifyOptions,
  onResult(preds, t, counters) {
    const now = performance.now();
    firstResultAt ??= now;
    // The HUD loads after the first result: its download and compile would otherwise
    // compete with the classifier's for the first prediction (measured: 3.0 s instead
    // of 1.4 s to the first camera prediction on a first visit).
    loadOverlay();
    stats.add(t, now);
    predictionList(preds, ui.liveTop5);
    // Screen readers hear the top class when it changes, not every frame.
    const top = preds[0] ? `${preds[0].label}, ${Math.round(preds[0].probability * 100)}%` : '';
    if (preds[0]?.index !== lastAnnounced) {
      lastAnnounced = preds[0]?.index;
      ui.announce.textContent = top;
    }
    ui.liveTop5.dataset.frames = String(counters.done);
    ui.liveLatency.textContent = `Last frame: capture ${ms(t.capture)} · preprocess ${ms(t.preprocess)} · ` +
      `inference ${ms(t.inference)} · total ${ms(t.total)}`;
    ui.liveStats.textContent = `p50 ${ms(stats.percentile(50))} · p95 ${ms(stats.percentile(95))} · ` +
      `${stats.fps().toFixed(1)} fps · ${counters.done} frames · ${counters.dropped} dropped`;
    // Every frame's timings go to the HUD's history, sent in one message each time
    // it redraws (at most every OVERLAY_INTERVAL_MS).
    hudHistory.push(t.capture, t.preprocess, t.inference, t.total, now);
    if (hudHistory.length > HUD_HISTORY_MAX) hudHistory.splice(0, hudHistory.length - HUD_HISTORY_MAX);
    if (now - lastOverlayDraw >= OVERLAY_INTERVAL_MS) {
      lastOverlayDraw = now;
      pushOverlay({ predictions: preds, history: hudHistory, frames: counters.done, dropped: counters.dropped });
      hudHistory = [];
    }
  },
  onError(message) { showCameraMessage(message); },
  onStop(reason) {
    ui.cameraBtn.textContent = 'Start camera';
    ui.cameraBtn.setAttribute('aria-pressed', 'false');
    ui.stage.classList.remove('live');
    if (reason === 'ended') showCameraMessage(cameraErrorMessage({ name: 'ended' }));
    pushOverlay({ status: reason === 'ended' ? 'Camera stopped' : 'Press Start camera' });
  },
  // ?capture=video: the fallback capture; ?capture=frame: VideoFrames (A/B).
}, { fastCapture: params.get('capture') !== 'video', captureFrames: params.get('capture') === 'frame' });

ui.cameraBtn.addEventListener('click', async () => {
  if (camera.running) { camera.stop(); return; }
  showCameraMessage('');
  ui.cameraBtn.disabled = true;
  try {
    await camera.start();
    ui.cameraBtn.textContent = 'Stop camera';
    ui.cameraBtn.setAttribute('aria-pressed', 'true');
    ui.stage.classList.add('live');
    stats.reset();
    pushOverlay({ status: hudStatus(), reset: true });
  } catch (err) {
    camera.stop('failed');
    showCameraMessage(cameraErrorMessage(err));
  } finally {
    ui.cameraBtn.disabled = false;
  }
});

function showCameraMessage(text) {
  ui.cameraMsg.textContent = text;
  ui.cameraMsg.hidden = !text;
}

function showPageMessage(text) {
  ui.pageMsg.textContent = text;
  ui.pageMsg.hidden = !text;
}

// ---- files: drop, picker, paste -------------------------------------------------

const cards = new CardList(ui.cards, {
  classify: async (file) => {
    await modelReadyPromise;
    return classifyOn(clf, file, classifyOptions());
  },
  describe: (t) => `decode ${ms(t.decode)} · preprocess ${ms(t.preprocess)} · inference ${ms(t.inference)}`,
});

for (const ev of ['dragenter', 'dragover']) {
  ui.drop.addEventListener(ev, (e) => { e.preventDefault(); ui.drop.classList.add('over'); });
}
ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
// Drops anywhere on the page count (a missed drop target would open the file instead).
document.addEventListener('dragover', (e) => e.preventDefault());
document.addEventListener('drop', async (e) => {
  e.preventDefault();
  ui.drop.classList.remove('over');
  if (!e.dataTransfer) return;
  cards.add(await filesFromDataTransfer(e.dataTransfer));
});
ui.fileInput.addEventListener('change', () => {
  cards.add([...ui.fileInput.files]);
  ui.fileInput.value = '';
});
ui.drop.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); ui.fileInput.click(); }
});
document.addEventListener('paste', (e) => {
  const files = [...(e.clipboardData?.files ?? [])];
  if (files.length) { e.preventDefault(); cards.add(files); }
});

// ---- offline: the service worker (web/sw.js) ---------------------------------------

// ?sw=0 leaves it out (an A/B switch for first-visit timing).
const SERVICE_WORKER = params.get('sw') !== '0' && 'serviceWorker' in navigator && window.isSecureContext;

// startServiceWorker registers sw.js and, on a first visit, waits briefly for it to
// take control: the classifier's workers start after that, so their wasm and weights
// downloads pass through it and are cached for repeat and offline visits.
async function startServiceWorker() {
  if (!SERVICE_WORKER) return;
  try {
    await navigator.serviceWorker.register('sw.js');
    if (navigator.serviceWorker.controller) return;
    await Promise.race([
      new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true })),
      new Promise((r) => setTimeout(r, 3000)),
    ]);
  } catch (err) {
    console.warn('service worker:', err.message); // the page works without it, online
  }
}

// cached() resolves, once the service worker has stored what it is fetching, to the
// list of cached files ("path?v=hash"); [] without a service worker.
function cached() {
  const sw = navigator.serviceWorker?.controller;
  if (!sw) return Promise.resolve([]);
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = (e) => resolve(e.data.cached);
    sw.postMessage({ type: 'flush' }, [ch.port2]);
  });
}

// ---- settings -----------------------------------------------------------------

ui.model.addEventListener('change', () => switchModel(ui.model.value));
ui.rho.addEventListener('change', configChanged);
ui.crop.addEventListener('change', configChanged);

// For tests and the curious: the live numbers as data.
window.mobilenetPage = {
  classifier: () => clf,
  stats: () => ({
    ...camera.counters(), running: camera.running, inFlight: camera.inFlight,
    last: stats.last, p50: stats.percentile(50), p95: stats.percentile(95), fps: stats.fps(),
    model: modelSummary(), file: clfFile, hud, firstResultAt,
    // Per stage over the last 120 results: {capture: {p50, p95}, ...}.
    stages: Object.fromEntries(STAGES.map((k) => [k, { p50: stats.percentile(50, k), p95: stats.percentile(95, k) }])),
  }),
  switchModel, modelReady: modelReadyPromise, cardsDone: () => cards.queue, cached,
};

await startServiceWorker();
const list = await listModels();
if (list.length) switchModel(ui.model.value);
