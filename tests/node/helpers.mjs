// Shared fixtures for the Node tests of web/mobilenet.js.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ROWS } from '../support/samples.mjs';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const shared = resolve(repo, process.env.SHARED ?? '../shared');
export const samples = join(shared, 'imagenet-samples');
export const tfjsDir = join(shared, 'models/mobilenet_v1_0.75_224');
export const modelJSON = join(tfjsDir, 'model.json');
export const packedModel = join(repo, 'web/weights/mobilenet_v1_0.75_224.mnw');
export const packedF16 = join(repo, 'web/weights/mobilenet_v1_0.75_224.f16.mnw');
export const moduleURL = new URL('../../web/mobilenet-node.js', import.meta.url).href;

/** The model tests load: the .mnw built by make when present, else the TF.js directory's model.json. */
export const testModel = existsSync(packedModel) ? packedModel : modelJSON;

/** manifest.csv rows (tests/support/samples.mjs's) with each photo's path: {file, index, wnid, name, path}. */
export function manifest() {
  return ROWS.map((r) => ({ ...r, path: join(samples, r.file) }));
}

/** Every n-th sample, count of them. */
export function pickSamples(count, step) {
  return manifest().filter((_, i) => i % step === 0).slice(0, count);
}

const run = promisify(execFile);

// The native helper is built once per test process (go run would rebuild per call).
let nativeBin;
async function native() {
  nativeBin ??= (async () => {
    const bin = join(mkdtempSync(join(tmpdir(), 'mobilenet-native-')), 'classifier');
    await run('go', ['build', '-o', bin, './wasm/classifier'], { cwd: repo, env: goEnv() });
    return bin;
  })();
  return nativeBin;
}

/** The native engine (same Go, not wasm) over files: one {file, predictions, error} per file. */
export async function nativeClassify(files, { topk = 5, crop = 0, size = 0, rgba = false } = {}) {
  const args = ['-model', testModel, '-topk', String(topk), '-crop', String(crop),
    '-size', String(size), ...(rgba ? ['-rgba'] : []), ...files];
  const { stdout } = await run(await native(), args, { maxBuffer: 1 << 26 });
  return stdout.trim().split('\n').map((l) => JSON.parse(l));
}

/** Decoded RGBA pixels of one image via the native engine's decoder. */
export async function decodeRGBA(file, outPath) {
  const { stdout } = await run(await native(), ['-dump-rgba', outPath, file]);
  const { width, height } = JSON.parse(stdout);
  return { data: new Uint8ClampedArray(readFileSync(outPath)), width, height };
}

function goEnv() {
  return { ...process.env, GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'go1.27.3' };
}
