// The npm package as a new user gets it: the tarball from `make pack` installed into a
// fresh app, built with Vite, webpack and esbuild (the pinned devDependencies, each as
// the package README says: no config, no plugin), the output served by a plain static
// server (no COOP/COEP) and classifying a shared photo in headless Chromium; and the
// same app under Vite's dev server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { build as esbuild } from 'esbuild';
import { createServer as viteDevServer, build as vite } from 'vite';
import webpack from 'webpack';
import { launchChromium } from '../support/browsers.mjs';
import { startServer } from '../support/static-server.mjs';
import { LABELS as labels, ROOT as repo, SAMPLES as samples, TENCH as tench } from '../support/samples.mjs';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(repo, 'web/package/package.json'), 'utf8'));
const readme = readFileSync(join(repo, 'web/package/README.md'), 'utf8');
const simdWasm = readFileSync(join(repo, 'web/classifier-simd.wasm'));

// The app a user writes: the same for every bundler.
const APP_JS = `import { load } from '${pkg.name}';
const out = document.getElementById('result');
try {
  const clf = await load({ model: '/weights/mobilenet_v1_0.75_224.mnw' });
  const img = document.getElementById('photo');
  await img.decode();
  const top = await clf.classify(img, { topk: 3 });
  out.textContent = top.map((p) => p.label + ': ' + (100 * p.probability).toFixed(1) + '%').join('; ');
} catch (err) {
  out.textContent = 'error ' + err.code + ': ' + err.message;
}
`;
const page = (script) => `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>app</title></head><body>
<img id="photo" src="/samples/${tench.file}" alt="a photo"><p id="result">classifying…</p>${script}</body></html>`;

let tarball, work, browser;

before(async () => {
  const tgz = readdirSync(join(repo, 'build/npm')).filter((f) => f.endsWith('.tgz'));
  assert.equal(tgz.length, 1, `make pack leaves exactly one tarball in build/npm/: ${tgz}`);
  tarball = join(repo, 'build/npm', tgz[0]);
  work = mkdtempSync(join(tmpdir(), 'mobilenet-bundlers-'));
  browser = await launchChromium({ viewport: { width: 800, height: 600 } });
});

after(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A fresh app dir with the tarball installed (a local tarball without dependencies needs no network). */
async function app(name) {
  const dir = join(work, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `app-${name}`, private: true, type: 'module' }));
  writeFileSync(join(dir, 'src/index.js'), APP_JS);
  await run('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], { cwd: dir });
  return dir;
}

/** Serves dist/ like a plain host and classifies the photo; returns what the page says and what was fetched. */
async function classifyServed(dist, name) {
  const server = await startServer({ web: dist, samples, roots: { '/weights/': join(repo, 'web/weights') } });
  const tab = await browser.context.newPage();
  const errors = [];
  tab.on('pageerror', (err) => errors.push(err.message));
  try {
    await tab.goto(`${server.url}/index.html`);
    await tab.waitForFunction(() => document.getElementById('result').textContent !== 'classifying…', null, { timeout: 120_000 });
    const text = await tab.textContent('#result');
    const isolated = await tab.evaluate(() => globalThis.crossOriginIsolated);
    mkdirSync(join(repo, 'artifacts'), { recursive: true });
    await tab.screenshot({ path: join(repo, 'artifacts', `bundler-${name}.png`) });
    return { text, errors, isolated, log: server.log, dist };
  } finally {
    await tab.close();
    await server.close();
  }
}

function assertClassified(r, bundler) {
  assert.deepEqual(r.errors, [], `${bundler}: page errors`);
  assert.equal(r.isolated, false, 'a plain host: no COOP/COEP');
  assert.ok(r.text.startsWith(`${labels[tench.index]}:`), `${bundler} app says ${JSON.stringify(r.text)}`);
  const failed = r.log.filter((e) => e.status !== 200);
  assert.deepEqual(failed, [], `${bundler}: every request found its file`);
  const wasm = r.log.filter((e) => e.path.endsWith('.wasm'));
  assert.equal(wasm.length, 1, `${bundler}: one wasm fetched: ${JSON.stringify(wasm)}`);
  const fetched = readFileSync(join(r.dist, wasm[0].path));
  assert.ok(fetched.equals(simdWasm), `${bundler}: ${wasm[0].path} is classifier-simd.wasm (Chromium has wasm SIMD)`);
}

