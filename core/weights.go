package core

import (
	"fmt"
	"math"
)

// Params are one conv layer's weights with BatchNorm already folded in
// (kernel scaled by gamma/sqrt(var+eps) per output channel, bias = beta - mean*scale).
type Params struct {
	// Kernel layouts, row-major (TF's own, with unit dimensions dropped):
	//   Conv3x3:   [3][3][inC][outC]
	//   Depthwise: [3][3][C]
	//   Pointwise: [inC][outC]
	//   FullyConn: [inC][1000]
	Kernel []float32
	Bias   []float32 // [outC]
}

// Weights are a whole MobileNet v1's parameters, one Params per conv layer of
// Architecture(Alpha, ...) in table order (conv1, conv_dw_1, conv_pw_1, ...,
// conv_pw_13, conv_preds): 28 entries. The pooling layer has none.
// The same weights run at any input size (rho); Size is the size they were trained at.
type Weights struct {
	Alpha  float64
	Size   int
	Layers []Params
}

// BNEpsilon is Keras' MobileNet BatchNorm epsilon.
const BNEpsilon = 1e-3

// ParamLayers returns the layers of a table that carry weights (all but the pool).
func ParamLayers(layers []Layer) []Layer {
	out := make([]Layer, 0, len(layers))
	for _, l := range layers {
		if l.Kind != AvgPool {
			out = append(out, l)
		}
	}
	return out
}

// KernelLen is the number of kernel floats layer l needs in its Params.
func (l Layer) KernelLen() int {
	switch l.Kind {
	case Conv3x3:
		return 9 * l.InC * l.OutC
	case Depthwise:
		return 9 * l.InC
	case Pointwise, FullyConn:
		return l.InC * l.OutC
	}
	return 0
}

// Check verifies that w has exactly the shapes that alpha's table needs.
func (w *Weights) Check() error {
	if w == nil {
		return fmt.Errorf("mobilenet: no weights")
	}
	pl, err := paramLayersFor("weights", w.Alpha, w.Size, len(w.Layers))
	if err != nil {
		return err
	}
	for i, l := range pl {
		p := w.Layers[i]
		if len(p.Kernel) != l.KernelLen() {
			return fmt.Errorf("mobilenet: layer %s: kernel has %d values, want %d", l.Name, len(p.Kernel), l.KernelLen())
		}
		if len(p.Bias) != l.OutC {
			return fmt.Errorf("mobilenet: layer %s: bias has %d values, want %d", l.Name, len(p.Bias), l.OutC)
		}
	}
	return nil
}

// paramLayersFor is the param layers (ParamLayers) that weights of alpha trained at
// size need, or an error if the weights (named what) have not n of them.
func paramLayersFor(what string, alpha float64, size, n int) ([]Layer, error) {
	arch, err := Architecture(alpha, trainedSize(size))
	if err != nil {
		return nil, err
	}
	pl := ParamLayers(arch)
	if n != len(pl) {
		return nil, fmt.Errorf("mobilenet: %s have %d conv layers, alpha %v needs %d", what, n, alpha, len(pl))
	}
	return pl, nil
}

// trainedSize is the size weights were trained at: Size, or 224 when unset.
func trainedSize(s int) int {
	if s == 0 {
		return 224
	}
	return s
}

// FoldBatchNorm folds BatchNorm statistics into a kernel whose last (fastest) axis is
// the output channel, returning the bias. gamma, beta, mean and variance have one
// value per output channel.
func FoldBatchNorm(kernel, gamma, beta, mean, variance []float32, eps float64) []float32 {
	n := len(gamma)
	bias := make([]float32, n)
	scale := make([]float64, n)
	for c := 0; c < n; c++ {
		s := float64(gamma[c]) / math.Sqrt(float64(variance[c])+eps)
		scale[c] = s
		bias[c] = float32(float64(beta[c]) - float64(mean[c])*s)
	}
	for i := range kernel {
		kernel[i] = float32(float64(kernel[i]) * scale[i%n])
	}
	return bias
}
