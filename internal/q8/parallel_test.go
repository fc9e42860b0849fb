package q8

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
)

// Every thread count runs each row with the same kernel calls, so the logits and
// features must be the 1-thread ones bit for bit, at alphas whose channel counts
// leave panel tails (0.25, 0.75) and sizes whose row counts (5, 7 at the end) do not
// divide among 2, 3 or 4; and Forward allocates nothing with helpers either.
func TestThreadsGiveIdenticalLogits(t *testing.T) {
	cases := []struct {
		alpha float64
		size  int
	}{{0.25, 160}, {0.75, 224}, {1, 128}}
	// The reference kernels (~20x slower), or js/wasm (one thread: the helpers take
	// turns with the caller): one case.
	if KernelName == "int8-generic" || runtime.GOOS == "js" {
		cases = cases[:1]
	}
	for _, c := range cases {
		_, m := randomModel(t, c.alpha, c.size)
		m.team.Force = true
		in := make([]float32, m.InputLen())
		for i := range in {
			in[i] = float32(i%253)/126 - 1
		}
		want, err := m.Forward(in)
		if err != nil {
			t.Fatal(err)
		}
		want, wantF := slices.Clone(want), slices.Clone(m.Features())
		for _, n := range []int{2, 3, 4, 1} {
			m.SetThreads(n)
			for range 2 {
				got, err := m.Forward(in)
				if err != nil {
					t.Fatal(err)
				}
				what := fmt.Sprintf("alpha %v size %d, %d threads", c.alpha, c.size, m.Threads())
				if !slices.Equal(got, want) || !slices.Equal(m.Features(), wantF) {
					t.Fatalf("%s: logits or features differ from 1 thread", what)
				}
			}
			if a := testing.AllocsPerRun(3, func() { m.Forward(in) }); a != 0 {
				t.Errorf("%d threads: Forward allocates %v times per frame", n, a)
			}
		}
		m.Close()
		if m.Threads() != 1 {
			t.Errorf("after Close: %d threads", m.Threads())
		}
	}
}