test('Vite: the app builds with no config and classifies', async () => {
  const dir = await app('vite');
  writeFileSync(join(dir, 'index.html'), page('<script type="module" src="/src/index.js"></script>'));
  await vite({ root: dir, logLevel: 'warn', configFile: false, build: { outDir: join(dir, 'dist') } });
  const r = await classifyServed(join(dir, 'dist'), 'vite');
  assertClassified(r, 'vite');
  assert.ok(r.log.some((e) => /^\/assets\/mobilenet-worker-.*\.js$/.test(e.path)), 'the worker is Vite\'s bundled copy');
});

test('Vite: the dev server (`vite`) runs the app from the installed package too', async () => {
  const dir = await app('vite-dev');
  writeFileSync(join(dir, 'index.html'), page('<script type="module" src="/src/index.js"></script>'));
  // The dev server serves the app; the photo and the model come from a public/ folder.
  mkdirSync(join(dir, 'public/samples'), { recursive: true });
  symlinkSync(join(repo, 'web/weights'), join(dir, 'public/weights'));
  copyFileSync(join(samples, tench.file), join(dir, 'public/samples', tench.file));
  const server = await viteDevServer({ root: dir, configFile: false, logLevel: 'warn', server: { host: '127.0.0.1', port: 0, strictPort: false } });
  await server.listen();
  const tab = await browser.context.newPage();
  const errors = [], missing = [];
  tab.on('pageerror', (err) => errors.push(err.message));
  tab.on('response', (res) => { if (res.status() >= 400) missing.push(`${res.status()} ${res.url()}`); });
  try {
    await tab.goto(`${server.resolvedUrls.local[0]}index.html`);
    await tab.waitForFunction(() => document.getElementById('result').textContent !== 'classifying…', null, { timeout: 120_000 });
    const text = await tab.textContent('#result');
    assert.deepEqual(errors, []);
    assert.deepEqual(missing, []);
    assert.ok(text.startsWith(`${labels[tench.index]}:`), `vite dev app says ${JSON.stringify(text)}`);
  } finally {
    await tab.close();
    await server.close();
  }
});

test('webpack: the app builds with the defaults (as `webpack --mode production` in the app) and classifies', async () => {
  const dir = await app('webpack');
  const compiler = webpack({ mode: 'production', context: dir, output: { path: join(dir, 'dist') } });
  const stats = await new Promise((res, rej) => compiler.run((err, s) => (err ? rej(err) : res(s))));
  await new Promise((r) => compiler.close(r));
  assert.ok(!stats.hasErrors(), stats.toString({ all: false, errors: true }));
  writeFileSync(join(dir, 'dist/index.html'), page('<script src="main.js"></script>'));
  const r = await classifyServed(join(dir, 'dist'), 'webpack');
  assertClassified(r, 'webpack');
  assert.ok(r.log.some((e) => /^\/[0-9a-f]{20}\.wasm$/.test(e.path)), 'the wasm is webpack\'s emitted asset');
});

test('esbuild: bundle, then the README\'s copy step, and it classifies', async () => {
  const dir = await app('esbuild');
  await esbuild({ entryPoints: [join(dir, 'src/index.js')], bundle: true, format: 'esm', outdir: join(dir, 'dist'), logLevel: 'warning' });
  // esbuild leaves `new URL('./x', import.meta.url)` alone, so the package's files must
  // sit next to the bundle: the README gives the one command that puts them there.
  const copy = readme.split('\n').find((l) => l.startsWith(`cp node_modules/${pkg.name}/`));
  assert.ok(copy, 'the README has the esbuild copy command');
  await run('sh', ['-c', copy], { cwd: dir });
  writeFileSync(join(dir, 'dist/index.html'), page('<script type="module" src="index.js"></script>'));
  const r = await classifyServed(join(dir, 'dist'), 'esbuild');
  assertClassified(r, 'esbuild');
});
