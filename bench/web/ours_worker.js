// Module Worker: times our engine's wasm build off the main thread, like the app does.
import { benchOurs } from './ours.js';

self.onmessage = async ({ data }) => {
  try {
    await import(data.wasmExecURL); // defines globalThis.Go
    const get = async (u) => {
      const r = await fetch(u);
      if (!r.ok) throw new Error(`${u}: HTTP ${r.status}`);
      return r.arrayBuffer();
    };
    const [wasm, weights, input] = await Promise.all([get(data.wasmURL), get(data.weightsURL), get(data.inputURL)]);
    self.postMessage({ result: await benchOurs({ wasm, weights, input, runs: data.runs, warmupMs: data.warmupMs, profileRuns: data.profileRuns, precision: data.precision }) });
  } catch (err) {
    self.postMessage({ error: String(err?.stack ?? err) });
  }
};
