// Package pipeline is the one classify pipeline every front end shares (the library at
// the module root, the CLI, the wasm bridge): decode (with EXIF orientation), central
// crop, bilinear resize, forward pass, softmax, top-k. It has no weights-format or
// network dependencies, so the browser build stays small; loading lives elsewhere.
package pipeline

import (
	"fmt"
	"image"
	"time"

	"github.com/mobilenet-go/mobilenet/core"
)

// maxModels bounds how many input sizes (rho) keep a prepared model at once; each
// holds its own packed weights and activation buffers.
const maxModels = 4

// Engine classifies images with one set of weights at any supported input size.
// Steady state (same size, raw RGBA frames) allocates nothing: the frame buffer, the
// preprocessed input, the model and the top-k slice are all reused. An Engine is not
// safe for concurrent use.
type Engine struct {
	weights *core.Weights
	int8    *core.Int8Weights // set when the engine runs int8 (precision.go)
	models  map[int]*sizedModel
	threads int    // goroutines per layer for every model (0: core's default)
	frame   []byte // raw bytes of the current call, copied from JS once
	probs   []float32
	top     []core.Prediction

	// Timings of the last call.
	Decode, Preprocess, Inference time.Duration
	last                          *sizedModel
	bandStart                     time.Time // when BandPrepare finished (band.go)
}

type sizedModel struct {
	net   network   // f32 or int8 (network.go)
	input []float32 // [size][size][3], the preprocessed frame
}

// New prepares w for input size (0: the size it was trained at); other sizes are
// prepared on first use.
func New(w *core.Weights, size int) (*Engine, error) {
	if err := w.Check(); err != nil {
		return nil, fmt.Errorf("the model's weights are not a MobileNet v1: %w", err)
	}
	return newEngine(w, nil, size)
}

