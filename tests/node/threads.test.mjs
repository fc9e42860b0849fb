// load({threads}): N workers split each inference by rows (web/mobilenet-team.js,
// internal/band). Their answers must be the 1-thread answers bit for bit, over both
// transports, at every alpha and input size; a crash anywhere in the team fails the
// classifier.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { moduleURL, pickSamples, repo, testModel } from './helpers.mjs';

const { load } = await import(moduleURL);
const run = promisify(execFile);
const goEnv = { ...process.env, GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'go1.27.3' };

// Seeded random weights at each alpha, written by the native helper.
const dir = mkdtempSync(join(tmpdir(), 'mobilenet-threads-'));
await run('go', ['build', '-o', join(dir, 'classifier'), './wasm/classifier'], { cwd: repo, env: goEnv });
async function randomModel(alpha) {
  const file = join(dir, `random_${alpha}.mnw`);
  await run(join(dir, 'classifier'), ['-write-random', file, '-alpha', String(alpha), '-seed', '5']);
  return file;
}

// Random RGBA pixels of an odd size (the crop and resize then cover every case).
function noise(width, height, seed) {
  const data = new Uint8ClampedArray(width * height * 4);
  let x = seed;
  for (let i = 0; i < data.length; i++) { x = (x * 1103515245 + 12345) >>> 0; data[i] = x >>> 24; }
  return { data, width, height };
}

const photo = readFileSync(pickSamples(1, 1)[0].path);

// Every class's probability and the embedding, for each size: equal as numbers means
// equal bit for bit (both are float32 values carried as doubles or floats).
async function answers(clf, sizes) {
  const out = [];
  for (const size of sizes) {
    for (const input of [noise(97, 61, size), photo]) {
      const probs = await clf.classify(input, { size, topk: 1000 });
      const features = await clf.embed(input, { size });
      out.push({ size, probs: probs.map((p) => [p.index, p.probability]), features: Array.from(features) });
    }
  }
  return out;
}

