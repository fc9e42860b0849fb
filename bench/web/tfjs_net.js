// Builds, from a net file (bench/netfile: JSON spec + float32 data, BN already folded),
// the same MobileNet v1 our Go engine runs, out of TF.js ops: fused conv2d /
// depthwiseConv2d with bias and relu6, 'same' padding, global mean, matMul + bias.
// Used by the oracle test and the benchmark (Node and browser); tf is passed in.
export function buildNet(tf, spec, data) {
  const floats = new Float32Array(data);
  const take = ([off, len], shape) => tf.tensor(floats.slice(off, off + len), shape);
  const layers = spec.layers.map((l) => ({
    ...l,
    k: take(l.kernel, l.kernelShape),
    b: take(l.bias, [l.outC]),
  }));
  const forward = (x) => tf.tidy(() => {
    for (const l of layers) {
      const s = [l.stride, l.stride];
      switch (l.kind) {
        case 'conv':
        case 'pw':
          x = tf.fused.conv2d({ x, filter: l.k, strides: s, pad: 'same', bias: l.b, activation: 'relu6' });
          break;
        case 'dw':
          x = tf.fused.depthwiseConv2d({ x, filter: l.k, strides: s, pad: 'same', bias: l.b, activation: 'relu6' });
          break;
        case 'fc':
          x = tf.fused.matMul({ a: tf.mean(x, [1, 2]), b: l.k, bias: l.b });
          break;
        default:
          throw new Error(`net file: unknown layer kind ${l.kind}`);
      }
    }
    return x; // [batch, 1000] logits
  });
  return {
    spec,
    predict: forward,
    dispose: () => layers.forEach((l) => { l.k.dispose(); l.b.dispose(); }),
  };
}
