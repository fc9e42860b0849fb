// The module imported from another origin, as from a CDN: web/ served with CORS on one
// origin, the page on another (a plain host, no COOP/COEP). The worker must start
// through a same-origin blob: module and the wasm come from the CDN; workerURL and
// wasmURL let the page self-host those pieces instead.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchChromium } from '../support/browsers.mjs';
import { startServer } from '../support/static-server.mjs';
import { LABELS as labels, ROOT as repo, SAMPLES as samples, TENCH as tench } from '../support/samples.mjs';


let cdn, site, browser, pages;

before(async () => {
  // Two origins: the CDN on localhost, the site on 127.0.0.1 (different hosts and ports).
  cdn = await startServer({ web: join(repo, 'web'), cors: true, host: 'localhost' });
  pages = mkdtempSync(join(tmpdir(), 'mobilenet-cdn-'));
  writeFileSync(join(pages, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>site</title><p>a site</p>');
  site = await startServer({
    samples, roots: { '/': pages, '/weights/': join(repo, 'web/weights'), '/self/': join(repo, 'web') },
  });
  browser = await launchChromium({ viewport: { width: 800, height: 600 } });
});

after(async () => {
  await browser?.close();
  await cdn?.close();
  await site?.close();
  if (pages) rmSync(pages, { recursive: true, force: true });
});

async function classifyFromCDN(options) {
  const tab = await browser.context.newPage();
  const errors = [];
  tab.on('pageerror', (err) => errors.push(err.message));
  await tab.goto(`${site.url}/index.html`);
  const workers = [];
  tab.on('worker', (w) => workers.push(w.url()));
  const r = await tab.evaluate(async ({ moduleURL, photo, options }) => {
    const { load } = await import(moduleURL);
    const clf = await load({ model: '/weights/mobilenet_v1_0.75_224.mnw', ...options });
    const img = new Image();
    img.src = photo;
    await img.decode();
    const top = await clf.classify(img, { topk: 1 });
    clf.dispose();
    return { top: top[0], origin: location.origin, isolated: crossOriginIsolated };
  }, { moduleURL: `${cdn.url}/mobilenet.js`, photo: `/samples/${tench.file}`, options });
  await tab.close();
  return { ...r, errors, workers };
}

test('imported from another origin, the module starts its worker through blob: and classifies', async () => {
  const r = await classifyFromCDN({});
  assert.deepEqual(r.errors, []);
  assert.equal(r.isolated, false);
  assert.notEqual(new URL(cdn.url).origin, r.origin, 'two origins');
  assert.equal(r.top.label, labels[tench.index]);
  assert.ok(r.workers.length === 1 && r.workers[0].startsWith('blob:'), `the worker is a blob: module: ${r.workers}`);
  for (const f of ['/mobilenet.js', '/mobilenet-worker.js', '/wasm_exec.js', '/mobilenet-fetch.js', '/classifier-simd.wasm']) {
    assert.ok(cdn.hits.get(f) >= 1, `${f} came from the CDN origin`);
  }
  assert.equal(site.hits.get('/weights/mobilenet_v1_0.75_224.mnw'), 1, 'the model from the site');
  assert.deepEqual(cdn.log.filter((e) => e.status !== 200), [], 'every CDN request was found');
});

test('workerURL and wasmURL self-host the worker and the wasm on the site', async () => {
  const before = { worker: cdn.hits.get('/mobilenet-worker.js'), wasm: cdn.hits.get('/classifier-simd.wasm') };
  const r = await classifyFromCDN({ workerURL: '/self/mobilenet-worker.js', wasmURL: '/self/classifier-simd.wasm' });
  assert.deepEqual(r.errors, []);
  assert.equal(r.top.label, labels[tench.index]);
  assert.deepEqual(r.workers, [`${site.url}/self/mobilenet-worker.js`], 'a same-origin worker needs no blob:');
  assert.equal(site.hits.get('/self/classifier-simd.wasm'), 1);
  assert.equal(cdn.hits.get('/mobilenet-worker.js'), before.worker, 'the CDN served no worker this time');
  assert.equal(cdn.hits.get('/classifier-simd.wasm'), before.wasm, 'nor wasm');
});

test('a cross-origin workerURL is started through blob: too', async () => {
  const r = await classifyFromCDN({ workerURL: `${cdn.url}/mobilenet-worker.js` });
  assert.deepEqual(r.errors, []);
  assert.equal(r.top.label, labels[tench.index]);
  assert.ok(r.workers[0].startsWith('blob:'), r.workers.join());
});