describe('threads', () => {
  for (const [alpha, precision] of [[0.25, 'f32'], [0.5, 'f32'], [1.0, 'f32'], [0.25, 'int8'], [0.75, 'int8']]) {
    test(`alpha ${alpha} ${precision}: threads 2-4, both transports, equal threads 1 bit for bit at sizes 128, 160, 224`, async () => {
      const model = await randomModel(alpha);
      const sizes = [128, 160, 224];
      const one = await load({ model, threads: 1, precision });
      const want = await answers(one, sizes);
      one.dispose();
      for (const threads of [2, 3, 4]) {
        for (const transport of ['shared', 'message']) {
          const clf = await load({ model, threads, transport, precision });
          assert.equal(clf.info().threads, threads);
          assert.equal(clf.info().precision, precision);
          assert.equal(clf.info().transport, transport);
          const got = await answers(clf, sizes);
          for (let i = 0; i < want.length; i++) {
            const what = `alpha ${alpha} ${precision} threads ${threads} ${transport} size ${want[i].size} input ${i % 2}`;
            assert.deepEqual(got[i].probs, want[i].probs, `${what}: probabilities`);
            assert.deepEqual(got[i].features, want[i].features, `${what}: embedding`);
          }
          clf.dispose();
        }
      }
    });
  }

  test('the default threads: half the logical cores divided among the workers, 1 to 4', async () => {
    const { defaultThreads } = await import(new URL('../../web/mobilenet-core.js', import.meta.url).href);
    const had = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    try {
      const table = {};
      for (const cores of [undefined, 1, 2, 4, 8, 16, 64]) {
        Object.defineProperty(globalThis, 'navigator', { value: { hardwareConcurrency: cores }, configurable: true });
        table[cores] = [1, 2, 4].map((w) => defaultThreads(w));
      }
      assert.deepEqual(table, { undefined: [1, 1, 1], 1: [1, 1, 1], 2: [1, 1, 1], 4: [2, 1, 1], 8: [4, 2, 1], 16: [4, 4, 2], 64: [4, 4, 4] });
    } finally {
      if (had) Object.defineProperty(globalThis, 'navigator', had); else delete globalThis.navigator;
    }
    const clf = await load({ model: testModel });
    assert.equal(clf.info().threads, defaultThreads(1));
    clf.dispose();
  });

  test('Node picks the shared transport; workers x threads pipelines teams; bad options are EOPTIONS', async () => {
    const clf = await load({ model: testModel, threads: 2, workers: 2 });
    assert.equal(clf.info().transport, 'shared');
    const one = await load({ model: testModel, threads: 1 });
    const want = await one.classify(photo, { topk: 3 });
    const got = await Promise.all([1, 2, 3, 4].map(() => clf.classify(photo, { topk: 3 })));
    for (const g of got) assert.deepEqual(g.map((p) => p.probability), want.map((p) => p.probability));
    clf.dispose();
    one.dispose();
    for (const bad of [{ threads: 0 }, { threads: 1.5 }, { threads: 17 }, { threads: 8, workers: 3 }, { threads: 2, transport: 'smoke' }]) {
      await assert.rejects(load({ model: testModel, ...bad }), (err) => err.code === 'EOPTIONS', JSON.stringify(bad));
    }
  });

  test('a bad image in a team rejects that call only (EIMAGE); the next frame is right', async () => {
    for (const transport of ['shared', 'message']) {
      const clf = await load({ model: testModel, threads: 2, transport });
      await assert.rejects(clf.classify(new Uint8Array([1, 2, 3, 4])), (err) => err.code === 'EIMAGE');
      const one = await load({ model: testModel, threads: 1 });
      assert.deepEqual((await clf.classify(photo)).map((p) => p.probability), (await one.classify(photo)).map((p) => p.probability));
      clf.dispose();
      one.dispose();
    }
  });

  test('a team frame allocates next to nothing in Go on any member, over both transports', async (t) => {
    const frame = noise(320, 240, 9);
    for (const transport of ['shared', 'message']) {
      const clf = await load({ model: testModel, threads: 2, transport });
      const small = { size: 128 }; // many calls, little time
      for (let i = 0; i < 5; i++) await clf.classify(frame, small);
      const stats = () => Promise.all([0, 1].map((k) => clf.memStats(true, k)));
      const before = await stats();
      const n = 40;
      for (let i = 0; i < n; i++) await clf.classify(frame, small);
      const after = await stats();
      for (const k of [0, 1]) {
        const bytes = (after[k].totalAlloc - before[k].totalAlloc) / n, mallocs = (after[k].mallocs - before[k].mallocs) / n;
        t.diagnostic(`${transport} worker ${k}: ${mallocs} allocations, ${bytes} B per frame`);
        // What is left is syscall/js's own per call (~5 allocations: the event, its
        // this and args), more calls on MessageChannels (one per receive that waits).
        // A frame is 300 KB and a band's rows tens of KB: a per-frame buffer would show.
        assert.ok(bytes < 4096, `${transport} worker ${k} allocates ${bytes} bytes per frame`);
      }
      clf.dispose();
    }
  });

  for (const transport of ['shared', 'message']) {
    for (const victim of [0, 1]) {
      test(`${transport}: killing worker ${victim} of a team mid-call rejects with ECRASHED, and every later call at once`, async () => {
        const clf = await load({ model: testModel, threads: 2, transport });
        const first = clf.classify(photo);
        const pending = [clf.classify(photo), clf.classify(photo)];
        await first; // the second call is now running in the team, the third waits
        clf[Symbol.for('mobilenet.killWorker')](victim);
        for (const p of pending) await assert.rejects(p, (err) => err.code === 'ECRASHED');
        const t0 = performance.now();
        await assert.rejects(clf.classify(photo), (err) => err.code === 'ECRASHED');
        assert.ok(performance.now() - t0 < 100, 'a dead classifier answers immediately');
        clf.dispose();
      });
    }
  }
});
