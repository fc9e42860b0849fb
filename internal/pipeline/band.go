package pipeline

import (
	"fmt"
	"time"

	"github.com/mobilenet-go/mobilenet/core"
)

// Banded inference (internal/band): n engines, one per browser Worker, each run
// every layer on their own band of rows and exchange the rows between. Engine 0
// (the leader) prepares the frame and, after the last layer, turns the logits into
// classes; the others only run their bands. These methods give the wasm bridge
// the model and those two ends; the layers in between are BandNet.RunOp.

// BandModel is the model for input size (0: the default), prepared on first use
// (it may replace models of other sizes, see maxModels).
func (e *Engine) BandModel(size int) (BandNet, error) {
	sm, err := e.model(size)
	if err != nil {
		return nil, err
	}
	return sm.bandNet(), nil
}

// SetInput makes a preprocessed input ([size][size][3], values in [-1, 1]) the
// current frame, for benchmarks that feed every engine the same tensor: then
// Forward, or a banded run, and Logits.
func (e *Engine) SetInput(size int, input []float32) (BandNet, error) {
	e.Decode, e.Preprocess, e.Inference = 0, 0, 0
	sm, err := e.model(size)
	if err != nil {
		return nil, err
	}
	if err := sm.bandNet().SetInput(input); err != nil {
		return nil, err
	}
	e.last, e.bandStart = sm, time.Now()
	return sm.bandNet(), nil
}

// Logits are the last run's logits (owned by the engine), nil before any.
func (e *Engine) Logits() []float32 {
	if e.last == nil {
		return nil
	}
	return e.last.bandNet().Logits()
}

// BandPrepare decodes and preprocesses the current frame (see Run for width,
// height, size, crop) into the model's input buffer, and returns the model.
func (e *Engine) BandPrepare(width, height, size int, crop float64) (BandNet, error) {
	src, err := e.frameSource(width, height)
	if err != nil {
		return nil, err
	}
	sm, err := e.prepare(src, size, crop)
	if err != nil {
		return nil, err
	}
	if err := sm.bandNet().SetInput(sm.input); err != nil {
		return nil, err
	}
	e.bandStart = time.Now()
	return sm.bandNet(), nil
}

// BandFinish returns the top-k classes of the banded run that BandPrepare began,
// once every layer has run (the last ones on this engine).
func (e *Engine) BandFinish(topk int) ([]core.Prediction, error) {
	if e.last == nil {
		return nil, fmt.Errorf("no banded run was prepared")
	}
	if topk < 1 {
		return nil, fmt.Errorf("topk = %d: want at least 1", topk)
	}
	return e.finish(e.last.bandNet().Logits(), topk, e.bandStart), nil
}
