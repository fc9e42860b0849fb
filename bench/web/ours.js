// Runs the wasm build of our engine (wasm/bench) and times it; shared by the Chromium
// Worker (ours_worker.js) and Node (bench/node_ours.mjs). wasm_exec.js must already
// have defined globalThis.Go.
export async function benchOurs({ wasm, weights, input, runs, warmupMs, profileRuns, precision }) {
  const go = new globalThis.Go();
  const { instance } = await WebAssembly.instantiate(wasm, go.importObject);
  go.run(instance); // returns once main blocks in select{}, after setting mobilenetBench
  const api = globalThis.mobilenetBench;
  const loaded = api.load(new Uint8Array(weights), new Uint8Array(input), precision ?? 'f32');
  if (loaded.error) throw new Error(`load: ${loaded.error}`);
  const r = api.run(runs, warmupMs);
  if (r.error) throw new Error(`run: ${r.error}`);
  const result = { impl: loaded.impl, runsMs: r.runsMs, logits: Array.from(r.logits) };
  if (profileRuns > 0) {
    const p = api.profile(profileRuns);
    if (p.error) throw new Error(`profile: ${p.error}`);
    result.kinds = p.kinds;
  }
  return result;
}
