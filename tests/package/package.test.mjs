// The npm package from `make pack`: exactly one tarball in build/npm/ with the files a
// user needs (ESM entries, worker, wasm, Go's runtime, types, README, LICENSE) and
// nothing else (no weights, no dependencies); installed into a fresh app it resolves
// per environment (Node entry in Node) and classifies a photo from a file path, and its
// types pass tsc --strict from a TypeScript consumer (nodenext and bundler resolution).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const samples = join(resolve(repo, process.env.SHARED ?? '../shared'), 'imagenet-samples');
const tsc = join(repo, 'node_modules/.bin/tsc');

let tarball, app, pkg;

before(async () => {
  const tgz = readdirSync(join(repo, 'build/npm'));
  assert.equal(tgz.length, 1, `build/npm/ holds exactly one file, the tarball: ${tgz}`);
  assert.match(tgz[0], /\.tgz$/);
  tarball = join(repo, 'build/npm', tgz[0]);
  app = mkdtempSync(join(tmpdir(), 'mobilenet-pack-'));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], { cwd: app });
  pkg = JSON.parse(readFileSync(join(app, 'node_modules/mobilenet-go/package.json'), 'utf8'));
});

after(() => { if (app) rmSync(app, { recursive: true, force: true }); });

test('the tarball holds exactly the shipped files: no weights, no dependencies', async () => {
  const { stdout } = await run('tar', ['tzf', tarball]);
  const files = stdout.trim().split('\n').map((f) => f.replace(/^package\//, '')).sort();
  assert.deepEqual(files, [
    'LICENSE', 'README.md', 'classifier-relaxed.wasm', 'classifier-simd.wasm', 'classifier-tfjs-simd.wasm', 'classifier-tfjs.wasm',
    'classifier.wasm', 'mobilenet-core.js', 'mobilenet-fetch.js', 'mobilenet-limits.js', 'mobilenet-node.js',
    'mobilenet-pixels.js', 'mobilenet-team.js', 'mobilenet-worker-node.js', 'mobilenet-worker.js', 'mobilenet.d.ts', 'mobilenet.js', 'package.json', 'wasm_exec.js',
  ]);
  assert.equal(pkg.name, 'mobilenet-go');
  assert.equal(pkg.license, 'Apache-2.0');
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.dependencies, undefined, 'no runtime dependencies');
  assert.equal(pkg.private, undefined);
  assert.deepEqual(Object.keys(pkg.exports['.']), ['types', 'browser', 'node', 'default'], 'types first, browser before node');
  assert.match(pkg.engines.node, />=\s*20/);
  // The shipped files are the ones the page serves from web/, byte for byte.
  for (const f of files.filter((f) => f.startsWith('classifier') || f.startsWith('mobilenet') || f === 'wasm_exec.js')) {
    assert.ok(readFileSync(join(app, 'node_modules/mobilenet-go', f)).equals(readFileSync(join(repo, 'web', f))), `${f} is web/${f}`);
  }
  assert.match(readFileSync(join(app, 'node_modules/mobilenet-go/LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
});

test('browser files have no node: import; the Node entry is the only main-thread one that does', () => {
  const dir = join(app, 'node_modules/mobilenet-go');
  for (const f of ['mobilenet.js', 'mobilenet-core.js', 'mobilenet-worker.js', 'mobilenet-fetch.js', 'mobilenet-limits.js', 'mobilenet-pixels.js', 'mobilenet-team.js', 'wasm_exec.js']) {
    assert.doesNotMatch(readFileSync(join(dir, f), 'utf8'), /['"]node:|require\(/, `${f} is browser code`);
  }
  assert.match(readFileSync(join(dir, 'mobilenet-node.js'), 'utf8'), /from 'node:worker_threads'/);
});

test('in Node the package name resolves to the Node entry and classifies a photo from a file path', async () => {
  const photo = join(samples, readFileSync(join(samples, 'manifest.csv'), 'utf8').split('\n')[1].split(',')[0]);
  const script = `import { load } from 'mobilenet-go';
const clf = await load({ model: ${JSON.stringify(join(repo, 'web/weights/mobilenet_v1_0.75_224.mnw'))} });
const { readFile } = await import('node:fs/promises');
const r = await clf.classify(await readFile(${JSON.stringify(photo)}), { details: true, topk: 1 });
console.log(JSON.stringify({ resolved: import.meta.resolve('mobilenet-go'), r }));
clf.dispose();`;
  writeFileSync(join(app, 'node-app.mjs'), script);
  const { stdout } = await run(process.execPath, ['node-app.mjs'], { cwd: app });
  const { resolved, r } = JSON.parse(stdout);
  assert.match(resolved, /node_modules\/mobilenet-go\/mobilenet-node\.js$/);
  assert.equal(r.predictions.length, 1);
  assert.ok(r.timings.inference > 0);
});

const CONSUMER_TS = `import { load, MobileNetError, DEFAULT_MODEL } from 'mobilenet-go';
import type { ClassifyResult, ErrorCode, LoadOptions, Predictions, RawFrame } from 'mobilenet-go';

export async function demo(img: HTMLImageElement, frame: ImageData, shared: SharedArrayBuffer): Promise<string> {
  const ac = new AbortController();
  const options: LoadOptions = { model: DEFAULT_MODEL, signal: ac.signal, timeout: 60_000, workerURL: '/w.js', wasmURL: new URL('https://x/a.wasm') };
  const clf = await load(options);
  const top: Predictions = await clf.classify(img, { topk: 3 });
  const ms: number = top.timings.inference + top[0].probability;
  const plain: ClassifyResult = await clf.classify(frame, { details: true, transfer: true });
  const first: string = plain.predictions[0].label + plain.timings.queue;
  const raw: RawFrame = { data: new Uint8ClampedArray(shared), width: 1, height: 1 };
  await clf.classify(raw);
  await clf.classify(shared);
  const features: Float32Array = await clf.embed(img);
  try { await clf.classify(new Uint8Array(4)); } catch (err) {
    if (err instanceof MobileNetError) {
      const code: ErrorCode = err.code;
      if (code === 'EDETACHED' || code === 'ETOOBIG' || code === 'EABORTED' || code === 'ETIMEOUT') return code;
    }
  }
  // @ts-expect-error wasmExecURL is gone (the worker imports wasm_exec.js itself)
  await load({ wasmExecURL: 'x.js' });
  // @ts-expect-error with details: true the result is an object, not the array
  plain.length;
  // @ts-expect-error a string is no ErrorCode
  const bad: ErrorCode = 'ENOPE';
  return first + ms + features.length + bad + clf.busy + clf.pending + clf.info().featureLength;
}
`;

for (const [module, moduleResolution] of [['nodenext', 'nodenext'], ['esnext', 'bundler']]) {
  test(`the types pass tsc --strict (module ${module}, moduleResolution ${moduleResolution})`, async () => {
    const dir = join(app, `ts-${moduleResolution}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'consumer.ts'), CONSUMER_TS);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'es2022', module, moduleResolution, lib: ['es2022', 'dom'], skipLibCheck: false },
      files: ['consumer.ts'],
    }));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const out = await run(tsc, ['-p', dir], { cwd: dir }).then(() => '', (err) => `${err.stdout}${err.stderr}`);
    assert.equal(out, '', `tsc found errors:\n${out}`);
  });
}
