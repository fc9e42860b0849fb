// The worker's Cache API use in headless Chromium (issue 10): a download is stored only
// after Go accepted the model, a cached copy is revalidated (If-None-Match), changed
// weights at the same URL replace it, and a cached copy that fails its checks is
// dropped, so fixing the server fixes the page. The module comes from the test static
// server; the model from a second origin, a host whose answers the test changes (CORS,
// ETag exposed, conditional requests answered 304).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../support/browsers.mjs';
import { blankPage } from '../support/page.mjs';
import { startServer } from '../support/static-server.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const f32 = readFileSync(join(repo, 'web/weights/mobilenet_v1_0.75_224.mnw'));
const f16 = readFileSync(join(repo, 'web/weights/mobilenet_v1_0.75_224.f16.mnw'));
const corrupt = Buffer.from(f16);
corrupt[corrupt.length >> 1] ^= 0x40; // one flipped bit: the CRC fails
const CACHE = 'mobilenet-go-models-v2';

// The model host: files[path] = {body, etag}; it logs [method, path, if-none-match].
const files = {};
const requests = [];
let host, web, browser, page;

before(async () => {
  host = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    requests.push([req.method, path, req.headers['if-none-match'] ?? null]);
    const cors = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'ETag' };
    if (req.method === 'OPTIONS') { // the preflight of a conditional request
      res.writeHead(204, { ...cors, 'access-control-allow-headers': 'if-none-match, if-modified-since', 'access-control-allow-methods': 'GET' });
      return res.end();
    }
    const f = files[path];
    if (!f) { res.writeHead(404, cors); return res.end(); }
    if (req.headers['if-none-match'] === f.etag) { res.writeHead(304, { ...cors, etag: f.etag }); return res.end(); }
    res.writeHead(200, { ...cors, etag: f.etag, 'content-type': 'application/octet-stream', 'content-length': f.body.length });
    res.end(f.body);
  });
  await new Promise((r) => host.listen(0, '127.0.0.1', r));
  web = await startServer({ web: join(repo, 'web') });
  browser = await launchChromium({ viewport: { width: 400, height: 300 } });
  page = await blankPage(browser.context, web.url); // same origin as the module
});

after(async () => {
  await browser?.close();
  await web?.close();
  host?.closeAllConnections();
  await new Promise((r) => host ? host.close(r) : r());
});

const modelURL = (path) => `http://127.0.0.1:${host.address().port}${path}`;

/** load() in the page: resolves to 'ok' or the rejection's code. */
const loadIn = (url) => page.evaluate(async (url) => {
  const { load } = await import('/mobilenet.js');
  try {
    (await load({ model: url })).dispose();
    return 'ok';
  } catch (err) {
    return err.code;
  }
}, url);

/** The cached copy of url: its length and ETag, or null. */
const cached = (url) => page.evaluate(async ({ url, name }) => {
  const res = await (await caches.open(name)).match(url);
  return res ? { length: (await res.arrayBuffer()).byteLength, etag: res.headers.get('etag') } : null;
}, { url, name: CACHE });

const gets = (path) => requests.filter(([m, p]) => m === 'GET' && p === path);

test('stored after it parsed, revalidated, replaced when the weights change', async () => {
  const url = modelURL('/m.mnw');
  files['/m.mnw'] = { body: f32, etag: '"a"' };
  assert.equal(await loadIn(url), 'ok');
  assert.deepEqual(await cached(url), { length: f32.length, etag: '"a"' });

  // Same weights: a conditional GET answered 304, the cached bytes used.
  assert.equal(await loadIn(url), 'ok');
  assert.deepEqual(gets('/m.mnw').map((r) => r[2]), [null, '"a"']);

  // Changed weights at the same URL: picked up and cached in place of the old ones.
  files['/m.mnw'] = { body: f16, etag: '"b"' };
  assert.equal(await loadIn(url), 'ok');
  assert.deepEqual(await cached(url), { length: f16.length, etag: '"b"' });
});

test('a download that fails its checks is never cached; fixing the server fixes the page', async () => {
  const url = modelURL('/c.mnw');
  files['/c.mnw'] = { body: corrupt, etag: '"bad"' };
  assert.equal(await loadIn(url), 'EMODEL');
  assert.equal(await cached(url), null, 'a corrupt download was cached');
  files['/c.mnw'] = { body: f16, etag: '"good"' };
  assert.equal(await loadIn(url), 'ok');
  assert.deepEqual(await cached(url), { length: f16.length, etag: '"good"' });
});

test('a cached copy that fails its checks is dropped', async () => {
  const url = modelURL('/d.mnw');
  files['/d.mnw'] = { body: f16, etag: '"x"' };
  // Plant a corrupt entry that the server will call current (304).
  await page.evaluate(async ({ url, name, body }) => {
    await (await caches.open(name)).put(url, new Response(new Uint8Array(body), { headers: { etag: '"x"' } }));
  }, { url, name: CACHE, body: [...corrupt] });
  assert.equal(await loadIn(url), 'EMODEL');
  assert.equal(await cached(url), null, 'the corrupt cached copy was kept');
  assert.equal(await loadIn(url), 'ok'); // a plain GET now: the right bytes
  assert.deepEqual(gets('/d.mnw').map((r) => r[2]), ['"x"', null]);
});
