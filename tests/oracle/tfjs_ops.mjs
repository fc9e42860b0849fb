// Per-op oracle: runs small convolutions with TF.js ops ('cpu' backend) and prints the
// outputs. Input (JSON file): [{op: 'conv'|'dw'|'pw', h, w, inC, outC, stride, x, k, b}]
// with x [h][w][inC], k in TF layout, b [outC]; bias and relu6 are fused as in the model.
//   node tfjs_ops.mjs CASES.json OUT.json
import '../support/quiet.mjs';
import * as tf from '@tensorflow/tfjs';
import { readFile, writeFile } from 'node:fs/promises';

const [inPath, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: node tfjs_ops.mjs CASES.json OUT.json');
  process.exit(2);
}
await tf.setBackend('cpu');
const cases = JSON.parse(await readFile(inPath, 'utf8'));
const outputs = cases.map((c) => tf.tidy(() => {
  const x = tf.tensor4d(c.x, [1, c.h, c.w, c.inC]);
  const bias = tf.tensor1d(c.b);
  const args = { x, strides: [c.stride, c.stride], pad: 'same', bias, activation: 'relu6' };
  let y;
  if (c.op === 'conv') y = tf.fused.conv2d({ ...args, filter: tf.tensor4d(c.k, [3, 3, c.inC, c.outC]) });
  else if (c.op === 'dw') y = tf.fused.depthwiseConv2d({ ...args, filter: tf.tensor4d(c.k, [3, 3, c.inC, 1]) });
  else if (c.op === 'pw') y = tf.fused.conv2d({ ...args, filter: tf.tensor4d(c.k, [1, 1, c.inC, c.outC]) });
  else throw new Error(`unknown op ${c.op}`);
  return { shape: y.shape.slice(1), y: Array.from(y.dataSync()) };
}));
await writeFile(outPath, JSON.stringify(outputs));
