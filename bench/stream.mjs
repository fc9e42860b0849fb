// The webcam-stream row of `make bench`: frames/s through web/mobilenet.js with
// 1..cores workers in Chromium (bench/web/stream.html), on the packed real weights
// `make web` writes. Skipped with a note when those files are missing.
import { access } from 'node:fs/promises';
import path from 'node:path';
import { table } from './report.mjs';

const MODEL = 'web/weights/mobilenet_v1_0.75_224.mnw';

export async function streamThroughput({ open, url, root, cores, log }) {
  const need = ['web/mobilenet.js', 'web/mobilenet-worker.js', 'web/classifier-simd.wasm', 'web/wasm_exec.js', MODEL];
  for (const f of need) {
    try {
      await access(path.join(root, f));
    } catch {
      return { table: `_Skipped: ${f} is missing (run \`make web\`)._`, rows: [] };
    }
  }
  const page = await open(`${url}/bench/web/stream.html`);
  const rows = [];
  try {
    await page.waitForFunction(() => window.benchReady);
    const seconds = Number(process.env.BENCH_STREAM_SECONDS ?? 5);
    // Pipelined engines (workers), then one engine of cooperating workers (threads)
    // over each transport: the same cores, more frames/s or a faster frame.
    const modes = [];
    for (let n = 1; n <= Math.max(cores, 2); n++) modes.push({ workers: n, threads: 1 });
    for (const transport of ['shared', 'message']) modes.push({ workers: 1, threads: Math.max(cores, 2), transport });
    for (const m of modes) {
      const name = m.threads > 1 ? `threads ${m.threads} (${m.transport})` : `workers ${m.workers}`;
      log(`stream throughput, ${name}`);
      try {
        const r = await page.evaluate((o) => window.benchStream(o), { model: `/${MODEL}`, ...m, seconds });
        rows.push([name, r.frames, r.fps.toFixed(1), r.medianMs.toFixed(1)]);
      } catch (err) {
        rows.push([name, '', 'failed', err.message.split('\n')[0].slice(0, 100)]);
      }
    }
  } finally {
    await page.close();
  }
  return {
    rows,
    table: 'mobilenet_v1_0.75_224 (real weights), 640x480 RGBA frames, preprocessing included, one frame in flight per engine ' +
      '(a worker, or a team of cooperating threads):\n\n' +
      table(['engines', 'frames', 'frames/s', 'median latency ms'], rows),
  };
}
