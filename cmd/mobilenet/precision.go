package main

import (
	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/pipeline"
	"github.com/mobilenet-go/mobilenet/weights"
)

// loadWeights loads a model for precision p: float weights for f32; for int8, an
// int8 .mnw file as stored, anything else quantized (weights.LoadInt8). Exactly one
// of the results is set.
func loadWeights(src string, p pipeline.Precision) (*core.Weights, *core.Int8Weights, error) {
	if p == pipeline.Int8 {
		q, err := weights.LoadInt8(src)
		return nil, q, err
	}
	w, err := weights.Load(src)
	return w, nil, err
}

// newEngine prepares the pipeline for whichever weights loadWeights returned.
func newEngine(w *core.Weights, q *core.Int8Weights, size int) (*pipeline.Engine, error) {
	if q != nil {
		return pipeline.NewInt8(q, size)
	}
	return pipeline.New(w, size)
}

// shapeOf is the width multiplier and training size of whichever weights are set.
func shapeOf(w *core.Weights, q *core.Int8Weights) (alpha float64, size int) {
	if q != nil {
		return q.Alpha, q.Size
	}
	return w.Alpha, w.Size
}
