// Package mobilenet classifies images with MobileNet v1 (Howard et al. 2017) in pure
// Go: load pretrained weights, then classify any image.Image, encoded image bytes or
// an image file into the 1000 ImageNet classes.
//
//	clf, err := mobilenet.Load("mobilenet_v1_0.75_224.mnw")
//	if err != nil { ... }
//	defer clf.Close()
//	top, err := clf.ClassifyFile("photo.jpg", 5)
//	for _, p := range top {
//		fmt.Printf("%4d %-30s %.3f\n", p.Index, p.Label, p.Probability)
//	}
//
// Load takes a packed .mnw file, a TF.js layers model directory or its model.json, or
// an http(s) URL of either: Google hosts every width and resolution at
// https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_{0.25,0.50,0.75,1.0}_{128,160,192,224}/model.json.
// Options choose the input size (the paper's resolution multiplier rho), a central
// crop and the goroutines each layer is split across.
//
// # Speed: build with GOEXPERIMENT=simd
//
// Built with GOEXPERIMENT=simd, the network runs on SIMD kernels: AVX-512
// or AVX2+FMA on amd64 (picked at run time for the CPU), 128-bit wasm SIMD under
// GOOS=js GOARCH=wasm. Without it, and on other architectures, the plain-Go reference
// kernels run: the same answers, about 20x slower (the 0.75-224 forward pass takes
// ~6 ms on one AVX-512 core with SIMD, ~115 ms without).
//
//	GOEXPERIMENT=simd go run .
//
// Info().Kernels says which set a program runs: "avx512", "avx2", "wasm-simd", or
// "generic" for the reference kernels.
//
// The command mobilenet (cmd/mobilenet) and the browser module in the repository's
// web/ folder (this engine compiled to WebAssembly) run the same classify pipeline.
package mobilenet

import (
	"errors"
	"fmt"
	"image"
	"os"
	"strings"
	"sync"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/pipeline"
	"github.com/mobilenet-go/mobilenet/weights"
)

// NumClasses is the number of ImageNet classes a prediction can name.
const NumClasses = 1000

// ErrClosed is returned by every method of a Classifier after Close.
var ErrClosed = errors.New("mobilenet: classifier is closed")

// Prediction is one class of a classification.
type Prediction struct {
	Index       int     `json:"index"`       // ImageNet class, 0..999
	Label       string  `json:"label"`       // its names, e.g. "tench, Tinca tinca"
	Probability float32 `json:"probability"` // softmax probability, 0..1
}

// Classifier is a loaded model ready to classify images. It is safe for concurrent
// use: calls are serialized, each one running its forward pass on the classifier's
// threads (see WithThreads). For more throughput from many goroutines, load one
// Classifier per goroutine with WithThreads(1).
type Classifier struct {
	mu     sync.Mutex
	engine *pipeline.Engine // nil once closed
	size   int
	crop   float64
}

// Load reads MobileNet v1 weights from src and prepares them to classify. src is a
// packed .mnw file, a TF.js layers model directory, a model.json path, or an http(s)
// URL of a .mnw or a model.json; the format is detected from the content.
//
// Which kernels run is fixed when the program is built: with GOEXPERIMENT=simd the
// SIMD kernels (AVX-512 or AVX2 on amd64, wasm SIMD), without it the plain-Go
// reference kernels, about 20x slower. Info().Kernels tells which.
func Load(src string, opts ...Option) (*Classifier, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.err != nil {
		return nil, o.err
	}
	e, err := loadEngine(src, o)
	if err != nil {
		return nil, err
	}
	e.SetThreads(o.threads)
	return &Classifier{engine: e, size: o.size, crop: o.crop}, nil
}

// loadEngine loads src for o's precision: int8 uses an int8 .mnw file's stored
// weights (weights.LoadInt8), quantizing only float models.
func loadEngine(src string, o options) (*pipeline.Engine, error) {
	var e *pipeline.Engine
	var err error
	if o.precision == pipeline.Int8 {
		var q *core.Int8Weights
		if q, err = weights.LoadInt8(src); err == nil {
			e, err = pipeline.NewInt8(q, o.size)
		}
	} else {
		var w *core.Weights
		if w, err = weights.Load(src); err == nil {
			e, err = pipeline.New(w, o.size)
		}
	}
	if err != nil {
		return nil, wrap(err)
	}
	return e, nil
}

// Classify returns the k most probable classes of img, best first (k above
// NumClasses gives all of them). The image is used as it is: to honour a JPEG's EXIF
// orientation, pass the encoded bytes to ClassifyBytes instead.
func (c *Classifier) Classify(img image.Image, k int) ([]Prediction, error) {
	if img == nil {
		return nil, errors.New("mobilenet: Classify: nil image")
	}
	return c.classify(k, func(e *pipeline.Engine) ([]core.Prediction, error) {
		return e.ClassifyImage(img, c.size, c.crop, k)
	})
}

