// The service worker (web/sw.js) in headless Chromium: a first visit caches the page,
// the module, the wasm and the weights it used (versioned by content hash); a second
// visit takes them from the cache; then with the context offline and the server
// stopped, the page still loads, classifies a dropped photo and runs the camera with
// its HUD. Run with `make test-browser-offline`.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fakeCameraArgs, launchChromium, SOFTWARE_WEBGL_ARGS } from '../support/browsers.mjs';
import { ROOT, SAMPLES, dropFiles, makeY4M, ROWS, startServer, watchErrors } from '../support/page.mjs';

const CAMERA_PHOTO = 'n03297495_espresso_maker.JPEG';
const DROP_PHOTO = 'n03196217_digital_clock.JPEG';
const SLOW = 120_000;
let server, browser, work, classes;

before(async () => {
  // The service worker keeps only bytes that match web/assets.json: a file edited
  // since `make` would be missing offline for a reason that is not the worker's.
  const assets = JSON.parse(await readFile(path.join(ROOT, 'web', 'assets.json'), 'utf8'));
  for (const [file, hash] of Object.entries(assets)) {
    const actual = createHash('sha256').update(await readFile(path.join(ROOT, 'web', file))).digest('hex').slice(0, 16);
    assert.equal(actual, hash, `web/assets.json is stale for ${file}: run make`);
  }
  classes = new Map(ROWS.map((r) => [r.file, r.index]));
  work = await mkdtemp(path.join(tmpdir(), 'offline-test-'));
  server = await startServer();
  const y4m = path.join(work, 'camera.y4m');
  const maker = await launchChromium();
  const p = await maker.context.newPage();
  await p.goto(server.url + 'overlay.html'); // any same-origin page, for the JPEG decoder
  await makeY4M(p, await readFile(path.join(SAMPLES, CAMERA_PHOTO)), y4m);
  await maker.close();
  browser = await launchChromium({ args: [...SOFTWARE_WEBGL_ARGS, ...fakeCameraArgs(y4m)] });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

// cameraShows starts the camera and waits for the photo's class as the live top-1
// and for the HUD to be running.
async function cameraShows(page) {
  await page.click('#camera-btn');
  const want = classes.get(CAMERA_PHOTO);
  await page.waitForFunction((w) => document.querySelector('#live-top5 li')?.dataset.index === String(w), want, { timeout: SLOW, polling: 100 });
  await page.waitForFunction(() => window.mobilenetPage.stats().hud === 'ready', null, { timeout: SLOW });
  await page.click('#camera-btn'); // stop
}

async function dropShows(page) {
  const bytes = await readFile(path.join(SAMPLES, DROP_PHOTO));
  await dropFiles(page, [{ name: DROP_PHOTO, type: 'image/jpeg', bytes }]);
  await page.waitForSelector('#cards .card[data-status="ok"]', { timeout: SLOW });
  assert.equal(Number(await page.locator('#cards .card').first().getAttribute('data-top1')), classes.get(DROP_PHOTO));
}

test('first visit caches what it used; the second starts from cache; offline it all still works', { timeout: 4 * SLOW }, async () => {
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const network = new Map(); // path -> responses that came from the network (not the service worker)
  page.on('response', (res) => {
    if (res.fromServiceWorker()) return;
    const p = new URL(res.url()).pathname;
    network.set(p, (network.get(p) ?? 0) + 1);
  });

  // First visit: the page waits for the service worker before starting the classifier.
  await page.goto(server.url);
  await page.waitForFunction(() => window.mobilenetPage?.classifier() != null, null, { timeout: SLOW });
  assert.ok(await page.evaluate(() => navigator.serviceWorker.controller != null), 'no service worker in control');
  await cameraShows(page);
  const stored = await page.evaluate(() => window.mobilenetPage.cached());
  const assets = JSON.parse(await (await fetch(server.url + 'assets.json')).text());
  for (const f of ['index.html', 'app.js', 'mobilenet.js', 'mobilenet-worker.js', 'wasm_exec.js', 'style.css',
    'weights/index.json', 'classifier-simd.wasm', 'weights/mobilenet_v1_0.75_224.f16.mnw', 'overlay.html', 'overlay.wasm']) {
    assert.ok(stored.includes(`${f}?v=${assets[f]}`), `${f}?v=${assets[f]} not cached: ${stored.join(', ')}`);
  }
  // Only what was used: not the other builds or the float32 weights.
  assert.ok(!stored.some((k) => k.startsWith('classifier.wasm') || k.startsWith('classifier-tfjs') ||
    k.startsWith('weights/mobilenet_v1_0.75_224.mnw')), stored.join(', '));

  // Second visit, online: the big files come from the cache, not the network.
  network.clear();
  await page.reload();
  await page.waitForFunction(() => window.mobilenetPage?.classifier() != null, null, { timeout: SLOW });
  for (const f of ['/index.html', '/', '/classifier-simd.wasm', '/weights/mobilenet_v1_0.75_224.f16.mnw', '/app.js']) {
    assert.equal(network.get(f), undefined, `${f} came from the network on the second visit`);
  }

  // Offline: the context has no network and the server is gone.
  await server.stop();
  server = null;
  await browser.context.setOffline(true);
  await page.reload();
  await page.waitForFunction(() => window.mobilenetPage?.classifier() != null, null, { timeout: SLOW });
  const nav = await page.evaluate(() => performance.getEntriesByType('navigation')[0].workerStart);
  assert.ok(nav > 0, 'the offline navigation was not answered by the service worker');
  await dropShows(page);
  await cameraShows(page);
  assert.deepEqual(errors.filter((e) => !/Failed to load resource/.test(e)), []);
  await page.close();
});
