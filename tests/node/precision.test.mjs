// load({precision}): int8 (internal/q8) from the f32 file (quantized at load) and from
// the int8 file make builds (mobilenet import -precision int8), against f32 on shared
// photos; the file's own storage as the default; the options load() refuses.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { moduleURL, packedModel, pickSamples, repo } from './helpers.mjs';
import { TENCH, SAMPLES } from '../support/samples.mjs';

const { load } = await import(moduleURL);
const { relaxedSupported } = await import(new URL('mobilenet-core.js', moduleURL).href);
const int8Model = join(repo, 'web/weights/mobilenet_v1_0.75_224.int8.mnw');
const photos = pickSamples(6, 83).map((s) => readFileSync(s.path));
const tench = readFileSync(join(SAMPLES, TENCH.file));

describe('precision', { skip: !existsSync(int8Model) && 'run make: no web/weights/*.int8.mnw' }, () => {
  let f32, int8, int8File;
  before(async () => {
    [f32, int8, int8File] = await Promise.all([
      load({ model: packedModel, threads: 1 }),
      load({ model: packedModel, precision: 'int8' }),
      load({ model: int8Model }), // an int8 file runs int8 by default
    ]);
  });
  after(() => { for (const c of [f32, int8, int8File]) c?.dispose(); });

  test('info().precision says which arithmetic runs', () => {
    assert.equal(f32.info().precision, 'f32');
    assert.equal(int8.info().precision, 'int8');
    assert.equal(int8File.info().precision, 'int8');
    assert.equal(int8.info().threads, 1); // int8's default (threads: N splits it too, threads.test.mjs)
    // precision 'int8' runs classifier-relaxed.wasm where relaxed SIMD is exact (Node 26,
    // not Node 20); an int8 file loaded without a precision, the SIMD build's dot16.
    assert.equal(int8.info().kernels, relaxedSupported() ? 'int8-wasm-relaxed' : 'int8-wasm-dot16');
    assert.equal(int8File.info().kernels, 'int8-wasm-dot16');
    assert.equal(f32.info().kernels, 'wasm-simd');
  });

  test('int8 classifies the tench photo as tench', async () => {
    for (const clf of [int8, int8File]) {
      const [top] = await clf.classify(tench);
      assert.equal(top.index, TENCH.index);
      assert.ok(top.probability > 0.5, `tench at ${top.probability}`);
    }
  });

  test('int8 agrees with f32 on top-1; the int8 file is the f32 file quantized, bit for bit', async () => {
    let agree = 0;
    for (const photo of photos) {
      const [a, b, c] = await Promise.all([f32, int8, int8File].map((clf) => clf.classify(photo, { topk: 1000 })));
      assert.equal(a.length, 1000);
      if (a[0].index === b[0].index) agree++;
      // Quantizing at load and storing quantized are the same q8.Quantize of the same floats
      // (and with relaxed SIMD, int8 runs the relaxed kernel, int8File dot16: bit for bit too).
      assert.deepEqual([...c], [...b]);
      // int8 is not f32: the probabilities differ somewhere.
      assert.notDeepEqual(a.map((p) => p.probability), b.map((p) => p.probability));
    }
    assert.ok(agree >= photos.length - 1, `top-1 agrees on ${agree} of ${photos.length}`);
  });

  test('an int8 file asked for f32 runs its dequantized weights in float32', async () => {
    const clf = await load({ model: int8Model, precision: 'f32', threads: 1 });
    try {
      assert.equal(clf.info().precision, 'f32');
      assert.equal((await clf.classify(tench))[0].index, TENCH.index);
    } finally {
      clf.dispose();
    }
  });

  test('further int8 workers run the first one\'s int8 weights: the same answers', async () => {
    const clf = await load({ model: packedModel, precision: 'int8', workers: 2 });
    try {
      assert.equal(clf.info().workers, 2);
      const want = await int8.classify(photos[1], { topk: 10 });
      assert.equal(want.length, 10);
      const got = await Promise.all([0, 1].map(() => clf.classify(photos[1], { topk: 10 })));
      for (const r of got) assert.deepEqual([...r], [...want]);
    } finally {
      clf.dispose();
    }
  });

  test('bad precision: EOPTIONS before any download', async () => {
    for (const precision of ['int4', 'F32', '', 8, null]) {
      await assert.rejects(load({ model: packedModel, precision }), { code: 'EOPTIONS', message: /precision/ });
    }
  });

  test('an int8 file with threads 2 runs int8 on a team and equals threads 1', async () => {
    const two = await load({ model: int8Model, threads: 2 });
    assert.equal(two.info().precision, 'int8');
    assert.equal(two.info().threads, 2);
    const [a, b] = [await int8File.embed(tench), await two.embed(tench)];
    assert.deepEqual(Array.from(b), Array.from(a));
    two.dispose();
  });
});
