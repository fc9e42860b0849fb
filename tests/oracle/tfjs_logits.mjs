// The oracle: runs the TF.js layers model (TensorFlow.js 4.22, 'cpu' backend) on
// input tensors written by the Go test and writes the pre-softmax logits.
//
//   node tfjs_logits.mjs MODEL_DIR INPUT.f32 SIZE OUTPUT.f32
//
// INPUT.f32 is N x SIZE x SIZE x 3 little-endian float32 (NHWC, x/127.5-1);
// OUTPUT.f32 receives N x 1000 little-endian float32 logits.
import '../support/quiet.mjs';
import * as tf from '@tensorflow/tfjs';
import { readFile, writeFile } from 'node:fs/promises';
import { loadLayersModelFromDir, logitsModel } from './tfjs_model.mjs';

const [modelDir, inputPath, sizeArg, outputPath] = process.argv.slice(2);
if (!outputPath) {
  console.error('usage: node tfjs_logits.mjs MODEL_DIR INPUT.f32 SIZE OUTPUT.f32');
  process.exit(2);
}
const size = Number(sizeArg);
await tf.setBackend('cpu');
await tf.ready();

const model = logitsModel(tf, await loadLayersModelFromDir(tf, modelDir));
const raw = await readFile(inputPath);
const per = size * size * 3;
if (!(size > 0) || raw.byteLength % (per * 4) !== 0) {
  throw new Error(`input has ${raw.byteLength} bytes, not a multiple of ${per} float32 (size ${size})`);
}
const n = raw.byteLength / (per * 4);
const input = new Float32Array(raw.buffer, raw.byteOffset, n * per);
const batch = 10; // bounds peak memory of the cpu backend
const out = new Float32Array(n * 1000);
const t0 = performance.now();
for (let i = 0; i < n; i += batch) {
  const b = Math.min(batch, n - i);
  const logits = tf.tidy(() =>
    model.predict(tf.tensor4d(input.subarray(i * per, (i + b) * per), [b, size, size, 3])));
  out.set(await logits.data(), i * 1000);
  logits.dispose();
}
await writeFile(outputPath, Buffer.from(out.buffer));
console.error(`tfjs ${tf.version.tfjs} (${tf.getBackend()}): ${n} images in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
