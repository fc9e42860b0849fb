package core

import (
	"fmt"
	"math"
	"testing"

	"github.com/mobilenet-go/mobilenet/internal/kernels"
)

// runBands runs one input through n models as n cooperating workers would: each
// layer's exchanges (copies between the models' buffers), then every worker's band.
func runBands(models []*Model, plan [][]Exchange, input []float32) {
	n := len(models)
	models[0].SetInput(input)
	for li := range models[0].Layers {
		for _, x := range plan[li] {
			copy(models[x.To].LayerRows(x.Layer, x.Rows), models[x.From].LayerRows(x.Layer, x.Rows))
		}
		for k, m := range models {
			m.RunOp(Op{Kind: OpRun, Layer: li, Rows: BandRows(m.Layers, li, k, n), Clear: true})
		}
	}
}

// Banded runs on 1-4 workers give the 1-thread logits and features bit for bit, at
// every alpha and at sizes whose row counts (down to 4, 5, 7 at the end) do not
// divide evenly.
func TestBandsMatchForward(t *testing.T) {
	sizes := []int{128, 160, 224}
	if testing.Short() || slowKernels() {
		sizes = []int{160}
	}
	for _, alpha := range []float64{0.25, 0.5, 1.0} {
		for _, size := range sizes {
			w, err := RandomWeights(alpha, size, 11)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := NewModel(w, size)
			if err != nil {
				t.Fatal(err)
			}
			ref.SetThreads(1)
			input, other := randomInput(uint64(size), size), randomInput(uint64(size)+1, size)
			logits, _ := ref.Forward(input)
			wantLogits := append([]float32(nil), logits...)
			wantFeatures := append([]float32(nil), ref.Features()...)
			models := []*Model{ref}
			for n := 1; n <= 4; n++ {
				for len(models) < n {
					m, err := NewModel(w, size)
					if err != nil {
						t.Fatal(err)
					}
					m.SetThreads(1)
					models = append(models, m)
				}
				plan := BandPlan(ref.Layers, n)
				for range 2 {
					poison(models, other)
					runBands(models[:n], plan, input)
					name := fmt.Sprintf("alpha %v size %d n %d", alpha, size, n)
					same(t, name+" logits", models[0].Logits(), wantLogits)
					same(t, name+" features", models[0].Features(), wantFeatures)
				}
			}
		}
	}
}

// slowKernels is true where the reference kernels run (no SIMD build, ~20x slower):
// the band tests then take fewer sizes (the row counts 5 at 160 and the split logic
// are the same at every size).
func slowKernels() bool { return kernels.Active().Name == "generic" }

// poison fills every model's buffers with another input's activations, so that a
// row read before its exchange arrived shows as a wrong logit.
func poison(models []*Model, other []float32) {
	for _, m := range models {
		m.Forward(other)
	}
}

func same(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: [%d] = %v, want %v (bit for bit)", what, i, got[i], want[i])
		}
	}
}

// The plan's exchanges are exactly the rows each worker reads and does not compute:
// every needed row arrives once, from its owner, and nothing else is sent.
func TestBandPlanCoversNeeds(t *testing.T) {
	for _, size := range []int{32, 128, 224} {
		arch, err := Architecture(0.5, size)
		if err != nil {
			t.Fatal(err)
		}
		for n := 1; n <= 4; n++ {
			plan := BandPlan(arch, n)
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
					need := NeedRows(arch, li, k, n)
					own := RowSpan{0, arch[0].InH}
					if li > 0 {
						own = BandRows(arch, li-1, k, n)
					} else if k > 0 {
						own = RowSpan{}
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

// A banded run allocates nothing in steady state.
func TestBandsAllocateNothing(t *testing.T) {
	w, err := RandomWeights(0.25, 128, 3)
	if err != nil {
		t.Fatal(err)
	}
	models := make([]*Model, 2)
	for i := range models {
		if models[i], err = NewModel(w, 128); err != nil {
			t.Fatal(err)
		}
		models[i].SetThreads(1)
	}
	plan := BandPlan(models[0].Layers, 2)
	input := randomInput(1, 128)
	runBands(models, plan, input)
	if a := testing.AllocsPerRun(5, func() { runBands(models, plan, input) }); a != 0 {
		t.Fatalf("a banded run allocates %v times", a)
	}
}

// More workers than rows (16 workers, 1 row at the end of a 32x32 input): the
// workers without rows still run (their frames zeroed), and the logits do not change.
func TestBandsMoreWorkersThanRows(t *testing.T) {
	w, err := RandomWeights(0.25, 32, 4)
	if err != nil {
		t.Fatal(err)
	}
	var models []*Model
	for range 16 {
		m, err := NewModel(w, 32)
		if err != nil {
			t.Fatal(err)
		}
		m.SetThreads(1)
		models = append(models, m)
	}
	input := randomInput(9, 32)
	logits, _ := models[0].Forward(input)
	want := append([]float32(nil), logits...)
	for _, n := range []int{5, 16} {
		runBands(models[:n], BandPlan(models[0].Layers, n), input)
		same(t, fmt.Sprintf("n %d logits", n), models[0].Logits(), want)
	}
}