// newEngine makes an engine over f32 weights w, or over int8 weights qw (then w gives
// the shape only), and prepares it for input size.
func newEngine(w *core.Weights, qw *core.Int8Weights, size int) (*Engine, error) {
	e := &Engine{
		weights: w,
		int8:    qw,
		models:  map[int]*sizedModel{},
		probs:   make([]float32, core.NumClasses),
		top:     make([]core.Prediction, 0, core.NumClasses),
	}
	if _, err := e.model(size); err != nil {
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

// SetThreads sets the goroutines splitting each layer, for the prepared models and
// those prepared later (0: core's default, GOMAXPROCS natively and 1 under js/wasm).
func (e *Engine) SetThreads(n int) {
	e.threads = n
	for _, m := range e.models {
		m.net.SetThreads(n)
	}
}

// Threads is the goroutines each layer is split across.
func (e *Engine) Threads() int {
	if e.threads > 0 {
		return e.threads
	}
	return core.DefaultThreads()
}

// Close stops every model's helper goroutines. The Engine must not be used after.
func (e *Engine) Close() {
	for _, m := range e.models {
		m.net.Close()
	}
	clear(e.models)
	e.last = nil
}

func (e *Engine) model(size int) (*sizedModel, error) {
	if size == 0 {
		size = e.DefaultSize()
	}
	if m, ok := e.models[size]; ok {
		return m, nil
	}
	n, err := newNetwork(e.weights, e.int8, size, e.threads)
	if err != nil {
		return nil, err
	}
	if len(e.models) >= maxModels {
		for _, old := range e.models {
			old.net.Close() // stops its helper goroutines
		}
		clear(e.models)
		e.last = nil
	}
	sm := &sizedModel{net: n, input: make([]float32, n.InputLen())}
	e.models[size] = sm
	return sm, nil
}

// Frame returns the engine's reusable byte buffer resized to n bytes, for the caller
// to fill with the next image (encoded bytes or RGBA pixels) before Run.
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
	src, err := e.frameSource(width, height)
	if err != nil {
		return nil, err
	}
	return e.classify(src, size, crop, topk)
}

// frameSource is the current frame as Run and BandPrepare read it (width 0: encoded
// bytes, else width x height RGBA), or an error for a raw frame too small.
func (e *Engine) frameSource(width, height int) (source, error) {
	if width == 0 {
		return source{encoded: true, data: e.frame}, nil
	}
	if width < 0 || height <= 0 || len(e.frame) < width*height*4 {
		e.Decode, e.Preprocess, e.Inference = 0, 0, 0
		return source{}, fmt.Errorf("raw frame of %d bytes is too small for %dx%d RGBA (want width*height*4 = %d bytes)",
			len(e.frame), width, height, width*height*4)
	}
	return source{data: e.frame, width: width, height: height, stride: width * 4}, nil
}

// ClassifyEncoded classifies a JPEG, PNG, GIF or WebP image (a JPEG's EXIF
// orientation applied). Results are owned by the engine until the next call.
func (e *Engine) ClassifyEncoded(data []byte, size int, crop float64, topk int) ([]core.Prediction, error) {
	return e.classify(source{encoded: true, data: data}, size, crop, topk)
}

// ClassifyImage classifies a decoded image, as it is (no orientation applied).
func (e *Engine) ClassifyImage(img image.Image, size int, crop float64, topk int) ([]core.Prediction, error) {
	if img == nil {
		e.Decode, e.Preprocess, e.Inference = 0, 0, 0
		return nil, fmt.Errorf("mobilenet: nil image")
	}
	return e.classify(source{img: img}, size, crop, topk)
}

// CheckCrop accepts a central crop fraction in (0, 1], or 0 for the whole image.
func CheckCrop(crop float64) error {
	if !(crop >= 0 && crop <= 1) {
		return fmt.Errorf("crop = %v: want the central fraction to keep, in (0, 1], or 0 for the whole image", crop)
	}
	return nil
}

// source is one image in whichever form it arrived: encoded bytes (encoded), a
// decoded image (img), or raw RGBA pixels (data, width, height, stride).
type source struct {
	encoded               bool
	data                  []byte
	img                   image.Image
	width, height, stride int
}

// classify is the pipeline: decode, orientation, crop, resize, forward, softmax, top-k.
func (e *Engine) classify(src source, size int, crop float64, topk int) ([]core.Prediction, error) {
	if topk < 1 {
		e.Decode, e.Preprocess, e.Inference = 0, 0, 0
		return nil, fmt.Errorf("topk = %d: want at least 1", topk)
	}
	sm, err := e.prepare(src, size, crop)
	if err != nil {
		return nil, err
	}
	t1 := time.Now()
	logits, err := sm.net.Forward(sm.input)
	if err != nil {
		return nil, err
	}
	return e.finish(logits, topk, t1), nil
}

// finish turns logits into the top-k classes, timing the inference from t1.
func (e *Engine) finish(logits []float32, topk int, t1 time.Time) []core.Prediction {
	core.Softmax(e.probs, logits)
	e.top = core.TopK(e.top, e.probs, topk)
	e.Inference = time.Since(t1)
	return e.top
}

// prepare decodes (if encoded), crops and resizes src into the size's model input.
func (e *Engine) prepare(src source, size int, crop float64) (*sizedModel, error) {
	e.Decode, e.Preprocess, e.Inference = 0, 0, 0
	if err := CheckCrop(crop); err != nil {
		return nil, err
	}
	sm, err := e.model(size)
	if err != nil {
		return nil, err
	}
	e.last = sm
	s := sm.net.size()
	t0 := time.Now()
	if src.encoded {
		img, err := core.DecodeImage(src.data) // applies a JPEG's EXIF orientation
		if err != nil {
			return nil, err
		}
		src.img = img
		t1 := time.Now()
		e.Decode = t1.Sub(t0)
		t0 = t1
	}
	if src.img != nil {
		err = core.PreprocessImage(sm.input, src.img, s, crop)
	} else {
		err = core.PreprocessRGBA(sm.input, src.data, src.width, src.height, src.stride, s, crop)
	}
	if err != nil {
		return nil, err
	}
	e.Preprocess = time.Since(t0)
	return sm, nil
}

// Features is the pooled embedding of the last classification (owned by the engine).
func (e *Engine) Features() []float32 {
	if e.last == nil {
		return nil
	}
	return e.last.net.Features()
}

// Info describes the network at one input size.
type Info struct {
	Alpha         float64 `json:"alpha"`
	Size          int     `json:"size"`
	MultAdds      int64   `json:"multAdds"`
	Params        int64   `json:"params"`
	FeatureLength int     `json:"featureLength"`
	Kernels       string  `json:"kernels"`   // the kernel set: "generic" (reference), "avx2", "avx512", "wasm-simd"; int8: "int8-generic", "int8-wasm-dot16", "int8-wasm-relaxed", "int8-avx2"
	Precision     string  `json:"precision"` // "f32" or "int8"
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
	return Info{Alpha: e.weights.Alpha, Size: size, MultAdds: ma, Params: p,
		FeatureLength: arch[len(arch)-1].InC, Kernels: e.kernelName(), Precision: string(e.Precision())}, nil
}
