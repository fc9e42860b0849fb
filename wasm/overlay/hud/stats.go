// Package hud holds the overlay's bookkeeping that does not need a browser: the
// rolling per-frame latency history (sparkline, percentiles, fps) and the text it
// shows. It is plain Go so it is tested natively.
package hud

import (
	"fmt"
	"math"
	"slices"

	"github.com/mobilenet-go/mobilenet/internal/stats"
)

// Timings are one frame's cost in milliseconds per stage, as measured by the page
// (capture) and the classifier worker (preprocess, inference); Total is the wall
// time from capture start to result.
type Timings struct {
	Capture, Preprocess, Inference, Total float64
}

// History is a fixed-size ring of the latest frames' timings and arrival times.
// Add and the queries allocate nothing after NewHistory.
type History struct {
	times   []Timings
	arrived []float64 // ms timestamps, same ring positions as times
	next, n int
	scratch []float64 // percentile workspace
}

// NewHistory keeps the last capacity frames (capacity >= 1).
func NewHistory(capacity int) *History {
	capacity = max(capacity, 1)
	return &History{
		times:   make([]Timings, capacity),
		arrived: make([]float64, capacity),
		scratch: make([]float64, 0, capacity),
	}
}

// Add records a frame whose result arrived at nowMs (any monotonic ms clock).
func (h *History) Add(t Timings, nowMs float64) {
	h.times[h.next] = t
	h.arrived[h.next] = nowMs
	h.next = (h.next + 1) % len(h.times)
	h.n = min(h.n+1, len(h.times))
}

// Reset forgets every frame (a new model or stream starts a new history).
func (h *History) Reset() { h.next, h.n = 0, 0 }

// Len is the number of frames held.
func (h *History) Len() int { return h.n }

// Cap is the number of frames the ring can hold.
func (h *History) Cap() int { return len(h.times) }

// At returns the i-th held frame, oldest first (0 <= i < Len()).
func (h *History) At(i int) Timings {
	return h.times[h.index(i)]
}

func (h *History) index(i int) int {
	start := (h.next - h.n + len(h.times)) % len(h.times)
	return (start + i) % len(h.times)
}

// Last returns the newest frame's timings and whether there is one.
func (h *History) Last() (Timings, bool) {
	if h.n == 0 {
		return Timings{}, false
	}
	return h.At(h.n - 1), true
}

// Percentile returns the p-th percentile (0..100) of the held frames' Total
// (stats.Percentile: the project's one definition); 0 when empty.
func (h *History) Percentile(p float64) float64 {
	if h.n == 0 {
		return 0
	}
	s := h.scratch[:0]
	for i := range h.n {
		s = append(s, h.At(i).Total)
	}
	slices.Sort(s)
	return stats.Percentile(s, p)
}

// FPS is the rate of results over the frames that arrived within windowMs before the
// newest one: (count-1) / span. 0 with fewer than two such frames.
func (h *History) FPS(windowMs float64) float64 {
	if h.n < 2 {
		return 0
	}
	newest := h.arrived[h.index(h.n-1)]
	oldest, count := newest, 0
	for i := h.n - 1; i >= 0; i-- {
		t := h.arrived[h.index(i)]
		if newest-t > windowMs {
			break
		}
		oldest, count = t, count+1
	}
	if count < 2 || newest <= oldest {
		return 0
	}
	return float64(count-1) * 1000 / (newest - oldest)
}

// MaxTotal is the largest Total held (the sparkline's scale); 0 when empty.
func (h *History) MaxTotal() float64 {
	m := 0.0
	for i := range h.n {
		m = max(m, h.At(i).Total)
	}
	return m
}

// Count formats a large count the way the paper's tables do: 325.0M, 2.59M, 14.0K.
func Count(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2fG", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.2fM", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1fK", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}

// Ms formats a duration in milliseconds with a precision that suits its size.
func Ms(v float64) string {
	switch {
	case v < 0:
		return "–"
	case v < 10:
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.0f ms", v)
}

// NiceCeil rounds v up to 1, 2 or 5 times a power of ten (the sparkline's scale, so
// its label does not change with every frame); 0 for v <= 0.
func NiceCeil(v float64) float64 {
	if v <= 0 {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range [...]float64{1, 2, 5, 10} {
		if m*p >= v*(1-1e-12) {
			return m * p
		}
	}
	return 10 * p
}
