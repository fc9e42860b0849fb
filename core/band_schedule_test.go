package core

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// runSchedules runs one frame on n models as n concurrent workers executing their
// BandSchedule, with a channel per ordered pair of workers as the transport.
// With own, every worker sets the input itself (OwnInputs).
func runSchedules(t *testing.T, models []*Model, input []float32, own bool) {
	t.Helper()
	n := len(models)
	plan := BandPlan(models[0].Layers, n)
	if own {
		plan = OwnInputs(plan)
		for _, m := range models[1:] {
			m.SetInput(input)
		}
	}
	mail := make([][]chan []float32, n)
	for i := range mail {
		mail[i] = make([]chan []float32, n)
		for j := range mail[i] {
			mail[i][j] = make(chan []float32, 64)
		}
	}
	models[0].SetInput(input)
	var wg sync.WaitGroup
	for k, m := range models {
		ops := BandSchedule(m.Layers, plan, n, k)
		wg.Go(func() {
			for _, op := range ops {
				switch op.Kind {
				case OpRun:
					m.RunOp(op)
				case OpSend:
					mail[k][op.Peer] <- append([]float32(nil), m.LayerRows(op.Layer, op.Rows)...)
				case OpRecv:
					copy(m.LayerRows(op.Layer, op.Rows), <-mail[op.Peer][k])
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the workers' schedules deadlock")
	}
}

// Workers running their schedules concurrently, exchanges overlapping computation,
// give the 1-thread logits bit for bit.
func TestBandSchedulesMatchForward(t *testing.T) {
	cases := []struct {
		alpha float64
		size  int
	}{{0.25, 128}, {0.5, 160}, {1.0, 224}, {0.25, 32}}
	if testing.Short() || slowKernels() {
		cases = cases[:2]
	}
	for _, c := range cases {
		w, err := RandomWeights(c.alpha, c.size, 12)
		if err != nil {
			t.Fatal(err)
		}
		var models []*Model
		for range 5 {
			m, err := NewModel(w, c.size)
			if err != nil {
				t.Fatal(err)
			}
			m.SetThreads(1)
			models = append(models, m)
		}
		input := randomInput(3, c.size)
		logits, _ := models[0].Forward(input)
		want := append([]float32(nil), logits...)
		wantF := append([]float32(nil), models[0].Features()...)
		other := randomInput(4, c.size)
		for n := 1; n <= 5; n++ {
			for _, own := range []bool{false, true} {
				poison(models, other)
				runSchedules(t, models[:n], input, own)
				name := fmt.Sprintf("alpha %v size %d n %d own inputs %v", c.alpha, c.size, n, own)
				same(t, name+" logits", models[0].Logits(), want)
				same(t, name+" features", models[0].Features(), wantF)
			}
		}
	}
}

// In a worker's schedule every row of a layer runs once, rows a neighbour needs run
// (and are sent) before the rest, and rows that need no halo run before it is awaited.
func TestBandScheduleOrder(t *testing.T) {
	arch, err := Architecture(1, 224)
	if err != nil {
		t.Fatal(err)
	}
	plan := BandPlan(arch, 2)
	ops := BandSchedule(arch, plan, 2, 1) // the second of two: its halo is above, its sent rows at the top
	li := 0                               // the first stride-1 depthwise layer after conv_dw_1
	for i, l := range arch {
		if l.Kind == Depthwise && l.Stride == 1 && i > 2 {
			li = i
			break
		}
	}
	var seq []string
	for _, op := range ops {
		if op.Layer == li && op.Kind == OpRun || op.Layer == li-1 && op.Kind == OpRecv {
			seq = append(seq, fmt.Sprintf("%d:%v", op.Kind, op.Rows))
		}
	}
	band := BandRows(arch, li, 1, 2)
	want := []string{
		fmt.Sprintf("%d:%v", OpRun, RowSpan{band.R0 + 1, band.R1}), // no halo needed
		fmt.Sprintf("%d:%v", OpRecv, RowSpan{band.R0 - 1, band.R0}),
		fmt.Sprintf("%d:%v", OpRun, RowSpan{band.R0, band.R0 + 1}),
	}
	if fmt.Sprint(seq) != fmt.Sprint(want) {
		t.Fatalf("layer %d on worker 1: %v, want %v", li, seq, want)
	}
}
