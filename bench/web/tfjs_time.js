// Times a TF.js network (bench/web/tfjs_net.js) on one input: each run includes reading
// the logits back (data()), as an application must. Two warm-up runs first.
export async function timeNet(tf, net, input, runs) {
  const s = net.spec.size;
  const x = tf.tensor4d(new Float32Array(input), [1, s, s, 3]);
  const runsMs = [];
  let logits;
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    const y = net.predict(x);
    logits = await y.data();
    y.dispose();
    if (i >= 2) runsMs.push(performance.now() - t0);
  }
  x.dispose();
  net.dispose();
  return { runsMs, logits: Array.from(logits) };
}
