package core

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// naiveForward is an independent oracle for Model.Forward: unpadded NHWC tensors,
// TF 'same' padding from TF's formula with bounds checks, float64 accumulation.
func naiveForward(w *Weights, size int, input []float32) []float32 {
	arch, _ := Architecture(w.Alpha, size)
	act := make([]float64, len(input))
	for i, v := range input {
		act[i] = float64(v)
	}
	pi := 0
	for _, l := range arch {
		var out []float64
		switch l.Kind {
		case Conv3x3, Depthwise:
			p := w.Layers[pi]
			s := l.Stride
			padT := max((l.OutH-1)*s+3-l.InH, 0) / 2
			padL := max((l.OutW-1)*s+3-l.InW, 0) / 2
			out = make([]float64, l.OutH*l.OutW*l.OutC)
			for y := 0; y < l.OutH; y++ {
				for x := 0; x < l.OutW; x++ {
					for o := 0; o < l.OutC; o++ {
						acc := float64(p.Bias[o])
						for ky := 0; ky < 3; ky++ {
							for kx := 0; kx < 3; kx++ {
								iy, ix := y*s+ky-padT, x*s+kx-padL
								if iy < 0 || iy >= l.InH || ix < 0 || ix >= l.InW {
									continue
								}
								px := act[(iy*l.InW+ix)*l.InC:]
								if l.Kind == Depthwise {
									acc += px[o] * float64(p.Kernel[(ky*3+kx)*l.InC+o])
									continue
								}
								for i := 0; i < l.InC; i++ {
									acc += px[i] * float64(p.Kernel[((ky*3+kx)*l.InC+i)*l.OutC+o])
								}
							}
						}
						out[(y*l.OutW+x)*l.OutC+o] = min(max(acc, 0), 6)
					}
				}
			}
			pi++
		case Pointwise, FullyConn:
			p := w.Layers[pi]
			n := l.OutH * l.OutW
			out = make([]float64, n*l.OutC)
			for q := 0; q < n; q++ {
				for o := 0; o < l.OutC; o++ {
					acc := float64(p.Bias[o])
					for i := 0; i < l.InC; i++ {
						acc += act[q*l.InC+i] * float64(p.Kernel[i*l.OutC+o])
					}
					if l.Kind == Pointwise {
						acc = min(max(acc, 0), 6)
					}
					out[q*l.OutC+o] = acc
				}
			}
			pi++
		case AvgPool:
			out = make([]float64, l.InC)
			n := l.InH * l.InW
			for q := 0; q < n; q++ {
				for c := 0; c < l.InC; c++ {
					out[c] += act[q*l.InC+c] / float64(n)
				}
			}
		}
		act = out
	}
	logits := make([]float32, len(act))
	for i, v := range act {
		logits[i] = float32(v)
	}
	return logits
}

func randomInput(seed uint64, size int) []float32 {
	r := rand.New(rand.NewPCG(seed, 1))
	in := make([]float32, size*size*3)
	for i := range in {
		in[i] = r.Float32()*2 - 1
	}
	return in
}

func maxAbsDiff(a, b []float32) float64 {
	var d float64
	for i := range a {
		d = max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}

func TestForwardAgainstNaive(t *testing.T) {
	for _, c := range []struct {
		alpha float64
		size  int
	}{{0.25, 128}, {0.5, 96}, {0.25, 32}, {0.75, 64}} {
		w, err := RandomWeights(c.alpha, 224, 42)
		require.NoError(t, err)
		m, err := NewModel(w, c.size)
		require.NoError(t, err)
		for seed := uint64(1); seed <= 2; seed++ { // twice: buffers reused must not leak state
			in := randomInput(seed, c.size)
			want := naiveForward(w, c.size, in)
			got, err := m.Forward(in)
			require.NoError(t, err)
			require.Less(t, maxAbsDiff(got, want), 1e-3, "alpha %v size %d seed %d", c.alpha, c.size, seed)
			var spread float64 // a test that passes on constant logits proves little
			for _, v := range want {
				spread = max(spread, math.Abs(float64(v-want[0])))
			}
			require.Greater(t, spread, 1e-2, "random weights give degenerate logits")
		}
		require.Len(t, m.Features(), Channels(1024, c.alpha))
	}
}

func TestForwardAllocatesNothing(t *testing.T) {
	w, err := RandomWeights(0.25, 224, 7)
	require.NoError(t, err)
	m, err := NewModel(w, 128)
	require.NoError(t, err)
	in := randomInput(3, 128)
	probs := make([]float32, NumClasses)
	top := make([]Prediction, 0, 5)
	allocs := testing.AllocsPerRun(20, func() {
		logits, _ := m.Forward(in)
		Softmax(probs, logits)
		top = TopK(top, probs, 5)
	})
	require.Zero(t, allocs, "steady-state inference must not allocate")
}

func TestForwardErrors(t *testing.T) {
	w, err := RandomWeights(0.25, 224, 7)
	require.NoError(t, err)
	m, err := NewModel(w, 128)
	require.NoError(t, err)
	_, err = m.Forward(make([]float32, 224*224*3))
	require.ErrorContains(t, err, "128x128")

	bad := *w
	bad.Layers = append([]Params(nil), w.Layers...)
	bad.Layers[4].Kernel = bad.Layers[4].Kernel[:10] // conv_pw_2
	_, err = NewModel(&bad, 224)
	require.ErrorContains(t, err, "conv_pw_2")
	_, err = NewModel(w, 100)
	require.Error(t, err)
	_, err = NewModel(nil, 224)
	require.Error(t, err)
}

func TestSoftmaxTopK(t *testing.T) {
	logits := []float32{1, 3, 2, 1000, -5, 3}
	probs := make([]float32, len(logits))
	Softmax(probs, logits)
	require.InDelta(t, 1, probs[3], 1e-6)
	top := TopK(nil, []float32{0.1, 0.4, 0.2, 0.4, 0.05}, 3)
	require.Equal(t, []int{1, 3, 2}, []int{top[0].Index, top[1].Index, top[2].Index})
	require.Len(t, TopK(nil, probs, 10), len(probs))
}