// ClassifyBytes decodes a JPEG, PNG, GIF (first frame) or WebP image, applying a
// JPEG's EXIF orientation as a browser would, and returns its k most probable classes.
// Images over 40 megapixels are refused from their header.
func (c *Classifier) ClassifyBytes(data []byte, k int) ([]Prediction, error) {
	return c.classify(k, func(e *pipeline.Engine) ([]core.Prediction, error) {
		return e.ClassifyEncoded(data, c.size, c.crop, k)
	})
}

// ClassifyFile is ClassifyBytes on the contents of the file at path.
func (c *Classifier) ClassifyFile(path string, k int) ([]Prediction, error) {
	if err := validK(k); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("mobilenet: %w", err)
	}
	top, err := c.ClassifyBytes(data, k)
	if err != nil && !errors.Is(err, ErrClosed) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return top, err
}

// Embed returns img's embedding: the globally pooled features before the classifier
// layer (int(1024*alpha) values), for similarity search or transfer learning.
func (c *Classifier) Embed(img image.Image) ([]float32, error) {
	if img == nil {
		return nil, errors.New("mobilenet: Embed: nil image")
	}
	var features []float32
	err := c.locked(func(e *pipeline.Engine) error {
		if _, err := e.ClassifyImage(img, c.size, c.crop, 1); err != nil {
			return err
		}
		features = append([]float32(nil), e.Features()...)
		return nil
	})
	return features, err
}

// classify validates k, runs one classification and copies the engine's reused
// result slice out for the caller.
func (c *Classifier) classify(k int, run func(*pipeline.Engine) ([]core.Prediction, error)) ([]Prediction, error) {
	if err := validK(k); err != nil {
		return nil, err
	}
	var out []Prediction
	err := c.locked(func(e *pipeline.Engine) error {
		top, err := run(e)
		if err != nil {
			return err
		}
		out = make([]Prediction, len(top))
		for i, p := range top {
			out[i] = Prediction(p)
		}
		return nil
	})
	return out, err
}

// locked runs f on the engine under the lock, unless the classifier is closed.
func (c *Classifier) locked(f func(*pipeline.Engine) error) (err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.engine == nil {
		return ErrClosed
	}
	defer recoverImage(&err)
	if err := f(c.engine); err != nil {
		return wrap(err)
	}
	return nil
}

// recoverImage turns a panic while reading the caller's image (a nil *image.RGBA, an
// image.Image whose At panics) into an error instead of taking the program down.
func recoverImage(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("mobilenet: reading the image failed: %v", r)
	}
}

// wrap prefixes the package name unless the error (from core) already has it.
func wrap(err error) error {
	if strings.HasPrefix(err.Error(), "mobilenet: ") {
		return err
	}
	return fmt.Errorf("mobilenet: %w", err)
}

func validK(k int) error {
	if k < 1 {
		return fmt.Errorf("mobilenet: k = %d: want at least 1 class", k)
	}
	return nil
}

// Info describes a loaded model and how it runs.
type Info struct {
	Alpha    float64 // width multiplier: 0.25, 0.5, 0.75 or 1
	Size     int     // input size (rho * 224): images are resized to Size x Size
	MultAdds int64   // multiply-adds per image (the paper's Table 6 counts)
	Params   int64   // learned parameters
	Features int     // length of an Embed vector
	// Kernels is the kernel set: "avx512" or "avx2" (amd64), "wasm-simd", or "generic",
	// the plain-Go reference kernels of a build without GOEXPERIMENT=simd (~20x slower).
	Kernels   string
	Threads   int    // goroutines each layer is split across
	Precision string // "f32" or "int8" (WithPrecision)
}

// Info returns the model's shape, cost and the kernels it runs on.
func (c *Classifier) Info() (Info, error) {
	var info Info
	err := c.locked(func(e *pipeline.Engine) error {
		in, err := e.Info(c.size)
		if err != nil {
			return err
		}
		info = Info{Alpha: in.Alpha, Size: in.Size, MultAdds: in.MultAdds, Params: in.Params,
			Features: in.FeatureLength, Kernels: in.Kernels, Threads: e.Threads(), Precision: in.Precision}
		return nil
	})
	return info, err
}

// Close stops the classifier's helper goroutines and releases the model. Later calls
// return ErrClosed; closing again does nothing.
func (c *Classifier) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.engine != nil {
		c.engine.Close()
		c.engine = nil
	}
	return nil
}
