// Statistics and the Markdown tables of `make bench`.

import { percentile } from '../web/app-stats.js';

// quantile q (0..1) of sorted values: the project's one percentile.
export const quantile = (sorted, q) => percentile(sorted, 100 * q);

export function summarize(runsMs) {
  const s = [...runsMs].sort((a, b) => a - b);
  return { n: s.length, median: quantile(s, 0.5), p10: quantile(s, 0.1), p90: quantile(s, 0.9) };
}

export function maxAbsDiff(a, b) {
  if (!a || a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return Number.isNaN(d) ? Infinity : d;
}

const f = (v, digits = 1) => (v == null || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));

export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

// latencyTable: one row per (model, engine) result.
export function latencyTable(results, configs) {
  const byName = Object.fromEntries(configs.map((c) => [c.name, c]));
  return table(
    ['model', 'weights', 'engine', 'threads', 'runs', 'median ms', 'p10–p90 ms', 'GFLOP/s', 'max |Δlogit| vs Go'],
    [...results].sort((a, b) => configs.indexOf(byName[a.config]) - configs.indexOf(byName[b.config])).map((r) => {
      const c = byName[r.config];
      if (r.error) return [r.config, c.weights, r.engine, '', '', 'failed', r.error.slice(0, 80), '', ''];
      const s = summarize(r.runsMs);
      return [r.config, c.weights, r.engine, r.threads, s.n, f(s.median), `${f(s.p10)}–${f(s.p90)}`,
        f((2 * c.multAdds) / (s.median * 1e6), 2), r.maxDiff.toExponential(1)];
    }));
}

// ratioTable: our Chromium wasm-simd latency divided by TF.js wasm's (< 1: ours faster).
export function ratioTable(results, configs, ours, theirs) {
  const find = (config, engine) => results.find((x) => x.config === config && x.engine === engine && !x.error);
  const ratio = (a, b) => {
    // Rounds measured back to back: the median of their ratios. Else pooled medians.
    if (a.rounds?.length && a.rounds.length === b.rounds?.length) {
      const rs = a.rounds.map((ra, i) => summarize(ra).median / summarize(b.rounds[i]).median).sort((x, y) => x - y);
      const m = quantile(rs, 0.5);
      return rs.length > 1 ? `${f(m, 2)} [${f(rs[0], 2)}–${f(rs[rs.length - 1], 2)}]` : f(m, 2);
    }
    return f(summarize(a.runsMs).median / summarize(b.runsMs).median, 2);
  };
  return table(['model', ...theirs.map((t) => `ours ÷ ${t}`)],
    configs.map((c) => [c.name, ...theirs.map((t) => {
      const a = find(c.name, ours), b = find(c.name, t);
      return a && b ? ratio(a, b) : 'n/a';
    })]));
}

// profileTable: the paper's Table 2 with our measured time per layer type.
export function profileTable(profiles, configs) {
  const rows = [];
  for (const p of profiles) {
    const c = configs.find((x) => x.name === p.config);
    if (p.error) { rows.push([p.config, p.engine, 'failed', p.error.slice(0, 80), '', '', '']); continue; }
    const total = p.kinds.reduce((s, k) => s + k.ms, 0);
    for (const k of p.kinds) {
      rows.push([p.config, p.engine, k.kind, f((100 * k.multAdds) / c.multAdds, 2) + '%',
        f(k.ms, 2), f((100 * k.ms) / total, 1) + '%', k.multAdds ? f((2 * k.multAdds) / (k.ms * 1e6), 2) : '']);
    }
  }
  return table(['model', 'engine', 'layer type', 'mult-adds', 'ms (median)', 'time', 'GFLOP/s'], rows);
}

// exchangeTable: where a cooperating-threads frame goes, per worker (0: the leader):
// its receives, the ms computing (and sending) between them and the ms waiting for
// rows; the largest waits name the layer that reads the rows (0 = conv1 reading the
// image, a 3x3 layer its halo, 27 = the pool gathering the last rows).
export function exchangeTable(exchanges) {
  if (!exchanges.length) return '_No threads rows ran._';
  const rows = [];
  for (const { config, engine, profiles } of exchanges) {
    profiles.forEach((profile, w) => {
      const sum = (i) => profile.reduce((s, x) => s + x[i], 0);
      const top = [...profile].sort((a, b) => b[2] - a[2]).slice(0, 4).map((x) => `${x[0]}: ${f(x[2], 2)}`).join(', ');
      rows.push([config, engine, w, profile.filter((x) => typeof x[0] === 'number').length, f(sum(1), 2), f(sum(2), 2), top]);
    });
  }
  return table(['model', 'engine', 'worker', 'receives', 'compute ms', 'waiting ms', 'longest waits (layer: ms)'], rows);
}

// stepTable: where a banded frame goes, step by step, per worker: frames is one entry
// per frame sampled (a round's last), each the workers' profiles ([step, compute ms,
// wait ms] with step 'input', the layer a receive is for, or 'end'); each cell the
// median over frames of the compute ms since the previous receive / the ms waited.
export function stepTable(frames) {
  const workers = frames[0].length;
  const steps = [];
  for (const p of frames[0]) for (const [step] of p) if (!steps.includes(step)) steps.push(step);
  const order = (s) => (s === 'input' ? -1 : s === 'end' ? Infinity : s);
  steps.sort((a, b) => order(a) - order(b));
  const cell = (w, step, i) => {
    const v = frames.map((fr) => fr[w].find((x) => x[0] === step)?.[i]).filter((x) => x !== undefined);
    return v.length ? summarize(v).median : null;
  };
  const rows = steps.map((step) => [step, ...Array.from({ length: workers }, (_, w) => {
    const c = cell(w, step, 1), wt = cell(w, step, 2);
    return c === null ? '' : `${f(c, 2)} / ${f(wt, 2)}`;
  })]);
  const total = (w, i) => summarize(frames.map((fr) => fr[w].reduce((s, x) => s + x[i], 0))).median;
  rows.push(['total', ...Array.from({ length: workers }, (_, w) => `${f(total(w, 1), 2)} / ${f(total(w, 2), 2)}`)]);
  return table(['before layer', ...Array.from({ length: workers }, (_, w) => `worker ${w} compute / wait ms`)], rows);
}
