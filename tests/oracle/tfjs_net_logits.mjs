// Runs a float32 .mnw file rebuilt from TF.js ops (tests/support/tfjs_net.js) on input
// tensors written by the Go test and writes the logits: checks our engine at every
// alpha and the benchmark's TF.js network in one go.
//
//   node tfjs_net_logits.mjs NET.mnw INPUT.f32 OUTPUT.f32 [backend]
import '../support/quiet.mjs';
import * as tf from '@tensorflow/tfjs';
import { readFile, writeFile } from 'node:fs/promises';
import { buildNet } from '../support/tfjs_net.js';

const [mnwPath, inputPath, outputPath, backend = 'cpu'] = process.argv.slice(2);
if (!outputPath) {
  console.error('usage: node tfjs_net_logits.mjs NET.mnw INPUT.f32 OUTPUT.f32 [backend]');
  process.exit(2);
}
if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
await tf.setBackend(backend);
await tf.ready();
const data = await readFile(mnwPath);
const net = buildNet(tf, data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
const { spec } = net;
const raw = await readFile(inputPath);
const per = spec.size * spec.size * 3;
if (raw.byteLength % (per * 4) !== 0) throw new Error(`input has ${raw.byteLength} bytes, not N x ${per} float32`);
const n = raw.byteLength / (per * 4);
const x = tf.tensor4d(new Float32Array(raw.buffer, raw.byteOffset, n * per), [n, spec.size, spec.size, 3]);
const logits = net.predict(x);
await writeFile(outputPath, Buffer.from((await logits.data()).buffer));
