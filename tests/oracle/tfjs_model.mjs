// Loads a TF.js layers model directory from disk (model.json + shards) without a
// network fetch, and cuts it just before the final softmax so it yields logits.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export async function loadLayersModelFromDir(tf, dir) {
  const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8'));
  const specs = [];
  const buffers = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) buffers.push(await readFile(path.join(dir, p)));
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology, weightSpecs: specs, weightData,
  }));
}

// logitsModel returns a model whose output is the input of the last softmax
// activation (conv_preds for MobileNet v1), flattened to [batch, classes].
export function logitsModel(tf, model) {
  const softmax = [...model.layers].reverse().find(
    (l) => l.getClassName() === 'Activation' && l.getConfig().activation === 'softmax');
  if (!softmax) throw new Error('no softmax activation layer found in the model');
  const pre = softmax.input; // SymbolicTensor [batch, 1, 1, 1000]
  const n = pre.shape.slice(1).reduce((a, b) => a * b, 1);
  const flat = tf.layers.reshape({ targetShape: [n] }).apply(pre);
  return tf.model({ inputs: model.inputs, outputs: flat });
}
