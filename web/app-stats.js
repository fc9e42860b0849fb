// Rolling per-frame latency statistics for the live page's text read-out and
// window.mobilenetPage.stats(). The HUD (wasm/overlay/hud.History) keeps the same
// numbers in Go for its sparkline; the page cannot ask it instead, because the read-out
// works without the HUD (?overlay=0, no WebGL2, the first results before it loads).
// Fixed-size rings: nothing grows.

/**
 * The project's one percentile (internal/stats.Percentile in Go, tested on the same
 * cases): the p-th percentile (0..100, clamped) of ascending, non-empty values, linear
 * between the two closest ranks at position p/100 x (n-1) (numpy's default). p 50 of an
 * even count is the mean of the middle two.
 */
export function percentile(sorted, p) {
  const pos = (Math.min(Math.max(p, 0), 100) / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  if (lo >= sorted.length - 1) return sorted[sorted.length - 1];
  return sorted[lo] + (pos - lo) * (sorted[lo + 1] - sorted[lo]);
}

export const STAGES = ['capture', 'preprocess', 'inference', 'total'];

export class FrameStats {
  constructor(capacity = 120) {
    this.capacity = capacity;
    this.stages = Object.fromEntries(STAGES.map((k) => [k, new Float64Array(capacity)]));
    this.arrivals = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
    this.reset();
  }

  reset() {
    this.n = 0;
    this.next = 0;
    this.last = null;
  }

  /** Records one frame's timings {capture, preprocess, inference, total} at time now (ms). */
  add(timings, now) {
    for (const k of STAGES) this.stages[k][this.next] = timings[k];
    this.arrivals[this.next] = now;
    this.next = (this.next + 1) % this.capacity;
    this.n = Math.min(this.n + 1, this.capacity);
    this.last = timings;
  }

  /** p-th percentile (0..100, percentile() above) of a stage's latency (default total). */
  percentile(p, stage = 'total') {
    if (this.n === 0) return NaN;
    const s = this.sorted.subarray(0, this.n);
    const ring = this.stages[stage];
    for (let i = 0; i < this.n; i++) s[i] = ring[i];
    return percentile(s.sort(), p);
  }

  /** Results per second over the last windowMs before the newest result. */
  fps(windowMs = 2000) {
    if (this.n < 2) return 0;
    const at = (i) => this.arrivals[(this.next - 1 - i + this.capacity) % this.capacity];
    const newest = at(0);
    let oldest = newest, count = 0;
    for (let i = 0; i < this.n; i++) {
      const t = at(i);
      if (newest - t > windowMs) break;
      oldest = t;
      count++;
    }
    return count < 2 || newest <= oldest ? 0 : ((count - 1) * 1000) / (newest - oldest);
  }
}

/** Milliseconds for display: one decimal under 10 ms. */
export function ms(v) {
  if (!Number.isFinite(v) || v < 0) return '–';
  return v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`;
}

/** 325000000 -> "325.00M", the paper's unit. */
export function count(n) {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}
