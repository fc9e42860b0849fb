// Every failure of web/mobilenet.js settles its promise with a MobileNetError whose
// code and message say what happened; a crashed worker fails fast afterwards.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { modelJSON, moduleURL, pickSamples, testModel } from './helpers.mjs';

const { load, MobileNetError } = await import(moduleURL);
const tmp = mkdtempSync(join(tmpdir(), 'mobilenet-errors-'));
const photo = readFileSync(pickSamples(1, 1)[0].path);

async function rejects(promise, code, ...fragments) {
  const err = await promise.then(() => null, (e) => e);
  assert.ok(err instanceof MobileNetError, `want a MobileNetError, got ${err?.stack ?? err}`);
  assert.equal(err.code, code, err.message);
  for (const f of fragments) assert.ok(err.message.includes(f), `message ${JSON.stringify(err.message)} lacks ${JSON.stringify(f)}`);
  return err;
}

describe('load errors', () => {
  let server, base;
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/gone.mnw') { res.writeHead(404, 'Not Found'); res.end('no'); return; }
      if (req.url === '/model.json') { res.writeHead(200, { 'content-type': 'application/json' }); res.end(readFileSync(modelJSON)); return; }
      res.writeHead(500, 'Internal Server Error'); res.end(); // every shard fails
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => server.close());

  test('a missing model file names the path', async () => {
    const missing = join(tmp, 'nope.mnw');
    await rejects(load({ model: missing }), 'EDOWNLOAD', missing);
  });

  test('an HTTP 404 names the URL and the status', async () => {
    await rejects(load({ model: `${base}/gone.mnw` }), 'EDOWNLOAD', `${base}/gone.mnw`, 'HTTP 404');
  });

  test('a failing weight shard names its URL and status', async () => {
    await rejects(load({ model: `${base}/model.json` }), 'EDOWNLOAD', `${base}/group1-shard1of1`, 'HTTP 500');
  });

  test('random bytes are not a model', async () => {
    const junk = join(tmp, 'junk.mnw');
    writeFileSync(junk, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31 + 7) & 255)));
    await rejects(load({ model: junk }), 'EMODEL', junk, 'not a usable MobileNet v1 model');
  });

  test('a truncated model is refused', async () => {
    const whole = readFileSync(testModel);
    const bytes = whole.subarray(0, whole.length >> 1);
    await rejects(load({ model: new Uint8Array(bytes) }), 'EMODEL', 'model');
  });

  test('a model.json that is not MobileNet v1 is refused', async () => {
    const wrong = join(tmp, 'model.json');
    writeFileSync(wrong, JSON.stringify({ modelTopology: {}, weightsManifest: [] }));
    await rejects(load({ model: wrong }), 'EMODEL', wrong);
  });

  test('bad options are refused before any work', async () => {
    await rejects(load({ model: testModel, workers: 0 }), 'EOPTIONS', 'workers');
    await rejects(load({ model: testModel, backend: 'webgpu' }), 'EOPTIONS', 'backend');
    await rejects(load({ model: 42 }), 'EOPTIONS', 'model');
  });

  test('bad options are refused before any work: timeout, signal, the old wasmExecURL', async () => {
    await rejects(load({ model: testModel, timeout: 0 }), 'EOPTIONS', 'timeout');
    await rejects(load({ model: testModel, timeout: '5s' }), 'EOPTIONS', 'timeout');
    await rejects(load({ model: testModel, signal: {} }), 'EOPTIONS', 'AbortSignal');
    await rejects(load({ model: testModel, wasmExecURL: 'x.js' }), 'EOPTIONS', 'workerURL');
    await rejects(load({ model: 'http://[bad' }), 'EOPTIONS', 'model', 'http://[bad');
    await rejects(load({ model: testModel, wasmURL: 'https://[x' }), 'EOPTIONS', 'wasmURL');
  });

  test('a wasm URL that is not our classifier', async () => {
    await rejects(load({ model: testModel, wasmURL: join(tmp, 'missing.wasm') }), 'EDOWNLOAD', 'missing.wasm');
    const bad = join(tmp, 'bad.wasm');
    writeFileSync(bad, 'not wasm');
    await rejects(load({ model: testModel, wasmURL: bad }), 'EWASM', 'bad.wasm');
  });
});

// Threads of this process: each worker is one, so a count back at (or below) its old value
// means every worker a failed load started is gone (Linux). Below, not equal: a worker an
// earlier test terminated may finish exiting in between, and V8 retires helper threads.
const threads = () => readdirSync('/proc/self/task').length;
async function settledThreads(want) {
  for (let i = 0; i < 50 && threads() > want; i++) await new Promise((r) => setTimeout(r, 50));
  return threads();
}

