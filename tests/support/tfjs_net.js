// Builds, from a float32 .mnw file (weights/README.md: BN already folded), the same
// MobileNet v1 our Go engine runs, out of TF.js ops: fused conv2d / depthwiseConv2d
// with bias and relu6, 'same' padding, global mean, matMul + bias. Used by the
// oracle test and the benchmark (Node and browser), so it lives in tests/support;
// tf is passed in.

// The depthwise layers' strides (core/arch.go's Table 1; conv1 is stride 2). .mnw
// stores shapes, not strides; tests/oracle/net_test.go runs this network against
// our engine at three widths, so a wrong entry fails there.
const DW_STRIDES = [1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1];

// readMnw parses the .mnw layout (weights/README.md, version 1, float32 storage
// only: gobench and the oracle test write that) into {alpha, size, layers}, each
// layer {shape: [kh, kw, in, out], kernel, bias} (Float32Array views of the file).
export function readMnw(buf) {
  const fail = (msg) => { throw new Error(`mnw: ${msg}`); };
  if (buf.byteLength < 28) fail(`${buf.byteLength} bytes is too short`);
  const v = new DataView(buf);
  if (v.getUint32(0, false) !== 0x4d4e571a) fail('bad magic (not a .mnw file)');
  if (v.getUint16(4, true) !== 1 || v.getUint8(6) !== 1) {
    fail(`version ${v.getUint16(4, true)} storage ${v.getUint8(6)}: only float32 (version 1, storage 1) is read here`);
  }
  const alpha = v.getFloat64(8, true);
  const size = v.getUint32(16, true);
  const count = v.getUint32(20, true);
  if (count !== 2 + 2 * DW_STRIDES.length) fail(`${count} layers, MobileNet v1 has ${2 + 2 * DW_STRIDES.length}`);
  let at = 24 + 20 * count; // values start after the layer table, 4-byte aligned
  const layers = [];
  for (let i = 0; i < count; i++) {
    const t = 24 + 20 * i;
    const shape = [0, 1, 2, 3].map((j) => v.getUint32(t + 4 * j, true));
    const kLen = shape.reduce((a, b) => a * b, 1);
    const bLen = v.getUint32(t + 16, true);
    if (at + 4 * (kLen + bLen) > buf.byteLength - 4) fail(`layer ${i} runs past the end`);
    const kernel = new Float32Array(buf, at, kLen);
    const bias = new Float32Array(buf, at + 4 * kLen, bLen);
    at += 4 * (kLen + bLen);
    layers.push({ shape, kernel, bias });
  }
  if (at !== buf.byteLength - 4) fail(`${buf.byteLength - 4 - at} bytes after the values`);
  return { alpha, size, layers };
}

export function buildNet(tf, mnw) {
  const { alpha, size, layers: raw } = readMnw(mnw);
  const last = raw.length - 1;
  const layers = raw.map(({ shape, kernel, bias }, i) => {
    const kind = i === 0 ? 'conv' : i === last ? 'fc' : i % 2 === 1 ? 'dw' : 'pw';
    const stride = i === 0 ? 2 : kind === 'dw' ? DW_STRIDES[(i - 1) / 2] : 1;
    const kShape = kind === 'fc' ? [shape[2], shape[3]] : shape; // matMul wants [in, 1000]
    return { kind, stride, k: tf.tensor(kernel, kShape), b: tf.tensor(bias, [bias.length]) };
  });
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
      }
    }
    return x; // [batch, 1000] logits
  });
  return {
    spec: { alpha, size },
    predict: forward,
    dispose: () => layers.forEach((l) => { l.k.dispose(); l.b.dispose(); }),
  };
}
