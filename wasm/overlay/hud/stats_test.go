package hud

import (
	"math"
	"slices"
	"testing"
)

func TestHistoryRingKeepsNewestInOrder(t *testing.T) {
	h := NewHistory(4)
	if _, ok := h.Last(); ok || h.Percentile(50) != 0 || h.FPS(1000) != 0 {
		t.Fatal("empty history must report nothing")
	}
	for i := 1; i <= 6; i++ {
		h.Add(Timings{Total: float64(i)}, float64(i*100))
	}
	if h.Len() != 4 || h.Cap() != 4 {
		t.Fatalf("Len %d Cap %d", h.Len(), h.Cap())
	}
	var got []float64
	for i := range h.Len() {
		got = append(got, h.At(i).Total)
	}
	if !slices.Equal(got, []float64{3, 4, 5, 6}) {
		t.Fatalf("held %v, want [3 4 5 6]", got)
	}
	if last, _ := h.Last(); last.Total != 6 {
		t.Fatalf("Last %v", last)
	}
	if h.MaxTotal() != 6 {
		t.Fatalf("MaxTotal %v", h.MaxTotal())
	}
	h.Reset()
	if h.Len() != 0 {
		t.Fatal("Reset kept frames")
	}
}

// The percentile must match a direct computation on the sorted values (the
// "linear" method of numpy.percentile).
func TestPercentileAgainstSortedOracle(t *testing.T) {
	h := NewHistory(100)
	vals := []float64{50, 10, 40, 20, 30, 100, 60, 70, 90, 80}
	for i, v := range vals {
		h.Add(Timings{Total: v}, float64(i))
	}
	for p, want := range map[float64]float64{0: 10, 50: 55, 95: 95.5, 100: 100, 10: 19} {
		if got := h.Percentile(p); math.Abs(got-want) > 1e-9 {
			t.Errorf("p%v = %v, want %v", p, got, want)
		}
	}
	// Percentile must not reorder the ring.
	if h.At(0).Total != 50 || h.At(9).Total != 80 {
		t.Fatal("Percentile disturbed the history order")
	}
}

func TestFPSOverWindow(t *testing.T) {
	h := NewHistory(300)
	// 20 fps for 10 s: one result every 50 ms.
	for i := range 200 {
		h.Add(Timings{Total: 30}, float64(i*50))
	}
	if got := h.FPS(2000); math.Abs(got-20) > 1e-9 {
		t.Fatalf("FPS %v, want 20", got)
	}
	// After a 5 s stall only the newest frame is inside the window.
	h.Add(Timings{Total: 30}, 200*50+5000)
	if got := h.FPS(2000); got != 0 {
		t.Fatalf("FPS after stall %v, want 0", got)
	}
}

func TestHistoryDoesNotAllocate(t *testing.T) {
	h := NewHistory(120)
	now := 0.0
	allocs := testing.AllocsPerRun(1000, func() {
		now += 33
		h.Add(Timings{Capture: 1, Preprocess: 2, Inference: 20, Total: 25}, now)
		_ = h.Percentile(50) + h.Percentile(95) + h.FPS(2000) + h.MaxTotal()
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per frame", allocs)
	}
}

func TestFormatting(t *testing.T) {
	for n, want := range map[int64]string{325_000_000: "325.00M", 2_590_000: "2.59M", 14_000: "14.0K", 999: "999", 1_500_000_000: "1.50G"} {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
	for v, want := range map[float64]string{3.14159: "3.1 ms", 45.6: "46 ms", -1: "–"} {
		if got := Ms(v); got != want {
			t.Errorf("Ms(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestNiceCeil(t *testing.T) {
	for v, want := range map[float64]float64{0: 0, -3: 0, 0.7: 1, 1: 1, 1.01: 2, 3: 5, 7.5: 10, 10: 10, 48: 50, 120: 200, 999: 1000} {
		if got := NiceCeil(v); math.Abs(got-want) > 1e-9 {
			t.Errorf("NiceCeil(%v) = %v, want %v", v, got, want)
		}
	}
}
