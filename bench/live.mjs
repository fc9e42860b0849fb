// `make bench-live`: the live page itself (served by serve.go) in headless Chromium
// with a fake 640x480 30 fps camera playing a shared photo, default settings (HUD on)
// , ?overlay=0 and ?threads=2 (cooperating Workers). Each run is a fresh profile, i.e. a first visit: it reports
// results/s, p50/p95 per stage from the page's own window.mobilenetPage.stats(),
// dropped frames, the bytes on the wire until the first camera prediction and the
// time from navigation to it, then the same for a repeat visit (from the service
// worker's cache). Variants take turns LIVE_ROUNDS times (this machine is shared;
// medians and ranges are reported). LIVE_BASELINE_DIR adds another build of the page
// (say an older commit's web/ folder) to every round, for ratios measured side by
// side (LIVE_BASELINE_LABEL names it in the table). Writes the live section of bench/RESULTS.md and of README.md.
//
//   LIVE_ROUNDS=3 LIVE_SECONDS=10 LIVE_QUERIES='|?overlay=0' LIVE_BASELINE_DIR=/tmp/old/web node bench/live.mjs
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fakeCameraArgs, launchChromium, SOFTWARE_WEBGL_ARGS } from '../tests/support/browsers.mjs';
import { ROOT, SAMPLES, makeY4M, startServer } from '../tests/support/page.mjs';
import { percentile } from '../web/app-stats.js';

const CAMERA_PHOTO = 'n03297495_espresso_maker.JPEG';
const ROUNDS = Math.max(1, Number(process.env.LIVE_ROUNDS ?? 3));
const SECONDS = Math.max(2, Number(process.env.LIVE_SECONDS ?? 10));
const WARMUP_MS = 3000; // after the first prediction: wasm tier-up, HUD start
const QUERIES = (process.env.LIVE_QUERIES ?? '|?overlay=0|?threads=2').split('|');
const BASELINE_DIR = process.env.LIVE_BASELINE_DIR;
const log = (...a) => console.error('[bench-live]', ...a);

/**
 * A TCP relay in front of the server that counts the bytes the server sends (headers
 * and bodies as they cross the wire, whoever asks: the page, its workers, the service
 * worker). bytesBefore(path) is the count when the first GET of path arrived (null if
 * none has). Resolves to {url, bytes(), bytesBefore(path), close()}.
 */
