package band_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/band"
)

// The plan's exchanges are exactly the rows each worker reads and does not compute:
// every needed row arrives once, from its owner, and nothing else is sent.
func TestBandPlanCoversNeeds(t *testing.T) {
	for _, size := range []int{32, 128, 224} {
		arch, err := core.Architecture(0.5, size)
		if err != nil {
			t.Fatal(err)
		}
		for n := 1; n <= 4; n++ {
			plan := band.Plan(arch, n)
			for li := range arch {
				got := make([]map[int]int, n) // per receiver: row -> times received
				for _, x := range plan[li] {
					if x.Layer != li-1 || x.From == x.To {
						t.Fatalf("size %d n %d layer %d: bad exchange %+v", size, n, li, x)
					}
					if got[x.To] == nil {
						got[x.To] = map[int]int{}
					}
					for r := x.Rows.R0; r < x.Rows.R1; r++ {
						got[x.To][r]++
					}
				}
				for k := range n {
					need := band.Need(arch, li, k, n)
					own := band.RowSpan{R0: 0, R1: arch[0].InH}
					if li > 0 {
						own = band.Rows(arch, li-1, k, n)
					} else if k > 0 {
						own = band.RowSpan{}
					}
					for r := need.R0; r < need.R1; r++ {
						inOwn := r >= own.R0 && r < own.R1
						if want := map[bool]int{true: 0, false: 1}[inOwn]; got[k][r] != want {
							t.Fatalf("size %d n %d layer %d worker %d row %d: received %d times, want %d", size, n, li, k, r, got[k][r], want)
						}
						delete(got[k], r)
					}
					if len(got[k]) > 0 {
						t.Fatalf("size %d n %d layer %d worker %d: rows sent it does not need: %v", size, n, li, k, got[k])
					}
				}
			}
		}
	}
}

// In a worker's schedule every row of a layer runs once, rows a neighbour needs run
// (and are sent) before the rest, and rows that need no halo run before it is awaited.
func TestBandScheduleOrder(t *testing.T) {
	arch, err := core.Architecture(1, 224)
	if err != nil {
		t.Fatal(err)
	}
	plan := band.Plan(arch, 2)
	ops := band.Schedule(arch, plan, 2, 1) // the second of two: its halo is above, its sent rows at the top
	li := 0                                // the first stride-1 depthwise layer after conv_dw_1
	for i, l := range arch {
		if l.Kind == core.Depthwise && l.Stride == 1 && i > 2 {
			li = i
			break
		}
	}
	var seq []string
	for _, op := range ops {
		if op.Layer == li && op.Kind == band.OpRun || op.Layer == li-1 && op.Kind == band.OpRecv {
			seq = append(seq, fmt.Sprintf("%d:%v", op.Kind, op.Rows))
		}
	}
	b := band.Rows(arch, li, 1, 2)
	want := []string{
		fmt.Sprintf("%d:%v", band.OpRun, band.RowSpan{R0: b.R0 + 1, R1: b.R1}), // no halo needed
		fmt.Sprintf("%d:%v", band.OpRecv, band.RowSpan{R0: b.R0 - 1, R1: b.R0}),
		fmt.Sprintf("%d:%v", band.OpRun, band.RowSpan{R0: b.R0, R1: b.R0 + 1}),
	}
	if fmt.Sprint(seq) != fmt.Sprint(want) {
		t.Fatalf("layer %d on worker 1: %v, want %v", li, seq, want)
	}
}

// Every layer's bands cover its rows once, in worker order, sizes at most one apart.
func TestBandRowsPartition(t *testing.T) {
	for _, size := range []int{32, 96, 160, 224} {
		arch, err := core.Architecture(0.25, size)
		if err != nil {
			t.Fatal(err)
		}
		for n := 1; n <= 5; n++ {
			for li, l := range arch[:len(arch)-2] { // the pool and the classifier are worker 0's
				next, lo, hi := 0, l.OutH, 0
				for k := range n {
					b := band.Rows(arch, li, k, n)
					if b.R0 != next || b.R1 < b.R0 {
						t.Fatalf("size %d n %d layer %d worker %d: %+v after row %d", size, n, li, k, b, next)
					}
					next, lo, hi = b.R1, min(lo, b.Len()), max(hi, b.Len())
				}
				if next != l.OutH || hi-lo > 1 {
					t.Fatalf("size %d n %d layer %d: bands end at %d of %d rows, sizes %d..%d", size, n, li, next, l.OutH, lo, hi)
				}
			}
		}
	}
}

// The leftover rows of the 7x7 layers even each other out (see Rows): at 1.0-224 on
// 2 workers conv_dw_12 4:3, conv_pw_12 3:4, conv_dw_13 4:3, conv_pw_13 4:3.
func TestBandRowsLeftovers(t *testing.T) {
	arch, err := core.Architecture(1, 224)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for li, l := range arch {
		if l.OutH == 7 && l.Kind != core.AvgPool {
			got = append(got, fmt.Sprintf("%s %d:%d", l.Name, band.Rows(arch, li, 0, 2).Len(), band.Rows(arch, li, 1, 2).Len()))
		}
	}
	want := "[conv_dw_12 4:3 conv_pw_12 3:4 conv_dw_13 4:3 conv_pw_13 4:3]"
	if fmt.Sprint(got) != want {
		t.Fatalf("got %v, want %s", got, want)
	}
}

// Rows a neighbour waits for go out first even when they read the halo: worker 1's
// conv_pw_12 at 1.0-224 on 2 workers (rows 3..7; row 3 reads worker 0's conv_dw_12 row
// 3; worker 0's conv_dw_13 reads rows 3 and 4) runs row 4, receives, runs row 3 and
// sends both before its rows 5 and 6.
func TestBandScheduleSendsFirst(t *testing.T) {
	arch, err := core.Architecture(1, 224)
	if err != nil {
		t.Fatal(err)
	}
	li := slices.IndexFunc(arch, func(l core.Layer) bool { return l.Name == "conv_pw_12" })
	var seq []string
	for _, op := range band.Schedule(arch, band.Plan(arch, 2), 2, 1) {
		if op.Layer == li || op.Layer == li-1 && op.Kind == band.OpRecv {
			seq = append(seq, fmt.Sprintf("%d:%v", op.Kind, op.Rows))
		}
	}
	want := "[0:{4 5} 2:{3 4} 0:{3 4} 1:{3 5} 0:{5 7}]"
	if fmt.Sprint(seq) != want {
		t.Fatalf("conv_pw_12 on worker 1: %v, want %s", seq, want)
	}
}
