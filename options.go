package mobilenet

import (
	"fmt"

	"github.com/mobilenet-go/mobilenet/internal/pipeline"
)

// An Option configures Load.
type Option func(*options)

type options struct {
	size, threads int
	crop          float64
	precision     pipeline.Precision // "" or F32: float32; Int8 (precision.go)
	err           error              // the first invalid option, reported by Load
}

// WithSize sets the input size images are resized to: the paper's resolution
// multiplier rho, where 224, 192, 160 and 128 are the published points and any
// multiple of 32 works with the same weights. Smaller is faster (128 costs a third
// of 224) and somewhat less accurate. 0 means the size the weights were trained at.
// Load rejects other sizes.
func WithSize(n int) Option {
	return func(o *options) { o.size = n }
}

// WithCrop keeps the central fraction frac of each image (tf.image.central_crop)
// before resizing, as ImageNet evaluation does with 0.875. 0 or 1 keeps the whole image.
func WithCrop(frac float64) Option {
	return func(o *options) {
		if err := pipeline.CheckCrop(frac); err != nil {
			o.fail(fmt.Errorf("mobilenet: WithCrop: %w", err))
		}
		o.crop = frac
	}
}

// WithThreads sets how many goroutines split each layer's work. 0 (the default)
// means GOMAXPROCS natively and 1 under js/wasm.
func WithThreads(n int) Option {
	return func(o *options) {
		if n < 0 {
			o.fail(fmt.Errorf("mobilenet: WithThreads(%d): want 0 (automatic) or more", n))
		}
		o.threads = n
	}
}

func (o *options) fail(err error) {
	if o.err == nil {
		o.err = err
	}
}
