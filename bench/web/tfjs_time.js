// Times a TF.js network (tests/support/tfjs_net.js) on one input: each run includes reading
// the logits back (data()), as an application must. Warm-up: >= 2 runs and >= warmupMs.
export async function timeNet(tf, net, input, runs, warmupMs) {
  const s = net.spec.size;
  const x = tf.tensor4d(new Float32Array(input), [1, s, s, 3]);
  const once = async () => {
    const y = net.predict(x);
    const out = await y.data();
    y.dispose();
    return out;
  };
  for (let i = 0, t0 = performance.now(); i < 2 || performance.now() - t0 < warmupMs; i++) await once();
  const runsMs = [];
  let logits;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    logits = await once();
    runsMs.push(performance.now() - t0);
  }
  x.dispose();
  net.dispose();
  return { runsMs, logits: Array.from(logits) };
}
