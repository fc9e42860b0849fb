// The live page in headless Chromium: fake webcam (a Y4M made from a shared photo),
// the HUD over the live video, drag and drop, camera denied, live model/rho switching,
// a memory soak, and Chromium without WebGL (the HUD cannot start; the page carries on).
// Run with `make test-browser-page` (needs `make all` for web/).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ARTIFACTS, ROOT, SAMPLES, dropFiles, launch, makeY4M, ROWS, openPage, startServer,
} from '../support/page.mjs';
import { fakeCameraArgs, launchChromium } from '../support/browsers.mjs';

// Photos whose top-1 is right with high confidence for the 0.75 model (checked again
// by the drop test itself).
const CAMERA_PHOTO = 'n03297495_espresso_maker.JPEG';
const DROP_PHOTOS = ['n03196217_digital_clock.JPEG', 'n04120489_running_shoe.JPEG'];
const SOAK_FRAMES = Number(process.env.PAGE_SOAK_FRAMES ?? 2000);
// The machine's 2 cores are shared: waits are generous, assertions are not.
const SLOW = 120_000;

let server, work, denied, camera, classes, y4m;

const photo = async (file) => ({ name: file, type: 'image/jpeg', bytes: await readFile(path.join(SAMPLES, file)) });
const indexOf = (file) => classes.get(file);

