package q8

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/mobilenet-go/mobilenet/core"
)

// runSchedules runs one frame on n int8 models as n concurrent workers executing
// their core.BandSchedule, a channel per ordered pair of workers as the transport
// (each send a copy of the int16 rows, as a Worker's message is).
func runSchedules(t *testing.T, models []*Model, input []float32) {
	t.Helper()
	n := len(models)
	plan := core.BandPlan(models[0].Layers, n)
	mail := make([][]chan []int16, n)
	for i := range mail {
		mail[i] = make([]chan []int16, n)
		for j := range mail[i] {
			mail[i][j] = make(chan []int16, 64)
		}
	}
	if err := models[0].SetInput(input); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for k, m := range models {
		ops := core.BandSchedule(m.Layers, plan, n, k)
		wg.Go(func() {
			for _, op := range ops {
				switch op.Kind {
				case core.OpRun:
					m.RunOp(op)
				case core.OpSend:
					mail[k][op.Peer] <- append([]int16(nil), m.LayerRows(op.Layer, op.Rows)...)
				case core.OpRecv:
					copy(m.LayerRows(op.Layer, op.Rows), <-mail[op.Peer][k])
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("the workers' schedules deadlock")
	}
}

// runPlan runs one frame layer by layer: every exchange of the layer (a copy
// between the models' buffers), then every worker's band.
func runPlan(models []*Model, plan [][]core.Exchange, input []float32) {
	n := len(models)
	models[0].SetInput(input)
	for li := range models[0].Layers {
		for _, x := range plan[li] {
			copy(models[x.To].LayerRows(x.Layer, x.Rows), models[x.From].LayerRows(x.Layer, x.Rows))
		}
		for k, m := range models {
			m.RunRows(li, core.BandRows(m.Layers, li, k, n))
		}
	}
}

// Banded int8 runs on 1-4 workers, layer by layer and as concurrent schedules, give
// Forward's logits and features bit for bit, at every alpha and at sizes whose row
// counts (e.g. 5 and 7 at 160 and 224, 6 at 192) do not divide evenly among 3 or 4.
// Between frames every model runs another input, so a row read before its exchange
// arrived (or a stale padded row) shows as a wrong logit.
func TestBandsMatchForward(t *testing.T) {
	sizes := []int{128, 160, 192, 224}
	if testing.Short() || KernelName == "int8-generic" {
		sizes = []int{160} // the reference kernels: ~7x slower; 5 rows at the end, same split logic
	}
	for _, alpha := range []float64{0.25, 0.5, 0.75, 1.0} {
		w, err := core.RandomWeights(alpha, 224, 11)
		if err != nil {
			t.Fatal(err)
		}
		qw, err := Quantize(w)
		if err != nil {
			t.Fatal(err)
		}
		for _, size := range sizes {
			ref, err := NewModel(qw, size)
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(uint64(size), 7))
			input, other := randInput(r, ref.InputLen()), randInput(r, ref.InputLen())
			logits, err := ref.Forward(input)
			if err != nil {
				t.Fatal(err)
			}
			wantLogits := append([]float32(nil), logits...)
			wantFeatures := append([]float32(nil), ref.Features()...)
			models := []*Model{ref}
			for n := 1; n <= 4; n++ {
				for len(models) < n {
					m, err := NewModel(qw, size)
					if err != nil {
						t.Fatal(err)
					}
					models = append(models, m)
				}
				for i, run := range []func(){
					func() { runPlan(models[:n], core.BandPlan(ref.Layers, n), input) },
					func() { runSchedules(t, models[:n], input) },
				} {
					for _, m := range models {
						m.Forward(other)
					}
					run()
					name := fmt.Sprintf("alpha %v size %d n %d run %d", alpha, size, n, i)
					sameBits(t, name+" logits", models[0].Logits(), wantLogits)
					sameBits(t, name+" features", models[0].Features(), wantFeatures)
				}
			}
		}
	}
}

// A banded frame allocates nothing.
func TestBandsAllocateNothing(t *testing.T) {
	w, err := core.RandomWeights(0.25, 128, 3)
	if err != nil {
		t.Fatal(err)
	}
	qw, err := Quantize(w)
	if err != nil {
		t.Fatal(err)
	}
	models := make([]*Model, 2)
	for i := range models {
		if models[i], err = NewModel(qw, 128); err != nil {
			t.Fatal(err)
		}
	}
	input := randInput(rand.New(rand.NewPCG(1, 2)), models[0].InputLen())
	plan := core.BandPlan(models[0].Layers, 2)
	runPlan(models, plan, input) // the padded buffers grow on first use
	if a := testing.AllocsPerRun(3, func() { runPlan(models, plan, input) }); a != 0 {
		t.Fatalf("a banded frame allocates %v times", a)
	}
}

func randInput(r *rand.Rand, n int) []float32 {
	in := make([]float32, n)
	for i := range in {
		in[i] = r.Float32()*2 - 1
	}
	return in
}

func sameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: [%d] = %v, want %v (bit for bit)", what, i, got[i], want[i])
		}
	}
}
