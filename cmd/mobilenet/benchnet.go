package main

import (
	"time"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/pipeline"
	"github.com/mobilenet-go/mobilenet/internal/q8"
)

// benchNet is the network bench times, f32 (core.Model) or int8 (q8.Model),
// seen through what bench needs.
type benchNet struct {
	forward    func([]float32) ([]float32, error)
	inputLen   int
	layers     []core.Layer
	layerTimes []time.Duration
	setProfile func(bool)
	kernels    string
	multAdds   int64
	threads    int
	close      func()
}

func newBenchNet(w *core.Weights, size, threads int, p pipeline.Precision) (*benchNet, error) {
	if p == pipeline.Int8 {
		qw, err := q8.Quantize(w)
		if err != nil {
			return nil, err
		}
		m, err := q8.NewModel(qw, size)
		if err != nil {
			return nil, err
		}
		return &benchNet{forward: m.Forward, inputLen: m.InputLen(), layers: m.Layers, layerTimes: m.LayerTimes,
			setProfile: func(on bool) { m.Profile = on }, kernels: m.Kernels(), multAdds: m.MultAdds(),
			threads: m.Threads(), close: func() {}}, nil
	}
	m, err := core.NewModel(w, size)
	if err != nil {
		return nil, err
	}
	m.SetThreads(threads)
	return &benchNet{forward: m.Forward, inputLen: m.InputLen(), layers: m.Layers, layerTimes: m.LayerTimes,
		setProfile: func(on bool) { m.Profile = on }, kernels: m.Kernels(), multAdds: m.MultAdds(),
		threads: threads, close: func() { m.Close() }}, nil
}
