// A focused, interleaved A/B of load({threads}) on one model, for the quiet minutes of
// a shared machine: TF.js wasm with 2 threads, ours with 1 thread, ours with 2
// cooperating workers over each transport, taking turns each round; per round the
// medians, and each worker's compute and waiting ms of the last frame. It reuses the
// files `make bench` prepares in build/bench/data (run that first).
//   node bench/threads.mjs [config (1.0-224)] [rounds (6)]
// THREADS_AB=DIR, a copy of another build's web/*.js and *.wasm where bench/serve.mjs
// serves it (e.g. build/bench/ab/base): that build's 2-thread combos run in every round
// too, labelled "B"; at the end, each combo's median over rounds of its ratio to TF.js
// x2 and to its B (a ratio per round: the machine's load changes between rounds).
import { withChromium } from './browser.mjs';
import { serve } from './serve.mjs';
import { summarize, stepTable } from './report.mjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const config = process.argv[2] ?? '1.0-224', size = Number(config.split('-')[1]);
const rounds = Number(process.argv[3] ?? 6);
// [threads, transport, precision]; THREADS_INT8=1 adds int8 x1 and x2 (shared) beside f32.
const COMBOS = [[1, null, 'f32'], [2, 'shared', 'f32'], [2, 'message', 'f32'],
  ...(process.env.THREADS_INT8 === '1' ? [[1, null, 'int8'], [2, 'shared', 'int8'], [2, 'message', 'int8']] : [])];
const AB = process.env.THREADS_AB;
const server = await serve(root);
const u = (p) => `${server.url}${p}`;
const files = { weightsURL: u(`/build/bench/data/${config}.mnw`), inputURL: u(`/build/bench/data/${config}.in.f32`) };
try {
  await withChromium(async ({ open }) => {
    const tfjs = await open(u('/bench/web/tfjs.html?threads=2'));
    const info = await tfjs.evaluate(() => window.benchInfo);
    // [label suffix, page, combos]: this build, and with THREADS_AB the other's 2-thread combos.
    const pages = [['', u('/bench/web/threads.html'), COMBOS]];
    if (AB) pages.push([' B', u(`/bench/web/threads.html?web=/${AB}`), COMBOS.filter(([threads]) => threads > 1)]);
    for (const p of pages) {
      p[1] = await open(p[1]);
      await p[1].waitForFunction(() => window.benchReady);
    }
    console.log(`${config}: TF.js ${info.backend} ${info.threads} threads, SIMD ${info.simd}, isolated ${info.isolated}`);
    const sum = (profile, i) => profile.reduce((s, x) => s + x[i], 0).toFixed(1);
    const frames = {}; // combo -> every round's last frame, per worker
    const medians = {}; // combo -> every round's median ms
    for (let round = 0; round < rounds; round++) {
      const warmupMs = round === 0 ? 2000 : 0;
      const cells = [];
      const t = await tfjs.evaluate((o) => window.benchTfjs(o), { ...files, runs: 10, warmupMs });
      cells.push(`TF.js x2 ${summarize(t.runsMs).median.toFixed(1)}`);
      (medians.tfjs ??= []).push(summarize(t.runsMs).median);
      for (const [label, ours, combos] of pages) for (const [threads, transport, precision] of combos) {
        const r = await ours.evaluate((o) => window.benchThreads(o), {
          modelURL: u(`/build/bench/data/${config}.mnw`), inputURL: files.inputURL, size, threads, transport, precision, runs: 10, warmupMs,
        });
        const name = `ours ${precision} x${threads}${transport ? ` ${transport}` : ''}${label}`;
        (medians[name] ??= []).push(summarize(r.runsMs).median);
        let cell = `${name} ${summarize(r.runsMs).median.toFixed(1)}`;
        // Per worker: compute/wait ms, and its longest waits as [layer that reads the rows: ms].
        const top = (p) => [...p].sort((a, b) => b[2] - a[2]).slice(0, 2).map((x) => `${x[0]}: ${x[2].toFixed(2)}`).join(' ');
        if (r.profile) (frames[name] ??= []).push([r.profile, ...r.others]);
        if (r.profile) cell += ` (compute/wait ms: ${[r.profile, ...r.others].map((p) => `${sum(p, 1)}/${sum(p, 2)} [${top(p)}]`).join(', ')})`;
        cells.push(cell);
      }
      console.log(`round ${round}: ${cells.join(' | ')}`);
    }
    // Where a frame goes: per worker and step, compute since the previous receive and
    // the wait for it (the step's layer reads the rows), medians over the rounds.
    for (const [combo, fr] of Object.entries(frames)) console.log(`\n${combo}, medians over ${fr.length} rounds:\n${stepTable(fr)}`);
    const ratio = (a, b) => summarize(a.map((x, i) => x / b[i])).median.toFixed(3);
    for (const [combo, ms] of Object.entries(medians)) {
      if (combo === 'tfjs') continue;
      const b = medians[`${combo} B`];
      console.log(`${combo}: median of per-round ratios to TF.js x2 ${ratio(ms, medians.tfjs)}${b ? `, to B ${ratio(ms, b)}` : ''}`);
    }
  });
} finally {
  await server.close();
}
