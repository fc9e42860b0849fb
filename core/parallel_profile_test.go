package core

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// BenchmarkLayerScaling prints each layer's best time over the runs on 1 and on 2
// threads (helpers forced on), and the speed-up, to see where a second thread
// does not help:
// go test -run - -bench LayerScaling -benchtime 100x ./core/
func BenchmarkLayerScaling(b *testing.B) {
	for _, c := range []struct {
		alpha float64
		size  int
	}{{1, 224}, {0.75, 224}, {0.5, 160}} {
		b.Run(fmt.Sprintf("%.2f-%d", c.alpha, c.size), func(b *testing.B) { layerScaling(b, c.alpha, c.size) })
	}
}

func layerScaling(b *testing.B, alpha float64, size int) {
	m1, in := randomModel(b, alpha, size)
	m2, _ := randomModel(b, alpha, size)
	defer m1.Close()
	defer m2.Close()
	m1.SetThreads(1)
	m2.SetThreads(2)
	m2.team.Force = true
	m := m1
	best := [2][]time.Duration{make([]time.Duration, len(m.Layers)), make([]time.Duration, len(m.Layers))}
	for i := range best {
		for li := range best[i] {
			best[i][li] = time.Hour
		}
	}
	for b.Loop() {
		for i, m := range []*Model{m1, m2} {
			m.Profile = true
			m.Forward(in) // helpers still polling: back to back, as a stream or a batch runs
			m.Forward(in)
			for li, d := range m.LayerTimes {
				best[i][li] = min(best[i][li], d)
			}
		}
	}
	var sb strings.Builder
	var tot [2]time.Duration
	for li, l := range m.Layers {
		t1, t2 := best[0][li], best[1][li]
		tot[0] += t1
		tot[1] += t2
		fmt.Fprintf(&sb, "%-10s %-10s %4dx%-4d %5d->%-5d %8.1fus %8.1fus %5.2fx\n", l.Name, l.Kind, l.OutH, l.OutW, l.InC, l.OutC,
			float64(t1.Nanoseconds())/1e3, float64(t2.Nanoseconds())/1e3, float64(t1)/float64(t2))
	}
	fmt.Fprintf(&sb, "%.2f-%d total %.2f ms -> %.2f ms (%.2fx)\n", alpha, size, float64(tot[0].Nanoseconds())/1e6, float64(tot[1].Nanoseconds())/1e6, float64(tot[0])/float64(tot[1]))
	fmt.Print(sb.String())
}
