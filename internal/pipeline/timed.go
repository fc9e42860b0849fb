package pipeline

import (
	"time"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/q8"
)

// Timed is a network, f32 (core.Model) or int8 (q8.Model), seen through what a
// benchmark needs: the CLI's `bench` and the browser's wasm/bench time the same thing.
type Timed struct {
	Forward    func(input []float32) ([]float32, error) // input: [size][size][3]
	InputLen   int
	Layers     []core.Layer
	LayerTimes []time.Duration // per layer, of the last Forward while profiling
	SetProfile func(on bool)
	Kernels    string // the kernel set that runs
	MultAdds   int64
	Threads    int // goroutines per layer
	Close      func()
}

// NewTimed prepares w at input size in precision p, layers split across threads
// goroutines (0: core's default).
func NewTimed(w *core.Weights, size, threads int, p Precision) (*Timed, error) {
	var qw *core.Int8Weights
	if p == Int8 {
		var err error
		if qw, err = q8.Quantize(w); err != nil {
			return nil, err
		}
	}
	n, err := newNetwork(w, qw, size, threads)
	if err != nil {
		return nil, err
	}
	return &Timed{Forward: n.Forward, InputLen: n.InputLen(), Layers: n.BandLayers(), LayerTimes: n.layerTimes(),
		SetProfile: n.setProfile, Kernels: n.Kernels(), MultAdds: n.MultAdds(), Threads: n.Threads(), Close: n.Close}, nil
}
