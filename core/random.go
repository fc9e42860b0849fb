package core

import (
	"math"
	"math/rand/v2"
)

// RandomWeights returns seeded random weights of the right shapes for any alpha, for
// measuring speed where no trained weights exist. Kernels are He-scaled (uniform,
// variance 2/fan-in) so activations neither die nor saturate through 28 layers.
func RandomWeights(alpha float64, size int, seed uint64) (*Weights, error) {
	arch, err := Architecture(alpha, size)
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	w := &Weights{Alpha: alpha, Size: size}
	for _, l := range ParamLayers(arch) {
		fanIn := l.InC
		switch l.Kind {
		case Conv3x3:
			fanIn = 9 * l.InC
		case Depthwise:
			fanIn = 9
		}
		a := float32(math.Sqrt(6 / float64(fanIn))) // uniform(-a, a) has variance 2/fanIn
		p := Params{Kernel: make([]float32, l.KernelLen()), Bias: make([]float32, l.OutC)}
		for i := range p.Kernel {
			p.Kernel[i] = (r.Float32()*2 - 1) * a
		}
		for i := range p.Bias {
			p.Bias[i] = (r.Float32()*2 - 1) * 0.1
		}
		w.Layers = append(w.Layers, p)
	}
	return w, nil
}
