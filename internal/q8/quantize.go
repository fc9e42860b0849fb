package q8

import (
	"math"

	"github.com/mobilenet-go/mobilenet/core"
)

// Scales of the fixed activation quantization (see the package doc).
const (
	ActMax     = 255          // the largest activation value: 8 bits unsigned
	ActScale   = 6.0 / ActMax // ReLU6 outputs: q in [0, ActMax]
	InputScale = 1.0 / 127    // the network input in [-1, 1]: q in [-127, 127]
	// PoolUp: the pooled mean keeps 5 more bits than the activations (scale
	// PoolScale), still far from overflowing the classifier's int32 sums.
	PoolUp    = 32
	PoolScale = ActScale / PoolUp

	// Act7Max and Act7Scale are the 7-bit activations between the depthwise and the
	// pointwise layer of blocks Act7FirstBlock..13 (see the package doc).
	Act7Max        = 127
	Act7Scale      = 6.0 / Act7Max
	Act7FirstBlock = 6
)

// actMax is the largest output activation of param layer pi (core.ParamLayers
// order: conv1 is 0, block n's depthwise layer 2n-1 and its pointwise layer 2n):
// Act7Max for the depthwise layers of blocks Act7FirstBlock..13, else ActMax.
func actMax(pi int, kind core.Kind) int16 {
	if kind == core.Depthwise && pi >= 2*Act7FirstBlock-1 {
		return Act7Max
	}
	return ActMax
}

// actScale is the scale of an activation whose largest value is hi.
func actScale(hi int16) float64 { return 6.0 / float64(hi) }

// Quantize turns float weights (BatchNorm folded) into per-output-channel int8.
func Quantize(w *core.Weights) (*core.Int8Weights, error) {
	if err := w.Check(); err != nil {
		return nil, err
	}
	q := &core.Int8Weights{Alpha: w.Alpha, Size: w.Size, Layers: make([]core.Int8Params, len(w.Layers))}
	for i, p := range w.Layers {
		q.Layers[i] = quantizeKernel(p.Kernel, p.Bias, len(p.Bias)) // Check: one bias per output channel
	}
	return q, nil
}

// quantizeKernel quantizes a kernel whose fastest axis is the n output channels.
func quantizeKernel(kernel, bias []float32, n int) core.Int8Params {
	p := core.Int8Params{Kernel: make([]int8, len(kernel)), Scale: make([]float32, n), Bias: append([]float32(nil), bias...)}
	maxAbs := make([]float64, n)
	for i, v := range kernel {
		maxAbs[i%n] = max(maxAbs[i%n], math.Abs(float64(v)))
	}
	for c := range p.Scale {
		p.Scale[c] = float32(mseScale(kernel, c, n, maxAbs[c]))
		if p.Scale[c] == 0 || math.IsInf(float64(p.Scale[c]), 0) || math.IsNaN(float64(p.Scale[c])) {
			p.Scale[c] = 1 // an all-zero channel: any scale gives q = 0
		}
	}
	for i, v := range kernel {
		p.Kernel[i] = int8(clampRound(float64(v)/float64(p.Scale[i%n]), -127, 127))
	}
	for c := 0; c < n; c++ {
		balanceRounding(p.Kernel, kernel, c, n, float64(p.Scale[c]))
	}
	return p
}

// balanceRounding re-rounds channel c's weights so their rounding errors sum to
// at most half a step: the inputs of every layer but the first are ReLU outputs,
// all positive with similar means, so a channel's summed weight error is a bias
// shift. Flips go to the weights nearest a half step (the cheapest in squared error).
func balanceRounding(q []int8, w []float32, c, n int, s float64) {
	var e float64 // sum of (q*s - w)/s over the channel
	for i := c; i < len(w); i += n {
		e += float64(q[i]) - float64(w[i])/s
	}
	for math.Abs(e) > 0.5 {
		dir := -1.0 // e > 0: round some weights down
		if e < 0 {
			dir = 1
		}
		best, bestCost := -1, math.Inf(1)
		for i := c; i < len(w); i += n {
			nq := float64(q[i]) + dir
			if nq < -127 || nq > 127 {
				continue
			}
			r := float64(w[i]) / s
			if cost := math.Abs(nq-r) - math.Abs(float64(q[i])-r); cost < bestCost {
				best, bestCost = i, cost
			}
		}
		if best < 0 {
			return
		}
		q[best] += int8(dir)
		e += dir
	}
}

// clampRound rounds half to even and clamps to [lo, hi].
func clampRound(v float64, lo, hi float64) float64 {
	return min(max(math.RoundToEven(v), lo), hi)
}

// requantFactors are a conv layer's m and b (see the package doc) for an input of
// scale sIn and an output of scale sOut.
func requantFactors(p core.Int8Params, sIn, sOut float64) (m, b []float32) {
	m, b = make([]float32, len(p.Scale)), make([]float32, len(p.Scale))
	for c, s := range p.Scale {
		m[c] = float32(sIn * float64(s) / sOut)
		b[c] = float32(float64(p.Bias[c]) / sOut)
	}
	return m, b
}

// logitScales are the classifier's per-class accumulator scales for pooled
// activations of scale ActScale.
func logitScales(p core.Int8Params) []float32 {
	s := make([]float32, len(p.Scale))
	for c, v := range p.Scale {
		s[c] = float32(PoolScale * float64(v))
	}
	return s
}

// mseScale picks channel c's scale among fractions of max|w|/127 as the one with
// the least squared rounding error over the channel's weights.
func mseScale(kernel []float32, c, n int, maxAbs float64) float64 {
	best, bestErr := maxAbs/127, math.Inf(1)
	for f := 1.0; f >= 0.5; f -= 0.01 {
		s := f * maxAbs / 127
		var e float64
		for i := c; i < len(kernel); i += n {
			v := float64(kernel[i])
			q := clampRound(v/s, -127, 127)
			d := q*s - v
			e += d * d
		}
		if e < bestErr {
			best, bestErr = s, e
		}
	}
	return best
}
