// Times the same network built from TF.js ops in Node:
//   node node_tfjs.mjs BACKEND(cpu|wasm) DATA_DIR CONFIG RUNS
// Prints {backend, threads, runsMs, logits} as JSON.
import '../tests/support/quiet.mjs';
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildNet } from '../tests/support/tfjs_net.js';
import { timeNet } from './web/tfjs_time.js';

const [backend, dir, config, runs] = process.argv.slice(2);
if (!runs) {
  console.error('usage: node node_tfjs.mjs cpu|wasm DATA_DIR CONFIG RUNS');
  process.exit(2);
}
let threads = 1;
if (backend === 'wasm') {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  threads = wasm.getThreadsCount();
} else {
  await tf.setBackend(backend);
}
await tf.ready();
const f = (ext) => readFile(path.join(dir, config + ext));
const [weights, input] = await Promise.all([f('.mnw'), f('.in.f32')]);
const ab = (b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
const net = buildNet(tf, ab(weights));
const simd = backend === 'wasm' ? await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') : undefined;
const result = await timeNet(tf, net, ab(input), Number(runs), Number(process.env.BENCH_WARMUP_MS ?? 2000));
process.stdout.write(JSON.stringify({ backend: tf.getBackend(), threads, simd, ...result }) + '\n');
