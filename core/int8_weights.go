package core

import (
	"fmt"
	"math"
)

// Int8Params are one conv layer's int8 weights (per-output-channel symmetric
// quantization, BatchNorm folded): the kernel in Params' layout (output channel
// fastest), one scale and one float bias per output channel.
type Int8Params struct {
	Kernel []int8    // -127..127
	Scale  []float32 // kernel value = Kernel[i] * Scale[i % outC]
	Bias   []float32
}

// Int8Weights are a whole MobileNet v1's int8 parameters, one Int8Params per conv
// layer in Weights' order. The int8 network (weights.LoadInt8, the root package's
// WithPrecision("int8")) runs them.
type Int8Weights struct {
	Alpha  float64
	Size   int
	Layers []Int8Params
}

// Bounds Check puts on a channel's scale and bias.
const (
	maxInt8Scale = 1e3
	maxInt8Bias  = 1e6
)

// Check verifies that w has exactly the shapes alpha's layer table needs, and that
// scales are finite and positive (a loaded file is not trusted).
func (w *Int8Weights) Check() error {
	if w == nil {
		return fmt.Errorf("mobilenet: no int8 weights")
	}
	pl, err := paramLayersFor("int8 weights", w.Alpha, w.Size, len(w.Layers))
	if err != nil {
		return err
	}
	for i, l := range pl {
		p := w.Layers[i]
		if len(p.Kernel) != l.KernelLen() || len(p.Scale) != l.OutC || len(p.Bias) != l.OutC {
			return fmt.Errorf("mobilenet: layer %s: int8 kernel/scale/bias have %d/%d/%d values, want %d/%d/%d",
				l.Name, len(p.Kernel), len(p.Scale), len(p.Bias), l.KernelLen(), l.OutC, l.OutC)
		}
		for c := range p.Scale {
			s, b := float64(p.Scale[c]), float64(p.Bias[c])
			// The bounds keep every requantization finite (no inf*0 = NaN) and are
			// far outside real networks' (scales ~1e-2, biases ~10).
			if !(s > 0 && s <= maxInt8Scale) || !(math.Abs(b) <= maxInt8Bias) {
				return fmt.Errorf("mobilenet: layer %s: channel %d has scale %v, bias %v (want 0 < scale <= %g, |bias| <= %g)", l.Name, c, s, b, float64(maxInt8Scale), float64(maxInt8Bias))
			}
		}
		for _, q := range p.Kernel {
			if q == -128 {
				return fmt.Errorf("mobilenet: layer %s: int8 weight -128 (symmetric quantization uses -127..127)", l.Name)
			}
		}
	}
	return nil
}

// Dequantize returns float weights q·s (what the int8 network computes with),
// for comparing against the float network.
func (w *Int8Weights) Dequantize() *Weights {
	out := &Weights{Alpha: w.Alpha, Size: w.Size, Layers: make([]Params, len(w.Layers))}
	for i, p := range w.Layers {
		n := len(p.Scale)
		k := make([]float32, len(p.Kernel))
		for j, q := range p.Kernel {
			k[j] = float32(q) * p.Scale[j%n]
		}
		out.Layers[i] = Params{Kernel: k, Bias: append([]float32(nil), p.Bias...)}
	}
	return out
}
