// Times the wasm build of our engine in Node: node node_ours.mjs WASM_EXEC.js ENGINE.wasm DATA_DIR CONFIG RUNS
// Prints {impl, runsMs, logits} as JSON.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchOurs } from './web/ours.js';

const [wasmExec, wasmPath, dir, config, runs] = process.argv.slice(2);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 2000);
if (!runs) {
  console.error('usage: node node_ours.mjs WASM_EXEC.js ENGINE.wasm DATA_DIR CONFIG RUNS');
  process.exit(2);
}
await import(pathToFileURL(path.resolve(wasmExec)).href);
const f = (ext) => readFile(path.join(dir, config + ext));
const [wasm, weights, input] = await Promise.all([readFile(wasmPath), f('.mnw'), f('.in.f32')]);
const result = await benchOurs({ wasm, weights, input, runs: Number(runs), warmupMs: WARMUP_MS, profileRuns: 0 });
process.stdout.write(JSON.stringify(result) + '\n');
process.exit(0); // the Go instance never exits on its own
