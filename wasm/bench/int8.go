//go:build js && wasm

package main

import (
	"fmt"
	"time"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/q8"
)

// network is the model being timed, f32 (core.Model) or int8 (q8.Model).
type network struct {
	forward    func([]float32) ([]float32, error)
	inputLen   int
	layers     []core.Layer
	layerTimes []time.Duration
	profile    *bool
	kernels    string
}

func newNetwork(w *core.Weights, size int, precision string) (*network, error) {
	switch precision {
	case "f32":
		m, err := core.NewModel(w, size)
		if err != nil {
			return nil, err
		}
		return &network{m.Forward, m.InputLen(), m.Layers, m.LayerTimes, &m.Profile, m.Kernels()}, nil
	case "int8":
		qw, err := q8.Quantize(w)
		if err != nil {
			return nil, err
		}
		m, err := q8.NewModel(qw, size)
		if err != nil {
			return nil, err
		}
		return &network{m.Forward, m.InputLen(), m.Layers, m.LayerTimes, &m.Profile, m.Kernels()}, nil
	}
	return nil, fmt.Errorf("precision %q: want f32 or int8", precision)
}
