// `make bench-int8`: internal/q8's int8 network beside our f32 network and TF.js's wasm
// SIMD backend (one thread), all in Chromium on the same page, taking turns (ROUNDS)
// so a slow spell of this shared machine hits every engine alike; per-layer-type
// profiles of all of ours; int8 both on dot16 (the SIMD build) and with relaxed SIMD's
// 8-bit dot product (-tags relaxed, web/classifier-relaxed.wasm's kernels), and whether
// this Chromium passes the module's relaxed-SIMD probe (web/mobilenet-core.js).
// Markdown on stdout and in bench/RESULTS.md's int8 block.
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withChromium } from './browser.mjs';
import { serve } from './serve.mjs';
import { summarize, table } from './report.mjs';
import { buildRelaxed, int8Wasm } from './int8_variants.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'build', 'bench', 'int8'); // its own outputs: make bench's stay untouched
const data = path.join(out, 'data');
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const RUNS = Math.max(3, Number(process.env.BENCH_INT8_RUNS ?? 8)); // per round and engine
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 2000);
const env = { ...process.env, GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'go1.27.3' };
const go = process.env.GO ?? 'go';
const sh = (cmd, args, extra = {}) => execFileSync(cmd, args, { cwd: root, env: { ...env, ...extra }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const log = (...a) => console.error('[bench-int8]', ...a);

await mkdir(data, { recursive: true });
sh(go, ['build', '-o', path.join(out, 'gobench'), './bench/gobench'], { GOEXPERIMENT: 'simd' });
sh(go, ['build', '-o', path.join(out, 'bench-simd.wasm'), './wasm/bench'], { GOEXPERIMENT: 'simd', GOOS: 'js', GOARCH: 'wasm' });
buildRelaxed(sh, go, out);
log(sh(go, ['run', './cmd/wasmfold', path.join(out, 'bench-simd.wasm'), path.join(out, 'bench-relaxed.wasm')]).trim());
await copyFile(path.join(sh(go, ['env', 'GOROOT']).trim(), 'lib', 'wasm', 'wasm_exec.js'), path.join(out, 'wasm_exec.js'));
const modelDir = process.env.TFJS_MODEL_DIR ?? '';
sh(path.join(out, 'gobench'), ['prepare', '-out', data, ...(modelDir ? ['-model', modelDir] : [])]);
const configs = JSON.parse(await readFile(path.join(data, 'configs.json'), 'utf8')).filter((c) => ['1.0-224', '0.75-224'].includes(c.name));

// Each of ours: precision and bench wasm (int8 twice: dot16, then relaxed SIMD).
const variants = [['f32', 'bench-simd.wasm'], ...int8Wasm.map(({ wasm }) => ['int8', wasm])];

const rows = [];
const profiles = [];
const server = await serve(root);
let version = 'n/a';
let relaxed = 'n/a';
try {
  await withChromium(async ({ version: v, open }) => {
    version = v;
    const u = (p) => `${server.url}${p}`;
    const ours = await open(u('/bench/web/ours.html'));
    await ours.waitForFunction(() => window.benchReady);
    relaxed = await ours.evaluate(async () => (await import('/web/mobilenet-core.js')).relaxedSupported());
    const tfjs = await open(u('/bench/web/tfjs.html?threads=1'));
    const info = await tfjs.evaluate(() => window.benchInfo);
    const files = (c) => ({
      weightsURL: u(`/build/bench/int8/data/${c.name}.mnw`),
      inputURL: u(`/build/bench/int8/data/${c.name}.in.f32`),
    });
    for (const c of configs) {
      const runs = {};
      const add = (engine, r) => { (runs[engine] ??= []).push(...r.runsMs); };
      for (let round = 0; round < ROUNDS; round++) {
        for (const [precision, wasm] of variants) {
          log(`${c.name} ours ${precision} ${wasm}, round ${round + 1}`);
          const r = await ours.evaluate((o) => window.benchOurs(o), {
            ...files(c), wasmURL: u(`/build/bench/int8/${wasm}`), wasmExecURL: u('/build/bench/int8/wasm_exec.js'),
            runs: RUNS, warmupMs: WARMUP_MS, profileRuns: round === 0 ? RUNS : 0, precision,
          });
          add(`ours ${precision} (${r.impl}), Chromium Worker`, r);
          if (r.kinds) profiles.push({ config: c.name, engine: `ours ${precision} (${r.impl})`, kinds: r.kinds });
        }
        log(`${c.name} TF.js, round ${round + 1}`);
        add(`TF.js wasm ${info?.simd ? 'SIMD' : '(no SIMD)'} x${info?.threads ?? 1}, Chromium`,
          await tfjs.evaluate((o) => window.benchTfjs(o), { ...files(c), runs: RUNS, warmupMs: WARMUP_MS }));
      }
      const tf = Object.entries(runs).find(([e]) => e.startsWith('TF.js'));
      const tfMedian = tf ? summarize(tf[1]).median : NaN;
      for (const [engine, r] of Object.entries(runs)) {
        const s = summarize(r);
        rows.push([c.name, engine, s.n, s.median.toFixed(1), `${s.p10.toFixed(1)}–${s.p90.toFixed(1)}`, (s.median / tfMedian).toFixed(2)]);
      }
    }
    await ours.close();
    await tfjs.close();
  });
} finally {
  await server.close();
}

const kinds = ['Conv', 'Conv dw', 'Conv 1x1', 'Avg Pool', 'FC'];
const section = `## int8 (internal/q8) beside f32 and TF.js (\`make bench-int8\`, ${new Date().toISOString().slice(0, 10)})

Chromium ${version}, one Worker each; ${ROUNDS} rounds of ${RUNS} runs per engine, taking turns.
Relaxed SIMD's int8 dot (i32x4.relaxed_dot_i8x16_i7x16_add_s) runs exactly in this Chromium (the module's probe, so load({precision: 'int8'}) uses classifier-relaxed.wasm): ${relaxed}.

${table(['model', 'engine', 'runs', 'median ms', 'p10–p90 ms', 'x TF.js'], rows)}

Per layer type (median ms of ${RUNS} profiled runs; GOP/s = 2 x mult-adds / time):

${table(['model', 'engine', ...kinds.map((k) => `${k} ms (GOP/s)`)], profiles.map((p) => [p.config, p.engine,
  ...kinds.map((k) => { const x = p.kinds.find((q) => q.kind === k); return x ? `${x.ms.toFixed(2)} (${(2 * x.multAdds / (x.ms * 1e6)).toFixed(1)})` : 'n/a'; })]))}`;
console.log(section);
// Into bench/RESULTS.md between its markers (bench/run.mjs keeps the block when it
// rewrites the file), replacing the previous run's.
const resultsPath = path.join(root, 'bench', 'RESULTS.md');
const block = `<!-- int8:begin -->\n${section}\n<!-- int8:end -->`;
const old = await readFile(resultsPath, 'utf8').catch(() => '');
const re = /<!-- int8:begin -->[\s\S]*<!-- int8:end -->/;
await writeFile(resultsPath, re.test(old) ? old.replace(re, block) : `${old.trimEnd()}\n\n${block}\n`);