before(async () => {
  classes = new Map(ROWS.map((r) => [r.file, r.index]));
  work = await mkdtemp(path.join(tmpdir(), 'page-test-'));
  await mkdir(ARTIFACTS, { recursive: true });
  server = await startServer();
  // A camera exists (fake device) but permission is never granted: getUserMedia must
  // fail with NotAllowedError, which headless Chromium answers for an unanswered prompt.
  denied = await launch(['--use-fake-device-for-media-stream']);
  y4m = path.join(work, 'camera.y4m');
  const p = await denied.context.newPage();
  await p.goto(server.url + 'overlay.html'); // any same-origin page, for the JPEG decoder
  await makeY4M(p, (await photo(CAMERA_PHOTO)).bytes, y4m);
  await p.close();
  camera = await launch(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${y4m}`]);
});

after(async () => {
  await denied?.close();
  await camera?.close();
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function cardSummary(page) {
  return page.$$eval('#cards .card', (cards) => cards.map((c) => ({
    file: c.dataset.file, status: c.dataset.status, top1: c.dataset.top1,
    text: c.innerText,
  })));
}

describe('files', () => {
  test('two photos and a corrupt file dropped: two correct cards and one error card', { timeout: SLOW }, async () => {
    const { page, errors } = await openPage(denied.context, server.url);
    const corrupt = { name: 'corrupt.jpg', type: 'image/jpeg', bytes: Buffer.from('\xff\xd8\xff\xe0 this is not a JPEG at all', 'latin1') };
    await dropFiles(page, [await photo(DROP_PHOTOS[0]), corrupt, await photo(DROP_PHOTOS[1])]);
    await page.waitForFunction(() => document.querySelectorAll('#cards .card:not([data-status="pending"])').length === 3, null, { timeout: SLOW });
    const cards = await cardSummary(page);
    assert.equal(cards.length, 3);
    for (const f of DROP_PHOTOS) {
      const c = cards.find((x) => x.file === f);
      assert.equal(c.status, 'ok', `${f}: ${c.text}`);
      assert.equal(Number(c.top1), indexOf(f), `${f} top-1: ${c.text}`);
      // The top-5 is present as text: five rows with a percentage each.
      assert.equal((c.text.match(/\d+\.\d%/g) ?? []).length, 5, c.text);
    }
    const bad = cards.find((x) => x.file === 'corrupt.jpg');
    assert.equal(bad.status, 'error');
    assert.match(bad.text, /Could not classify this file: .+/);
    assert.deepEqual(errors.filter((e) => !/Failed to load resource/.test(e)), []);
    await page.close();
  });

  test('the int8 model from the selector (its download size shown) classifies a dropped photo', { timeout: SLOW }, async () => {
    const { page, errors } = await openPage(denied.context, server.url);
    const options = await page.$$eval('#model-select option', (os) => os.map((o) => ({ value: o.value, text: o.textContent })));
    const int8 = options.find((o) => o.value.endsWith('.int8.mnw'));
    assert.ok(int8, `no int8 model listed: ${JSON.stringify(options)}`);
    const { size } = await stat(path.join(ROOT, 'web/weights', int8.value));
    assert.equal(int8.text, `α 0.75 (int8) · ${(size / 1e6).toFixed(1)} MB`);
    await page.selectOption('#model-select', int8.value);
    await page.waitForFunction((f) => window.mobilenetPage.stats().file === f, int8.value, { timeout: SLOW });
    assert.equal((await page.evaluate(() => window.mobilenetPage.stats().model)).precision, 'int8');
    await dropFiles(page, [await photo(DROP_PHOTOS[0])]);
    await page.waitForFunction(() => document.querySelector('#cards .card:not([data-status="pending"])'), null, { timeout: SLOW });
    const [card] = await cardSummary(page);
    assert.equal(card.status, 'ok', card.text);
    assert.equal(Number(card.top1), indexOf(DROP_PHOTOS[0]), card.text);
    assert.deepEqual(errors.filter((e) => !/Failed to load resource/.test(e)), []);
    await page.close();
  });

  test('a dropped folder classifies every image in it', { timeout: SLOW }, async () => {
    const { page } = await openPage(denied.context, server.url);
    // A real directory entry needs a real drag; build the same shape webkitGetAsEntry
    // returns and check the walker that the drop handler uses.
    const files = await page.evaluate(async () => {
      const { filesFromDataTransfer } = await import('./app-files.js');
      const file = (name) => ({ isFile: true, isDirectory: false, name, file: (ok) => ok(new File(['x'], name)) });
      const dir = (name, children) => ({
        isFile: false, isDirectory: true, name,
        createReader() { let done = false; return { readEntries: (ok) => { ok(done ? [] : children); done = true; } }; },
      });
      const root = dir('photos', [file('b.jpg'), file('.DS_Store'), dir('sub', [file('c.png')]), file('a.jpg')]);
      const dt = { items: [{ kind: 'file', webkitGetAsEntry: () => root }], files: [] };
      return (await filesFromDataTransfer(dt)).map((f) => f.name);
    });
    assert.deepEqual(files, ['a.jpg', 'b.jpg', 'c.png']);
    await page.close();
  });
});

describe('camera denied', () => {
  test('the message shows and dropping still works', { timeout: SLOW }, async () => {
    const { page } = await openPage(denied.context, server.url);
    await page.click('#camera-btn');
    const msg = page.locator('#camera-message');
    await msg.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await msg.innerText(), /permission was denied/i);
    assert.equal(await page.locator('#camera-btn').innerText(), 'Start camera');
    await dropFiles(page, [await photo(DROP_PHOTOS[1])]);
    await page.waitForSelector('#cards .card[data-status="ok"]', { timeout: SLOW });
    const [card] = await cardSummary(page);
    assert.equal(Number(card.top1), indexOf(DROP_PHOTOS[1]));
    await page.close();
  });
});

describe('fake webcam', () => {
  let page, errors;
  before(async () => {
    ({ page, errors } = await openPage(camera.context, server.url));
    await page.click('#camera-btn');
  });
  after(async () => { await page?.close(); });

  const stats = () => page.evaluate(() => window.mobilenetPage.stats());
  const waitFrames = async (n, timeout = SLOW) => {
    const start = (await stats()).done;
    await page.waitForFunction((target) => window.mobilenetPage.stats().done >= target, start + n, { timeout, polling: 100 });
  };

  test('the known class is top-1 and the latency figures are plausible', { timeout: SLOW }, async () => {
    const want = indexOf(CAMERA_PHOTO);
    await page.waitForFunction((w) => document.querySelector('#live-top5 li')?.dataset.index === String(w), want, { timeout: SLOW, polling: 100 });
    await waitFrames(3);
    const s = await stats();
    assert.ok(s.running);
    const t = s.last;
    for (const k of ['capture', 'preprocess', 'inference', 'total']) {
      assert.ok(Number.isFinite(t[k]) && t[k] > 0 && t[k] < 30_000, `${k} = ${t[k]} ms`);
    }
    assert.ok(t.total >= t.inference + t.preprocess, `total ${t.total} < inference+preprocess`);
    assert.ok(s.p50 > 0 && s.p95 >= s.p50, `p50 ${s.p50} p95 ${s.p95}`);
    assert.ok(s.fps > 0 && s.fps < 100, `fps ${s.fps}`);
    assert.ok(s.dropped >= 0 && s.sent >= s.done);
    // The same figures as text for people and screen readers.
    assert.match(await page.locator('#live-latency').innerText(), /capture [\d.]+ ms · preprocess [\d.]+ ms · inference [\d.]+ ms · total [\d.]+ ms/);
    assert.match(await page.locator('#live-stats').innerText(), /p50 [\d.]+ ms · p95 [\d.]+ ms · [\d.]+ fps · \d+ frames · \d+ dropped/);
    assert.match(await page.locator('#model-info').innerText(), /α 0\.75 at ρ 224: 325\.40M mult-adds, 2\.57M parameters/);

    // The HUD runs over the visible video; it drew the results it was sent, and only
    // those (no 60 fps loop).
    await page.waitForFunction(() => window.mobilenetPage.stats().hud === 'ready', null, { timeout: SLOW });
    await waitFrames(3);
    const ov = await page.evaluate(() => document.getElementById('overlay').contentWindow.overlayStats());
    assert.ok(ov.frames >= 3 && ov.history >= 3, JSON.stringify(ov));
    assert.ok(ov.draws <= ov.updates + 5, `draws ${ov.draws} for ${ov.updates} updates`);
    assert.ok(await page.locator('#video').isVisible());
    assert.ok(await page.evaluate(() => document.getElementById('video').videoWidth) > 0);
    assert.equal(await page.locator('#hud-message').isVisible(), false);
    await page.locator('#stage').screenshot({ path: path.join(ARTIFACTS, 'page-overlay.png') });
    assert.deepEqual(errors.filter((e) => !/Failed to load resource/.test(e)), []);
  });

  test('camera frames resized by the browser give the top-1 of the engine\'s own resize', { timeout: SLOW }, async () => {
    // The loop hands the engine input-size bitmaps made by createImageBitmap; here the
    // same video frame also goes in whole, through the engine's TF.js-matching resize.
    const r = await page.evaluate(async () => {
      const clf = window.mobilenetPage.classifier();
      const video = document.getElementById('video');
      const { centralCrop } = await import('./app-camera.js');
      const out = {};
      for (const crop of [false, 0.875]) {
        const full = await createImageBitmap(video);
        const [sx, sy, sw, sh] = centralCrop(full.width, full.height, crop);
        const small = await createImageBitmap(full, sx, sy, sw, sh, { resizeWidth: 224, resizeHeight: 224, resizeQuality: 'low' });
        const viaEngine = await clf.classify(full, { size: 224, crop, topk: 1 });
        const viaBrowser = await clf.classify(small, { size: 224, crop: false, topk: 1 });
        full.close(); small.close();
        out[String(crop)] = [viaEngine[0].index, viaBrowser[0].index, viaEngine[0].probability, viaBrowser[0].probability];
      }
      return out;
    });
    for (const [crop, [engine, browser, pe, pb]] of Object.entries(r)) {
      assert.equal(engine, indexOf(CAMERA_PHOTO), `crop ${crop}: engine resize top-1`);
      assert.equal(browser, engine, `crop ${crop}: browser resize top-1 ${browser} (p ${pb}) vs engine ${engine} (p ${pe})`);
    }
    console.log(`camera photo top-1 probability, engine resize vs browser resize: ${JSON.stringify(r)}`);
  });

  test('switching rho and the model while streaming keeps predictions coming', { timeout: 2 * SLOW }, async () => {
    await page.selectOption('#rho-select', '128');
    await waitFrames(3);
    let s = await stats();
    assert.equal(s.model.size, 128);
    // At rho 128 the conv layers do (128/224)^2 of the work; the classifier layer the same.
    assert.match(await page.locator('#model-info').innerText(), /ρ 128: 106\.77M mult-adds/);

    const options = await page.$$eval('#model-select option', (os) => os.map((o) => o.value));
    const other = options.find((v) => v !== s.file);
    assert.ok(other, `only one model listed: ${options}`);
    // Record the download progress bar while the other model loads.
    await page.evaluate(() => {
      const bar = document.getElementById('progress-bar');
      window.progressSeen = [];
      new MutationObserver(() => window.progressSeen.push([bar.value, bar.max]))
        .observe(bar, { attributes: true, attributeFilter: ['value', 'max'] });
    });
    await page.selectOption('#model-select', other);
    await page.waitForFunction((f) => window.mobilenetPage.stats().file === f, other, { timeout: SLOW });
    await waitFrames(3);
    s = await stats();
    assert.equal(s.file, other);
    const seen = await page.evaluate(() => window.progressSeen);
    assert.ok(seen.some(([v, max]) => max > 1e6 && v > 0 && v <= max), `progress: ${JSON.stringify(seen.slice(-3))}`);
    assert.equal(await page.locator('#model-progress').isVisible(), false, 'progress bar left visible');
    assert.equal(s.model.size, 128);
    assert.equal(await page.locator('#camera-message').isVisible(), false);
    await page.selectOption('#rho-select', '224');
    await waitFrames(2);
    assert.equal(Number(await page.locator('#live-top5 li').first().getAttribute('data-index')), indexOf(CAMERA_PHOTO));
  });

  test(`soak: ${SOAK_FRAMES} frames without memory growth`, { timeout: 15 * 60_000 }, async () => {
    await page.selectOption('#rho-select', '128');
    const cdp = await camera.context.newCDPSession(page);
    const measure = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = await cdp.send('Runtime.getHeapUsage');
      return page.evaluate(async (jsHeap) => {
        const clf = window.mobilenetPage.classifier();
        const win = document.getElementById('overlay').contentWindow;
        return { jsHeap, worker: await clf.memStats(true), overlay: win.overlayStats(true), overlayWasm: win.overlayWasmBytes() };
      }, heap.usedSize);
    };
    // Warm up first: ebiten's text caches keep the strings of the last 60 redraws (at
    // least 512), and the Go heaps settle at their working size.
    await waitFrames(Math.min(200, SOAK_FRAMES));
    const before = await measure();
    const t0 = Date.now();
    await waitFrames(SOAK_FRAMES, 14 * 60_000);
    const secs = (Date.now() - t0) / 1000;
    const afterSoak = await measure();
    const s = await stats();
    console.log(`soak: ${SOAK_FRAMES} frames in ${secs.toFixed(0)} s (${(SOAK_FRAMES / secs).toFixed(1)} fps), ` +
      `${s.dropped} dropped; JS heap ${mb(before.jsHeap)} -> ${mb(afterSoak.jsHeap)}; ` +
      `worker Go heap ${mb(before.worker.heapAlloc)} -> ${mb(afterSoak.worker.heapAlloc)}, sys ${mb(before.worker.sys)} -> ${mb(afterSoak.worker.sys)}; ` +
      `overlay Go heap ${mb(before.overlay.heapAlloc)} -> ${mb(afterSoak.overlay.heapAlloc)}, wasm memory ${mb(before.overlayWasm)} -> ${mb(afterSoak.overlayWasm)}`);
    await writeFile(path.join(ARTIFACTS, 'page-soak.json'), JSON.stringify({ frames: SOAK_FRAMES, secs, before, after: afterSoak, stats: s }, null, 2));
    const MB = 1 << 20;
    // Live heaps are measured after a collection; wasm memory never shrinks, so any
    // growth there is a high-water mark that moved.
    assert.ok(afterSoak.jsHeap - before.jsHeap < 2 * MB, 'page JS heap grew');
    assert.ok(afterSoak.worker.heapAlloc - before.worker.heapAlloc < 1 * MB, 'classifier Go heap grew');
    assert.ok(afterSoak.worker.sys - before.worker.sys < 2 * MB, 'classifier wasm memory grew');
    assert.ok(afterSoak.overlay.heapAlloc - before.overlay.heapAlloc < 1 * MB, 'overlay Go heap grew');
    assert.ok(afterSoak.overlayWasm - before.overlayWasm < 4 * MB, 'overlay wasm memory grew');
    await page.selectOption('#rho-select', '224');
  });

  test('camera unplugged mid-stream: a message, the page keeps working, the overlay goes idle', { timeout: SLOW }, async () => {
    assert.ok((await stats()).running);
    await page.evaluate(() => {
      // What Chromium does when the device disappears: the track ends by itself.
      const track = document.getElementById('video').srcObject.getVideoTracks()[0];
      track.stop(); // stop() alone fires no event; the UA's unplug also fires 'ended'
      track.dispatchEvent(new Event('ended'));
    });
    await page.waitForFunction(() => !window.mobilenetPage.stats().running);
    assert.match(await page.locator('#camera-message').innerText(), /camera stopped/i);
    assert.equal(await page.locator('#camera-btn').innerText(), 'Start camera');
    await page.waitForTimeout(500); // let the last result land
    const ov = () => page.evaluate(() => document.getElementById('overlay').contentWindow.overlayStats());
    const a = await ov();
    await page.waitForTimeout(1500);
    const b = await ov();
    assert.equal(b.draws, a.draws, 'the overlay redrew with nothing new to show');
    // Photos are still classified.
    await dropFiles(page, [await photo(DROP_PHOTOS[0])]);
    await page.waitForSelector('#cards .card[data-status="ok"]', { timeout: SLOW });
    const [card] = await cardSummary(page);
    assert.equal(Number(card.top1), indexOf(DROP_PHOTOS[0]));
  });
});

describe('Chromium without WebGL', () => {
  // Also the fallback capture (?capture=video: the <video> itself goes to the module,
  // which snapshots the whole frame for the engine to crop and resize), as a browser
  // whose createImageBitmap cannot resize would take.
  test('the HUD says in one line that it cannot start; the video and the DOM read-out carry on', { timeout: SLOW }, async () => {
    const noGL = await launchChromium({ args: ['--disable-webgl', '--disable-3d-apis', ...fakeCameraArgs(y4m)] });
    try {
      const { page, errors } = await openPage(noGL.context, server.url, '?capture=video');
      assert.equal(await page.evaluate(() => document.createElement('canvas').getContext('webgl2')), null, 'WebGL2 still on');
      await page.click('#camera-btn');
      await page.waitForFunction(() => window.mobilenetPage.stats().hud === 'failed', null, { timeout: SLOW });
      const msg = await page.locator('#hud-message').innerText();
      assert.match(msg, /^HUD unavailable \(this browser offers no WebGL2\); the numbers are below\.$/);
      assert.equal(await page.locator('#overlay').isVisible(), false);
      const want = indexOf(CAMERA_PHOTO);
      await page.waitForFunction((w) => document.querySelector('#live-top5 li')?.dataset.index === String(w), want, { timeout: SLOW, polling: 100 });
      assert.ok(await page.locator('#video').isVisible());
      assert.ok(await page.evaluate(() => document.getElementById('video').videoWidth) > 0);
      assert.match(await page.locator('#live-stats').innerText(), /p50 [\d.]+ ms · p95 [\d.]+ ms/);
      // The HUD's wasm is never downloaded when WebGL2 is missing.
      const wasmLoaded = await page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/overlay.wasm')));
      assert.equal(wasmLoaded, false);
      await page.locator('#live').screenshot({ path: path.join(ARTIFACTS, 'page-no-webgl.png') });
      assert.deepEqual(errors.filter((e) => !/Failed to load resource/.test(e)), []);
      await page.close();
    } finally {
      await noGL.close();
    }
  });
});

const mb = (n) => `${(n / (1 << 20)).toFixed(1)} MB`;
