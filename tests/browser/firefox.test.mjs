// Firefox ESR (headless, driven by puppeteer-core over WebDriver BiDi; no WebGL2 here):
// the live page loads the model, classifies a dropped photo, runs its fake camera with
// the video visible and the HUD's one-line notice, without an uncaught error; and
// web/embed.html classifies a shared photo. Run with `make test-browser-firefox`.
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { FIREFOX_FAKE_CAMERA_PREFS, launchFirefox } from '../support/browsers.mjs';
import { startServer as startStaticServer } from '../support/static-server.mjs';
import { ARTIFACTS, ROOT, SAMPLES, dropFiles, ROWS, startServer } from '../support/page.mjs';

const DROP_PHOTO = 'n04120489_running_shoe.JPEG';
const SLOW = 120_000;
let server, firefox, rows;

before(async () => {
  rows = ROWS;
  await mkdir(ARTIFACTS, { recursive: true });
  server = await startServer();
  firefox = await launchFirefox({ prefs: FIREFOX_FAKE_CAMERA_PREFS });
  console.log(`Firefox ${firefox.version}`);
});

after(async () => {
  await firefox?.close();
  await server?.stop();
});

/** A new tab that records uncaught errors and console errors. */
async function newPage() {
  const page = await firefox.browser.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console: ${msg.text()}`); });
  return { page, errors };
}

test('the live page: a dropped photo, the camera with its video, the HUD notice', { timeout: 2 * SLOW }, async () => {
  const { page, errors } = await newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => window.mobilenetPage?.classifier() != null, { timeout: SLOW });
  const webgl2 = await page.evaluate(() => !!document.createElement('canvas').getContext('webgl2'));

  const bytes = await readFile(path.join(SAMPLES, DROP_PHOTO));
  await dropFiles(page, [{ name: DROP_PHOTO, type: 'image/jpeg', bytes }]);
  await page.waitForSelector('#cards .card[data-status="ok"]', { timeout: SLOW });
  const top1 = await page.$eval('#cards .card', (c) => Number(c.dataset.top1));
  assert.equal(top1, rows.find((r) => r.file === DROP_PHOTO).index);

  await page.click('#camera-btn');
  // Firefox's fake camera is a generated test pattern: the class is arbitrary, but
  // results must stream, the video must show and the HUD must settle one way or the other.
  await page.waitForFunction(() => window.mobilenetPage.stats().done >= 5, { timeout: SLOW, polling: 100 });
  await page.waitForFunction(() => ['ready', 'failed'].includes(window.mobilenetPage.stats().hud), { timeout: SLOW });
  const s = await page.evaluate(() => window.mobilenetPage.stats());
  for (const k of ['capture', 'preprocess', 'inference', 'total']) {
    assert.ok(Number.isFinite(s.last[k]) && s.last[k] >= 0, `${k} = ${s.last[k]}`);
  }
  assert.ok(await page.$eval('#video', (v) => v.videoWidth > 0 && getComputedStyle(v).visibility === 'visible'));
  assert.equal(await page.$$eval('#live-top5 li', (li) => li.length), 5);
  const notice = await page.$eval('#hud-message', (p) => (p.hidden ? '' : p.textContent));
  if (webgl2) {
    assert.equal(s.hud, 'ready', `WebGL2 is there but the HUD says: ${notice}`);
  } else {
    assert.equal(s.hud, 'failed');
    assert.equal(notice, 'HUD unavailable (this browser offers no WebGL2); the numbers are below.');
  }
  await (await page.$('#live')).screenshot({ path: path.join(ARTIFACTS, 'firefox-page.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('embed.html classifies a shared photo', { timeout: SLOW }, async () => {
  const labels = (await readFile(path.join(ROOT, 'core/labels.txt'), 'utf8')).trim().split('\n');
  const tench = rows.find((r) => r.index === 0);
  const statics = await startStaticServer({ web: path.join(ROOT, 'web'), samples: SAMPLES });
  try {
    const { page, errors } = await newPage();
    await page.goto(`${statics.url}/embed.html?img=/samples/${tench.file}`);
    await page.waitForFunction(() => document.getElementById('result').textContent !== 'classifying…', { timeout: SLOW });
    const text = await page.$eval('#result', (p) => p.textContent);
    assert.ok(text.startsWith(`${labels[tench.index]}:`), `embed.html says ${JSON.stringify(text)}`);
    assert.equal(statics.hits.get('/classifier-simd.wasm'), 1, 'Firefox has wasm SIMD: the SIMD build is used');
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await statics.close();
  }
});
