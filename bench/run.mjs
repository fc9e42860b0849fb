// `make bench`: builds the benchmark programs, then measures every engine on every
// model in one run and prints one report (also written to bench/RESULTS.md).
// Every engine runs the same weights on the same input; its logits are checked
// against our native engine's (max |diff| <= 1e-3) so the comparison is honest.
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withChromium } from './browser.mjs';
import { serve } from './serve.mjs';
import { maxAbsDiff, latencyTable, ratioTable, profileTable, exchangeTable } from './report.mjs';
import { streamThroughput } from './stream.mjs';
import { buildRelaxed, int8Wasm, nativeInt8Engine, quantized } from './int8_variants.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'build', 'bench');
const data = path.join(out, 'data');
const cores = os.availableParallelism();
const runsScale = Number(process.env.BENCH_RUNS_SCALE ?? 1); // e.g. 0.3 for a quick look
const runs = (n) => Math.max(3, Math.round(n * runsScale));
const TOLERANCE = 1e-3;
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 2000); // V8 tiers wasm up in the background
// In Chromium, ours and TF.js take turns this many times per model, so a slow spell of
// this shared machine (it comes and goes for minutes) hits both engines alike.
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
process.env.BENCH_WARMUP_MS = String(WARMUP_MS);
const env = { ...process.env, GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'go1.27.3' };
const go = process.env.GO ?? 'go';
const sh = (cmd, args, extraEnv = {}) =>
  execFileSync(cmd, args, { cwd: root, env: { ...env, ...extraEnv }, encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
const log = (...a) => console.error('[bench]', ...a);

log('building gobench (native, GOEXPERIMENT=simd) and wasm/bench (with and without SIMD, and with relaxed SIMD)');
await mkdir(data, { recursive: true });
const gobench = path.join(out, 'gobench');
sh(go, ['build', '-o', gobench, './bench/gobench'], { GOEXPERIMENT: 'simd' });
sh(go, ['build', '-o', path.join(out, 'bench-simd.wasm'), './wasm/bench'], { GOEXPERIMENT: 'simd', GOOS: 'js', GOARCH: 'wasm' });
sh(go, ['build', '-o', path.join(out, 'bench.wasm'), './wasm/bench'], { GOOS: 'js', GOARCH: 'wasm' });
buildRelaxed(sh, go, out);
// The same post-link fold as the shipped classifier (internal/wasmfold).
log(sh(go, ['run', './cmd/wasmfold', ...['bench-simd.wasm', 'bench.wasm', 'bench-relaxed.wasm'].map((f) => path.join(out, f))]).trim());
const goroot = sh(go, ['env', 'GOROOT']).trim();
await copyFile(path.join(goroot, 'lib', 'wasm', 'wasm_exec.js'), path.join(out, 'wasm_exec.js'));
const goVersion = sh(go, ['version']).trim();

const modelDir = process.env.TFJS_MODEL_DIR ?? '';
log(`preparing the .mnw weights, inputs and reference logits in ${data} (real 0.75-224 weights from ${modelDir || '(none: random)'})`);
sh(gobench, ['prepare', '-out', data, ...(modelDir ? ['-model', modelDir] : [])]);
const configs = JSON.parse(await readFile(path.join(data, 'configs.json'), 'utf8'));
const reference = {};
for (const c of configs) {
  const b = await readFile(path.join(data, `${c.name}.logits.f32`));
  reference[c.name] = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

// gobench prepare wrote each configuration's weights as NAME.mnw (float32): every
// engine, web/mobilenet.js (its threads rows) included, reads that one file.

const results = [];
const oursChromium = 'ours wasm-simd, Chromium Worker';
// web/mobilenet.js on the same input tensor: 1 worker, and `cores` workers splitting
// each inference over either transport (load({threads})).
const oursModule = 'ours wasm-simd, Chromium, web/mobilenet.js';
const oursThreads = { shared: 'ours wasm-simd, Chromium, threads (SharedArrayBuffer)', message: 'ours wasm-simd, Chromium, threads (MessageChannel)' };
const profiles = [];
const exchanges = []; // the leader's last frame per stage, for the threads rows
// record runs one measurement, keeping a failure as a row instead of stopping the bench.
// Measuring the same (config, engine, threads) again adds a round; a row's runsMs pools
// its rounds (set once all are in, see pooled below).
async function record(config, engine, threads, fn) {
  log(`${config} ${engine} x${threads}`);
  const prev = results.find((r) => r.config === config && r.engine === engine && r.threads === threads);
  if (prev?.error) return;
  try {
    const r = await fn();
    const maxDiff = r.maxDiff ?? maxAbsDiff(r.logits, reference[config]);
    if (prev) {
      prev.rounds.push(r.runsMs);
      prev.maxDiff = Math.max(prev.maxDiff, maxDiff);
    } else {
      results.push({ config, engine, threads, rounds: [r.runsMs], maxDiff });
    }
  } catch (err) {
    log(`  failed: ${err.message}`);
    if (prev) Object.assign(prev, { error: err.message.split('\n')[0] });
    else results.push({ config, engine, threads, error: err.message.split('\n')[0] });
  }
}
const json = (cmd, args) => JSON.parse(sh(cmd, args).trim().split('\n').pop());
// The native int8 rows are named after the kernel set that runs (int8-avx512vnni or int8-avx2).
const int8Native = nativeInt8Engine(json(gobench, ['native', '-dir', data, '-config', configs[0].name, '-n', '1', '-warmup', '0s', '-precision', 'int8']).impl);

for (const c of configs) {
  const big = c.multAdds > 300e6;
  for (const [engine, precision] of [['ours native (Go, GOEXPERIMENT=simd)', 'f32'], [int8Native, 'int8']]) {
    for (const t of [1, cores]) {
      await record(c.name, engine, t, async () =>
        json(gobench, ['native', '-dir', data, '-config', c.name, '-n', String(runs(30)), '-threads', String(t), '-warmup', `${WARMUP_MS}ms`, '-precision', precision]));
    }
  }
  for (const [wasm, name] of [['bench-simd.wasm', 'ours wasm-simd, Node'], ['bench.wasm', 'ours wasm (no SIMD), Node']]) {
    await record(c.name, name, 1, async () =>
      json('node', ['bench/node_ours.mjs', path.join(out, 'wasm_exec.js'), path.join(out, wasm), data, c.name, String(runs(wasm === 'bench.wasm' ? (big ? 3 : 6) : (big ? 10 : 20)))]));
  }
  await record(c.name, 'TF.js wasm SIMD, Node', 1, async () =>
    json('node', ['bench/node_tfjs.mjs', 'wasm', data, c.name, String(runs(big ? 10 : 20))]));
  await record(c.name, 'TF.js cpu, Node', 1, async () =>
    json('node', ['bench/node_tfjs.mjs', 'cpu', data, c.name, String(runs(big ? 3 : 6))]));
  for (const name of ['1.0-224', '0.75-224']) {
    if (c.name !== name) continue;
    for (const [engine, precision] of [['ours native, 1 thread', 'f32'], [`${int8Native}, 1 thread`, 'int8']]) {
      try {
        profiles.push({ ...json(gobench, ['profile', '-dir', data, '-config', c.name, '-n', String(runs(15)), '-precision', precision]), engine });
      } catch (err) {
        profiles.push({ config: c.name, engine, error: err.message });
      }
    }
  }
}

const server = await serve(root);
let browserVersion = 'n/a';
let stream = [];
try {
  await withChromium(async ({ version, open }) => {
    browserVersion = version;
    const u = (p) => `${server.url}${p}`;
    const files = (c) => ({
      weightsURL: u(`/build/bench/data/${c.name}.mnw`),
      inputURL: u(`/build/bench/data/${c.name}.in.f32`),
    });
    const ours = await open(u('/bench/web/ours.html'));
    await ours.waitForFunction(() => window.benchReady);
    const threadsPage = await open(u('/bench/web/threads.html'));
    await threadsPage.waitForFunction(() => window.benchReady);
    const tfjs = [];
    for (const t of [1, cores]) {
      const page = await open(u(`/bench/web/tfjs.html?threads=${t}`));
      let info;
      try {
        info = await page.evaluate(() => window.benchInfo);
        log('TF.js in Chromium:', JSON.stringify(info));
      } catch (err) {
        log(`TF.js wasm backend did not start: ${err.message}`);
      }
      tfjs.push({ page, info, t });
    }
    for (const c of configs) {
      const big = c.multAdds > 300e6;
      const perRound = (n) => Math.max(3, Math.ceil(runs(n) / ROUNDS));
      for (let round = 0; round < ROUNDS; round++) {
        const profileRuns = round === 0 && ['1.0-224', '0.75-224'].includes(c.name) ? runs(10) : 0;
        await record(c.name, oursChromium, 1, async () => {
          const r = await ours.evaluate((o) => window.benchOurs(o), {
            ...files(c), wasmURL: u('/build/bench/bench-simd.wasm'), wasmExecURL: u('/build/bench/wasm_exec.js'),
            runs: perRound(big ? 15 : 25), warmupMs: WARMUP_MS, profileRuns,
          });
          if (r.kinds) {
            profiles.push({ config: c.name, engine: `ours ${r.impl}, Chromium Worker`, kinds: r.kinds });
          }
          return r;
        });
        for (const { wasm, engine } of int8Wasm) {
          await record(c.name, engine, 1, async () => {
            const r = await ours.evaluate((o) => window.benchOurs(o), {
              ...files(c), wasmURL: u(`/build/bench/${wasm}`), wasmExecURL: u('/build/bench/wasm_exec.js'),
              runs: perRound(big ? 15 : 25), warmupMs: WARMUP_MS, profileRuns, precision: 'int8',
            });
            if (r.kinds) profiles.push({ config: c.name, engine: `ours ${r.impl}, Chromium Worker`, kinds: r.kinds });
            return r;
          });
        }
        for (const { page, info, t } of tfjs) {
          await record(c.name, `TF.js wasm ${info?.simd ? 'SIMD' : '(no SIMD)'}, Chromium`, info?.threads ?? t, async () => {
            if (!info) throw new Error('the TF.js wasm backend did not start');
            return page.evaluate((o) => window.benchTfjs(o), { ...files(c), runs: perRound(big ? 15 : 25), warmupMs: WARMUP_MS });
          });
        }
        for (const [engine, threads, transport] of [[oursModule, 1, null],
          [oursThreads.shared, cores, 'shared'], [oursThreads.message, cores, 'message']]) {
          await record(c.name, engine, threads, async () => {
            const r = await threadsPage.evaluate((o) => window.benchThreads(o), {
              modelURL: u(`/build/bench/data/${c.name}.mnw`), inputURL: files(c).inputURL, size: c.size,
              threads, transport, runs: perRound(big ? 15 : 25), warmupMs: round === 0 ? WARMUP_MS : 0,
            });
            if (threads > 1 && r.info.transport !== transport) throw new Error(`ran over ${r.info.transport}, not ${transport}`);
            if (r.profile && round === ROUNDS - 1) exchanges.push({ config: c.name, engine, profiles: [r.profile, ...r.others] });
            return r;
          });
        }
      }
      await threadsPage.evaluate(() => window.benchDispose());
    }
    await ours.close();
    await threadsPage.close();
    for (const { page } of tfjs) await page.close();
    stream = await streamThroughput({ open, url: server.url, root, cores, log });
  });
} finally {
  await server.close();
}

for (const r of results) if (r.rounds) r.runsMs = r.rounds.flat(); // pooled
const cpu = (await readFile('/proc/cpuinfo', 'utf8').catch(() => '')).match(/model name\s*:\s*(.*)/)?.[1] ?? os.cpus()[0]?.model;
const tfjsChromium = [...new Set(results.filter((r) => r.engine.startsWith('TF.js wasm') && r.engine.endsWith('Chromium')).map((r) => r.engine))];
const ratioCols = results.filter((r) => tfjsChromium.includes(r.engine)).map((r) => `${r.engine} x${r.threads}`);
const ratioResults = results.map((r) => (tfjsChromium.includes(r.engine) ? { ...r, engine: `${r.engine} x${r.threads}` } : r));
const mismatches = results.filter((r) => !r.error && !quantized(r.engine) && !(r.maxDiff <= TOLERANCE));
const failures = results.filter((r) => r.error);
const report = `# MobileNet v1 benchmark

Measured by \`make bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpu}, ${cores} logical cores
(shared machine: expect noise), Chromium ${browserVersion} (headless), Node ${process.version}, ${goVersion},
TF.js 4.22.0. Latency is one forward pass of one image (batch 1) after a warm-up of >= 2 runs and >= ${WARMUP_MS} ms
(V8 replaces baseline wasm code with optimised code in the background); TF.js times
include reading the logits back. GFLOP/s = 2 x mult-adds / median latency. Random-weight models use
core.RandomWeights (seed 1) in every engine (TF.js builds the same network from the same values with
tf.fused.conv2d / depthwiseConv2d + relu6, 'same' padding); "max |Δlogit| vs Go" checks each engine's
output on the same input against our native engine (tolerance ${TOLERANCE}; the int8 rows' is their
quantization error against the f32 logits, not held to it). In Chromium, ours (f32 and int8) and TF.js
(1 and ${cores} threads) take turns ${ROUNDS} times per model: each latency row pools its rounds' runs, and
the ratios below are the median over rounds of ours ÷ TF.js measured seconds apart, so the slow spells
of this shared machine (minutes long) cancel out.

## Latency

${latencyTable(results, configs)}

## Ours (wasm-simd in a Chromium Worker) ÷ TF.js wasm in the same Chromium (< 1: ours faster; median over rounds, [min–max])

${ratioTable(ratioResults, configs, oursChromium, [...new Set(ratioCols)])}

## Ours int8 (internal/q8) in a Chromium Worker ÷ TF.js wasm in the same Chromium (its f32 network; median over rounds, [min–max])

${int8Wasm.map(({ engine }) => `${engine}:\n\n${ratioTable(ratioResults, configs, engine, [...new Set(ratioCols)])}`).join('\n\n')}

## Ours with cooperating threads (load({threads: ${cores}})) ÷ TF.js wasm with ${cores} threads and ÷ ours with 1 thread (web/mobilenet.js, same input tensor; median over rounds, [min–max])

${['shared', 'message'].map((t) => `${oursThreads[t]}:\n\n${ratioTable(ratioResults, configs, oursThreads[t],
    [...new Set(ratioCols.filter((c) => c.endsWith(` x${cores}`))), oursModule])}`).join('\n\n')}

Where a threads frame goes (each worker's last frame: computing vs waiting for rows; one row per worker):

${exchangeTable(exchanges)}

## Per layer type (the paper's Table 2, with measured time)

${profileTable(profiles, configs)}

## Webcam-stream throughput (web/mobilenet.js, Chromium, frames/s with N workers)

${stream.table}
${mismatches.length ? `\n**Logit mismatches (> ${TOLERANCE}):** ${mismatches.map((r) => `${r.config} ${r.engine}`).join(', ')}\n` : ''}${failures.length ? `\n**Failed:** ${failures.map((r) => `${r.config} ${r.engine}: ${r.error}`).join('; ')}\n` : ''}`;
process.stdout.write(report);
// Kept as they were: the live page's section (bench/live.mjs, run after this by make
// bench), make bench-int8's (bench/int8.mjs), and the hand-written measurement notes
// (one-off experiments, A/B runs and what was tried), which no run regenerates.
const old = await readFile(path.join(root, 'bench', 'RESULTS.md'), 'utf8').catch(() => '');
const kept = ['live', 'int8', 'notes'].map((name) => old.match(new RegExp(`<!-- ${name}:begin -->[\\s\\S]*<!-- ${name}:end -->`))?.[0]);
await writeFile(path.join(root, 'bench', 'RESULTS.md'), [report.trimEnd(), ...kept].filter(Boolean).join('\n\n') + '\n');
log('written to bench/RESULTS.md');
if (mismatches.length) process.exitCode = 1;
