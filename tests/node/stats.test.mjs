// The one percentile: web/app-stats.js's percentile() (the page, bench/*.mjs) gives
// internal/stats.Percentile's answers (the Go benches, the HUD) on the shared cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { percentile, FrameStats } from '../../web/app-stats.js';

const cases = JSON.parse(await readFile(new URL('../../internal/stats/testdata/percentiles.json', import.meta.url), 'utf8'));

test('percentile() answers the cases internal/stats is tested on', () => {
  assert.ok(cases.length > 0);
  for (const { sorted, p, want } of cases) {
    assert.ok(Math.abs(percentile(sorted, p) - want) < 1e-12, `percentile(${JSON.stringify(sorted)}, ${p}) = ${percentile(sorted, p)}, want ${want}`);
  }
});

test('FrameStats sorts its ring numerically and takes the same percentile', () => {
  const s = new FrameStats(4);
  // 6 frames into a ring of 4: the last four (9, 100, 20, 3) remain; sorted 3 9 20 100.
  for (const [i, total] of [50, 1, 9, 100, 20, 3].entries()) s.add({ capture: 0, preprocess: 0, inference: 0, total }, i);
  assert.equal(s.percentile(50), percentile([3, 9, 20, 100], 50));
  assert.equal(s.percentile(50), 14.5);
  assert.equal(s.percentile(100), 100);
});