function countingProxy(target) {
  const { hostname, port } = new URL(target);
  let sent = 0;
  const firstAsked = new Map(); // path -> bytes sent before its first GET
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    upstream.on('data', (d) => { sent += d.length; });
    client.on('data', (d) => {
      for (const m of d.toString('latin1').matchAll(/GET (\/[^ ?]*)/g)) if (!firstAsked.has(m[1])) firstAsked.set(m[1], sent);
    });
    client.pipe(upstream).pipe(client);
    const end = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/`,
    bytes: () => sent,
    bytesBefore: (p) => firstAsked.get(p) ?? null,
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(r); }),
  })));
}

/**
 * One first visit of url + query in a fresh Chromium profile with the fake camera
 * playing y4m: navigation, Start camera as soon as the page's script runs, then
 * SECONDS of streaming after a warm-up.
 */
export async function measureLive(target, query, y4m, seconds = SECONDS) {
  const proxy = await countingProxy(target);
  const url = proxy.url;
  const browser = await launchChromium({ args: [...SOFTWARE_WEBGL_ARGS, ...fakeCameraArgs(y4m)] });
  try {
    const page = await browser.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const hudFetched = page.waitForRequest((r) => r.url().endsWith('/overlay.wasm'), { timeout: 120_000 }).catch(() => null);
    await page.goto(url + query, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.mobilenetPage != null, null, { timeout: 60_000, polling: 10 });
    await page.click('#camera-btn');
    await page.waitForFunction(() => window.mobilenetPage.stats().done > 0, null, { timeout: 120_000, polling: 20 });
    const first = await page.evaluate(() => window.mobilenetPage.stats().firstResultAt ?? performance.now());
    let firstBytes = proxy.bytes();
    await page.waitForTimeout(WARMUP_MS);
    const a = await page.evaluate(() => ({ ...window.mobilenetPage.stats(), t: performance.now() }));
    await page.waitForTimeout(seconds * 1000);
    const b = await page.evaluate(() => ({ ...window.mobilenetPage.stats(), t: performance.now() }));
    if (b.hud !== 'off') await hudFetched;
    // This page asks for the HUD's wasm after its first result (a baseline page without
    // a b.hud state loads it from the start, as part of its first prediction).
    if (b.hud) firstBytes = Math.min(firstBytes, proxy.bytesBefore('/overlay.wasm') ?? Infinity);
    const totalBytes = proxy.bytes();
    // Repeat visit, in a new tab once the first is closed: what still crosses the wire,
    // and how soon the camera answers.
    await page.close();
    const again = await browser.context.newPage();
    await again.goto(url + query, { waitUntil: 'commit' });
    await again.waitForFunction(() => window.mobilenetPage != null, null, { timeout: 60_000, polling: 10 });
    await again.click('#camera-btn');
    await again.waitForFunction(() => window.mobilenetPage.stats().done > 0, null, { timeout: 120_000, polling: 20 });
    const repeatFirst = await again.evaluate(() => window.mobilenetPage.stats().firstResultAt ?? performance.now());
    const repeatBytes = proxy.bytes() - totalBytes;
    return {
      query: query || '(default)',
      resultsPerSec: ((b.done - a.done) * 1000) / (b.t - a.t),
      droppedShare: (b.dropped - a.dropped) / Math.max(1, b.presented - a.presented),
      // A page from before per-stage statistics (a baseline) has only total p50/p95.
      stages: b.stages ?? {
        total: { p50: b.p50, p95: b.p95 },
        ...Object.fromEntries(['capture', 'preprocess', 'inference'].map((k) => [k, { p50: NaN, p95: NaN }])),
      },
      firstPredictionMs: first,
      firstVisitBytes: firstBytes,
      totalBytes,
      repeatFirstPredictionMs: repeatFirst,
      repeatBytes,
      hud: b.hud ?? 'always',
      errors,
    };
  } finally {
    await browser.close();
    await proxy.close();
  }
}

const median = (xs) => percentile([...xs].sort((x, y) => x - y), 50);
const fmt = (xs, digits = 1) => {
  if (xs.some((x) => !Number.isFinite(x))) return '–';
  const m = median(xs).toFixed(digits);
  return xs.length > 1 ? `${m} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})` : m;
};

export function liveTable(runs) {
  const rows = [];
  rows.push('| page | results/s | p50 / p95 total ms | p50 / p95 capture | p50 preprocess | p50 / p95 inference | dropped frames | first visit MB: to first prediction / all | first camera prediction s | repeat visit: MB / first prediction s | HUD |');
  rows.push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const [query, rs] of runs) {
    const st = (k, p) => rs.map((r) => r.stages[k][p]);
    rows.push(`| ${query} | ${fmt(rs.map((r) => r.resultsPerSec))} | ${fmt(st('total', 'p50'))} / ${fmt(st('total', 'p95'))} | ` +
      `${fmt(st('capture', 'p50'))} / ${fmt(st('capture', 'p95'))} | ${fmt(st('preprocess', 'p50'))} | ` +
      `${fmt(st('inference', 'p50'))} / ${fmt(st('inference', 'p95'))} | ` +
      `${fmt(rs.map((r) => 100 * r.droppedShare), 0)}% | ${fmt(rs.map((r) => r.firstVisitBytes / 1e6), 2)} / ` +
      `${fmt(rs.map((r) => r.totalBytes / 1e6), 2)} | ${fmt(rs.map((r) => r.firstPredictionMs / 1000), 2)} | ` +
      `${fmt(rs.map((r) => r.repeatBytes / 1e6), 2)} / ${fmt(rs.map((r) => r.repeatFirstPredictionMs / 1000), 2)} | ` +
      `${[...new Set(rs.map((r) => r.hud))].join(', ')} |`);
  }
  return rows.join('\n');
}

// replaceSection swaps the text between <!-- live:begin --> and <!-- live:end --> in a
// file (appending the section when the markers are missing).
export async function replaceSection(file, body) {
  const begin = '<!-- live:begin -->', end = '<!-- live:end -->';
  let text = await readFile(file, 'utf8').catch(() => '');
  const block = `${begin}\n${body}\n${end}`;
  const i = text.indexOf(begin), j = text.indexOf(end);
  text = i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  await writeFile(file, text);
}

async function main() {
  const work = await mkdtemp(path.join(tmpdir(), 'bench-live-'));
  const server = await startServer();
  const baseline = BASELINE_DIR ? await startServer({ dir: BASELINE_DIR }) : null;
  try {
    const y4m = path.join(work, 'camera.y4m');
    {
      const b = await launchChromium();
      const p = await b.context.newPage();
      await p.goto(server.url + 'overlay.html');
      await makeY4M(p, await readFile(path.join(SAMPLES, CAMERA_PHOTO)), y4m);
      await b.close();
    }
    const variants = QUERIES.map((q) => ({ url: server.url, q, label: `\`${q || '(default)'}\`` }));
    if (baseline) variants.push({ url: baseline.url, q: '', label: process.env.LIVE_BASELINE_LABEL ?? `baseline: ${BASELINE_DIR}` });
    const runs = new Map(variants.map((v) => [v.label, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const v of variants) {
        const r = await measureLive(v.url, v.q, y4m);
        r.query = v.label;
        log(`round ${round + 1} ${r.query}: ${r.resultsPerSec.toFixed(1)} results/s, p50 ${r.stages.total.p50.toFixed(1)} ms ` +
          `(capture ${r.stages.capture.p50.toFixed(1)}, preprocess ${r.stages.preprocess.p50.toFixed(1)}, inference ${r.stages.inference.p50.toFixed(1)}), ` +
          `first prediction ${(r.firstPredictionMs / 1000).toFixed(2)} s, ${(r.firstVisitBytes / 1e6).toFixed(2)} MB ` +
          `(${(r.totalBytes / 1e6).toFixed(2)} MB in all), repeat ${(r.repeatBytes / 1e6).toFixed(2)} MB ${(r.repeatFirstPredictionMs / 1000).toFixed(2)} s, HUD ${r.hud}` +
          (r.errors.length ? `, errors: ${r.errors.join('; ')}` : ''));
        runs.get(r.query).push(r);
      }
    }
    const when = new Date().toISOString().slice(0, 10);
    const table = liveTable(runs);
    const body = `### The live page (\`make bench-live\`)\n\n${when}, headless Chromium (software WebGL), fake 640x480 30 fps camera ` +
      `playing ${CAMERA_PHOTO}, default model and settings; each run a first visit (fresh profile), ${SECONDS} s of ` +
      `streaming after a ${WARMUP_MS / 1000} s warm-up, ${ROUNDS} rounds taking turns: median (range). Figures from the ` +
      `page's own \`window.mobilenetPage.stats()\`; bytes as sent by serve.go.\n\n${table}\n`;
    console.log(body);
    // LIVE_WRITE=bench/RESULTS.md (say) leaves the README alone.
    const targets = (process.env.LIVE_WRITE ?? 'bench/RESULTS.md,README.md').split(',').filter(Boolean);
    for (const t of targets) await replaceSection(path.join(ROOT, t), body);
    log(`written to ${targets.join(' and ')}`);
  } finally {
    await server.stop();
    await baseline?.stop();
    await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
