// Command classifier is the MobileNet engine behind a coarse syscall/js interface for a
// Web Worker (bridge_js.go). The engine itself (this file) is plain Go so the native
// build of the same package (native.go) can serve as the test oracle for the Node tests.
package main

import (
	"fmt"
	"time"

	"github.com/mobilenet-go/mobilenet/core"
)

// maxModels bounds how many input sizes (rho) keep a prepared model at once; each
// holds its own packed weights and activation buffers.
const maxModels = 4

// Engine classifies images with one set of weights at any supported input size.
// Steady state (same size, raw RGBA frames) allocates nothing: the frame buffer, the
// preprocessed input, the model and the top-k slice are all reused.
type Engine struct {
	weights *core.Weights
	models  map[int]*sizedModel
	frame   []byte // raw bytes of the current call, copied from JS once
	probs   []float32
	top     []core.Prediction

	// Timings of the last call.
	Decode, Preprocess, Inference time.Duration
	last                          *sizedModel
}

type sizedModel struct {
	model *core.Model
	input []float32 // [size][size][3], the preprocessed frame
}

// NewEngine prepares w for its training size; other sizes are prepared on first use.
func NewEngine(w *core.Weights) (*Engine, error) {
	if err := w.Check(); err != nil {
		return nil, fmt.Errorf("the model's weights are not a MobileNet v1: %w", err)
	}
	e := &Engine{
		weights: w,
		models:  map[int]*sizedModel{},
		probs:   make([]float32, core.NumClasses),
		top:     make([]core.Prediction, 0, core.NumClasses),
	}
	if _, err := e.model(0); err != nil {
		return nil, err
	}
	return e, nil
}

// DefaultSize is the input size the weights were trained at (224 when unknown).
func (e *Engine) DefaultSize() int {
	if e.weights.Size > 0 {
		return e.weights.Size
	}
	return 224
}

// Weights are the loaded weights.
func (e *Engine) Weights() *core.Weights { return e.weights }

func (e *Engine) model(size int) (*sizedModel, error) {
	if size == 0 {
		size = e.DefaultSize()
	}
	if m, ok := e.models[size]; ok {
		return m, nil
	}
	m, err := core.NewModel(e.weights, size)
	if err != nil {
		return nil, err
	}
	if len(e.models) >= maxModels {
		for _, old := range e.models {
			old.model.Close() // stops its helper goroutines
		}
		clear(e.models)
		e.last = nil
	}
	sm := &sizedModel{model: m, input: make([]float32, m.InputLen())}
	e.models[size] = sm
	return sm, nil
}

// Frame returns the engine's reusable byte buffer resized to n bytes, for the caller
// to fill with the next image (encoded bytes or RGBA pixels).
func (e *Engine) Frame(n int) []byte {
	if cap(e.frame) < n {
		e.frame = make([]byte, n)
	}
	e.frame = e.frame[:n]
	return e.frame
}

// Run classifies the current frame: encoded image bytes when width == 0, else
// width x height RGBA pixels (stride width*4). size 0 means the default size; crop is
// the central fraction kept (0 or 1 = whole image). It returns the topk classes,
// best first, owned by the engine until the next call.
func (e *Engine) Run(width, height, size int, crop float64, topk int) ([]core.Prediction, error) {
	e.Decode, e.Preprocess, e.Inference = 0, 0, 0
	if !(crop >= 0 && crop <= 1) {
		return nil, fmt.Errorf("crop = %v: want the central fraction to keep, in (0, 1], or 0 for the whole image", crop)
	}
	if topk < 1 {
		return nil, fmt.Errorf("topk = %d: want at least 1", topk)
	}
	sm, err := e.model(size)
	if err != nil {
		return nil, err
	}
	e.last = sm
	s := sm.model.Size
	t0 := time.Now()
	if width == 0 {
		img, err := core.DecodeImage(e.frame)
		if err != nil {
			return nil, err
		}
		t1 := time.Now()
		e.Decode = t1.Sub(t0)
		t0 = t1
		if err := core.PreprocessImage(sm.input, img, s, crop); err != nil {
			return nil, err
		}
	} else {
		if width < 0 || height <= 0 || len(e.frame) < width*height*4 {
			return nil, fmt.Errorf("raw frame of %d bytes is too small for %dx%d RGBA (want width*height*4 = %d bytes)",
				len(e.frame), width, height, width*height*4)
		}
		if err := core.PreprocessRGBA(sm.input, e.frame, width, height, width*4, s, crop); err != nil {
			return nil, err
		}
	}
	t1 := time.Now()
	e.Preprocess = t1.Sub(t0)
	logits, err := sm.model.Forward(sm.input)
	if err != nil {
		return nil, err
	}
	core.Softmax(e.probs, logits)
	e.top = core.TopK(e.top, e.probs, topk)
	e.Inference = time.Since(t1)
	return e.top, nil
}

// Features is the pooled embedding of the last Run.
func (e *Engine) Features() []float32 {
	if e.last == nil {
		return nil
	}
	return e.last.model.Features()
}

// Info describes the network at one input size.
type Info struct {
	Alpha         float64 `json:"alpha"`
	Size          int     `json:"size"`
	MultAdds      int64   `json:"multAdds"`
	Params        int64   `json:"params"`
	FeatureLength int     `json:"featureLength"`
}

// Info returns the network's size and cost at input size (0 = default).
func (e *Engine) Info(size int) (Info, error) {
	if size == 0 {
		size = e.DefaultSize()
	}
	arch, err := core.Architecture(e.weights.Alpha, size)
	if err != nil {
		return Info{}, err
	}
	ma, p := core.Totals(arch)
	return Info{Alpha: e.weights.Alpha, Size: size, MultAdds: ma, Params: p, FeatureLength: arch[len(arch)-1].InC}, nil
}
