// Package stats holds the project's one definition of a percentile, used by every
// benchmark (bench/gobench, wasm/bench, cmd/mobilenet bench) and by the live page's HUD
// (wasm/overlay/hud). The JavaScript side has the same definition once, as percentile()
// in web/app-stats.js (the page and bench/*.mjs use it); both are tested against the
// cases in testdata/percentiles.json.
package stats

// Percentile is the p-th percentile (p from 0 to 100, clamped) of sorted (ascending,
// not empty), linearly interpolated between the two closest ranks: position
// p/100 x (n-1) in the sorted values (numpy's default, R's type 7). So p 0 is the
// minimum, 100 the maximum, and 50 the median, the mean of the middle two when n is
// even.
func Percentile(sorted []float64, p float64) float64 {
	p = min(max(p, 0), 100)
	pos := p / 100 * float64(len(sorted)-1)
	lo := int(pos)
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (pos-float64(lo))*(sorted[lo+1]-sorted[lo])
}
