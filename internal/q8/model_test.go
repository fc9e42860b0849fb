package q8

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mobilenet-go/mobilenet/core"
)

// The int8 network against the float network on the same (dequantized) weights:
// with random He-scaled weights and a random input the logits must agree closely
// (cosine similarity), which fails if any layer's scale, padding or routing is off.
func TestForwardTracksTheFloatNetwork(t *testing.T) {
	for _, c := range []struct {
		alpha float64
		size  int
	}{{0.25, 64}, {0.5, 96}} {
		qw, qm := randomModel(t, c.alpha, c.size)
		fm, err := core.NewModel(qw.Dequantize(), c.size)
		if err != nil {
			t.Fatal(err)
		}
		defer fm.Close()
		r := rand.New(rand.NewPCG(5, 5))
		in := make([]float32, qm.InputLen())
		for i := range in {
			in[i] = r.Float32()*2 - 1
		}
		got, err := qm.Forward(in)
		if err != nil {
			t.Fatal(err)
		}
		want, err := fm.Forward(in)
		if err != nil {
			t.Fatal(err)
		}
		var dot, gg, ww float64
		for i := range want {
			dot += float64(got[i]) * float64(want[i])
			gg += float64(got[i]) * float64(got[i])
			ww += float64(want[i]) * float64(want[i])
		}
		if cos := dot / math.Sqrt(gg*ww); !(cos > 0.98) {
			t.Errorf("alpha %v size %d: int8 logits have cosine %v with the float ones", c.alpha, c.size, cos)
		}
		if a := testing.AllocsPerRun(3, func() { qm.Forward(in) }); a != 0 {
			t.Errorf("Forward allocates %v times per frame", a)
		}
		if _, err := qm.Forward(in[1:]); err == nil {
			t.Errorf("a short input was accepted")
		}
	}
}

func TestCheckRefusesBadInt8Weights(t *testing.T) {
	w, _ := core.RandomWeights(0.25, 128, 1)
	for name, spoil := range map[string]func(*core.Int8Weights){
		"missing layer": func(q *core.Int8Weights) { q.Layers = q.Layers[1:] },
		"short kernel":  func(q *core.Int8Weights) { q.Layers[3].Kernel = q.Layers[3].Kernel[1:] },
		"zero scale":    func(q *core.Int8Weights) { q.Layers[2].Scale[0] = 0 },
		"NaN scale":     func(q *core.Int8Weights) { q.Layers[2].Scale[0] = float32(math.NaN()) },
		"huge scale":    func(q *core.Int8Weights) { q.Layers[2].Scale[0] = 1e30 },
		"inf bias":      func(q *core.Int8Weights) { q.Layers[5].Bias[1] = float32(math.Inf(1)) },
		"-128 weight":   func(q *core.Int8Weights) { q.Layers[1].Kernel[0] = -128 },
		"bad alpha":     func(q *core.Int8Weights) { q.Alpha = 2 },
	} {
		q, err := Quantize(w)
		if err != nil {
			t.Fatal(err)
		}
		spoil(q)
		if _, err := NewModel(q, 128); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// The 7-bit activations are exactly the outputs of blocks 6..13's depthwise layers
// (the inputs of their pointwise layers), at any alpha and input size.
func TestSevenBitLayersByBlock(t *testing.T) {
	for _, c := range []struct {
		alpha float64
		size  int
	}{{0.25, 128}, {1, 224}} {
		qw, m := randomModel(t, c.alpha, c.size)
		block := 0
		for i, st := range m.steps {
			if st.l.Kind != core.Depthwise {
				continue
			}
			block++
			want := int16(ActMax)
			if block >= Act7FirstBlock {
				want = Act7Max
			}
			if st.dw.Max != want {
				t.Errorf("alpha %v size %d: block %d's depthwise layer clamps to %d, want %d", c.alpha, c.size, block, st.dw.Max, want)
			}
			// The next layer, its pointwise one, reads that scale: m = sIn*s/ActScale.
			pw, p := m.steps[i+1].pw, qw.Layers[2*block]
			if got, want := pw.M[0], float32(6.0/float64(want)*float64(p.Scale[0])/ActScale); got != want {
				t.Errorf("alpha %v: block %d's pointwise m[0] = %v, want %v", c.alpha, block, got, want)
			}
		}
		if block != 13 {
			t.Fatalf("%d depthwise layers, want 13", block)
		}
	}
}

// randomModel quantizes random He-scaled weights and prepares them for size x size.
func randomModel(t *testing.T, alpha float64, size int) (*core.Int8Weights, *Model) {
	t.Helper()
	w, err := core.RandomWeights(alpha, 224, 3)
	if err != nil {
		t.Fatal(err)
	}
	qw, err := Quantize(w)
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(qw, size)
	if err != nil {
		t.Fatal(err)
	}
	return qw, m
}