describe('load({signal, timeout}) against a server that never answers', () => {
  let server, url;
  const held = new Set();
  before(async () => {
    server = createServer((req, res) => { held.add(res); }); // accepts, then says nothing
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${server.address().port}/model.mnw`;
  });
  after(() => { for (const r of held) r.destroy(); server.closeAllConnections(); server.close(); });

  test('timeout rejects with ETIMEOUT in time and stops every worker', async () => {
    const base = threads();
    const t0 = performance.now();
    await rejects(load({ model: url, timeout: 1500, workers: 2 }), 'ETIMEOUT', '1500 ms');
    const took = performance.now() - t0;
    assert.ok(took >= 1400 && took < 4000, `rejected after ${took} ms`);
    assert.ok(await settledThreads(base) <= base, 'no worker thread is left');
  });

  test('an abort rejects with EABORTED, the reason in the message, and stops the worker', async () => {
    const base = threads();
    const ac = new AbortController();
    const t0 = performance.now();
    setTimeout(() => ac.abort(new Error('user went away')), 300);
    const err = await rejects(load({ model: url, signal: ac.signal }), 'EABORTED', 'user went away');
    assert.ok(performance.now() - t0 < 2000);
    assert.equal(err.cause.message, 'user went away');
    assert.ok(await settledThreads(base) <= base, 'no worker thread is left');
  });

  test('an already aborted signal rejects at once, starting nothing', async () => {
    const base = threads();
    await rejects(load({ model: url, signal: AbortSignal.abort('not now') }), 'EABORTED', 'not now');
    assert.ok(threads() <= base, 'no worker thread was started');
  });

  test('AbortSignal.timeout works as a signal too', async () => {
    await rejects(load({ model: url, signal: AbortSignal.timeout(300) }), 'EABORTED', 'TimeoutError');
  });
});

describe('call errors', () => {
  let clf;
  before(async () => { clf = await load({ model: testModel }); });
  after(() => clf?.dispose());

  test('broken and unsupported images reject, and the classifier keeps working', async () => {
    await rejects(clf.classify(photo.subarray(0, 2000)), 'EIMAGE');
    await rejects(clf.classify(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), 'EIMAGE');
    await rejects(clf.classify(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>')), 'EIMAGE');
    await rejects(clf.classify(null), 'EINPUT', 'no image');
    await rejects(clf.classify(42), 'EINPUT', 'unsupported input');
    await rejects(clf.classify({ data: new Uint8Array(10), width: 2, height: 2 }), 'EINPUT', '10 bytes', '16');
    await rejects(clf.classify({ data: new Uint8Array(0), width: 0, height: 0 }), 'EINPUT', 'positive integers');
    const top = await clf.classify(photo);
    assert.equal(top.length, 5);
  });

  test('the pixel limit is checked from the dimensions, before any buffer', async () => {
    // 25000x25000 RGBA would be 2.5 GB: refused with ETOOBIG from width and height alone.
    await rejects(clf.classify({ data: new Uint8Array(16), width: 25000, height: 25000 }), 'ETOOBIG', '25000x25000', '40000000');
    await rejects(clf.classify({ data: new Uint8Array(16), width: 40_000_001, height: 1 }), 'ETOOBIG');
    await rejects(clf.classify(photo, { transfer: 'yes' }), 'EOPTIONS', 'transfer');
    await rejects(clf.classify(photo, { details: 1 }), 'EOPTIONS', 'details');
  });

  test('detached buffers reject with EDETACHED', async () => {
    const buffer = new ArrayBuffer(64);
    const bytes = new Uint8Array(buffer), pixels = new Uint8ClampedArray(buffer); // views made before
    structuredClone(buffer, { transfer: [buffer] }); // detaches it
    await rejects(clf.classify(buffer), 'EDETACHED', 'detached');
    await rejects(clf.classify(bytes), 'EDETACHED');
    await rejects(clf.classify({ data: pixels, width: 4, height: 4 }), 'EDETACHED');
    await rejects(clf.classify({ data: buffer, width: 4, height: 4 }), 'EDETACHED');
    await rejects(load({ model: buffer }), 'EDETACHED');
  });

  test('bad call options', async () => {
    await rejects(clf.classify(photo, { topk: 0 }), 'EOPTIONS', 'topk');
    await rejects(clf.classify(photo, { size: 100 }), 'EOPTIONS', 'size');
    await rejects(clf.classify(photo, { crop: 2 }), 'EOPTIONS', 'crop');
    await rejects(clf.classify(photo, { threshold: -1 }), 'EOPTIONS', 'threshold');
  });

  test('a failing call does not disturb the calls queued around it', async () => {
    const [a, b, c] = await Promise.allSettled([clf.classify(photo), clf.classify(new Uint8Array(9)), clf.classify(photo)]);
    assert.equal(a.status, 'fulfilled');
    assert.equal(b.status, 'rejected');
    assert.equal(c.status, 'fulfilled');
    assert.deepEqual(a.value.map((r) => r.index), c.value.map((r) => r.index));
  });
});

describe('lifecycle', () => {
  test('calls after dispose() reject at once; pending calls reject too', async () => {
    const clf = await load({ model: testModel });
    const pending = clf.classify(photo);
    clf.dispose();
    await rejects(pending, 'EDISPOSED', 'disposed');
    const t0 = performance.now();
    await rejects(clf.classify(photo), 'EDISPOSED', 'load() again');
    await rejects(clf.embed(photo), 'EDISPOSED');
    assert.ok(performance.now() - t0 < 100);
    clf.dispose(); // twice is harmless
  });

  test('a crashed worker rejects pending calls and every later call at once', async () => {
    const clf = await load({ model: testModel });
    const first = clf.classify(photo);
    const pending = [clf.classify(photo), clf.classify(photo)];
    await first; // the second call is now running in Go, the third waits (on any engine speed)
    clf[Symbol.for('mobilenet.killWorker')](0);
    for (const p of pending) await rejects(p, 'ECRASHED', 'crashed', 'load()');
    const t0 = performance.now();
    await rejects(clf.classify(photo), 'ECRASHED', 'load()');
    assert.ok(performance.now() - t0 < 100, 'a dead classifier answers immediately');
    clf.dispose();
  });
});
