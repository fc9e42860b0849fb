// load({threads: 2}) in headless Chromium, on both transports as pages get them:
// cross-origin isolated (serve.go sends COOP/COEP) picks SharedArrayBuffer + Atomics;
// an ordinary host (tests/support/static-server.mjs) picks MessageChannels. Either
// way the answers equal 1 thread's bit for bit.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchChromium } from '../support/browsers.mjs';
import { startServer as startPlain } from '../support/static-server.mjs';
import { ROOT, blankPage, startServer as startIsolated } from '../support/page.mjs';

let isolated, plain, browser;

before(async () => {
  [isolated, plain] = await Promise.all([startIsolated(), startPlain({ web: join(ROOT, 'web') })]);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await isolated?.stop();
  await plain?.close();
});

// In the page: a 1-thread and a 2-thread classifier on the same canvas picture (the
// leader reads it as an ImageBitmap) and the same raw frame; all 1000 probabilities
// and the embedding of each.
async function compare(origin, precision = 'f32') {
  const errors = [];
  const page = await blankPage(browser.context, origin, (msg) => errors.push(msg));
  const r = await page.evaluate(async (precision) => {
    const { load } = await import('/mobilenet.js');
    const canvas = document.createElement('canvas');
    canvas.width = 301; canvas.height = 203;
    const ctx = canvas.getContext('2d');
    const g = ctx.createLinearGradient(0, 0, 301, 203);
    g.addColorStop(0, '#c33'); g.addColorStop(0.5, '#3c8'); g.addColorStop(1, '#24e');
    ctx.fillStyle = g; ctx.fillRect(0, 0, 301, 203);
    ctx.fillStyle = '#fff'; ctx.font = '60px sans-serif'; ctx.fillText('Go', 90, 120);
    const frame = ctx.getImageData(0, 0, 301, 203);
    const answers = async (clf) => {
      const out = [];
      for (const [input, size] of [[canvas, 224], [frame, 160]]) {
        const probs = await clf.classify(input, { size, topk: 1000 });
        out.push(probs.map((p) => [p.index, p.probability]), Array.from(await clf.embed(input, { size })));
      }
      return out;
    };
    const model = '/weights/mobilenet_v1_0.75_224.mnw';
    const one = await load({ model, threads: 1, precision });
    const want = await answers(one);
    one.dispose();
    const two = await load({ model, threads: 2, precision });
    const got = await answers(two);
    const info = two.info();
    two.dispose();
    let sharedError = null;
    if (!self.crossOriginIsolated) {
      sharedError = await load({ model, threads: 2, transport: 'shared' }).then(() => 'loaded', (err) => err.code);
    }
    return { isolated: self.crossOriginIsolated, info, want, got, sharedError };
  }, precision);
  await page.close();
  assert.deepEqual(errors, []);
  return r;
}

test('cross-origin isolated (serve.go): threads 2 over SharedArrayBuffer equal threads 1 bit for bit', async () => {
  const r = await compare(isolated.url);
  assert.equal(r.isolated, true, 'serve.go makes the page cross-origin isolated');
  assert.equal(r.info.threads, 2);
  assert.equal(r.info.transport, 'shared');
  assert.deepEqual(r.got, r.want);
});

test('not isolated (an ordinary host): threads 2 over MessageChannels equal threads 1; shared is EOPTIONS', async () => {
  const r = await compare(plain.url);
  assert.equal(r.isolated, false);
  assert.equal(r.info.transport, 'message');
  assert.deepEqual(r.got, r.want);
  assert.equal(r.sharedError, 'EOPTIONS');
});

// int8 (issue 12 item 4): the same team exchanges int16 rows; the answers equal int8
// threads 1's bit for bit on both transports.
for (const [name, origin] of [['shared', () => isolated.url], ['message', () => plain.url]]) {
  test(`int8 threads 2 over the ${name} transport equal int8 threads 1 bit for bit`, async () => {
    const r = await compare(origin(), 'int8');
    assert.equal(r.info.precision, 'int8');
    assert.equal(r.info.threads, 2);
    assert.equal(r.info.transport, name);
    assert.deepEqual(r.got, r.want);
  });
}
