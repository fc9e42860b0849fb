package mobilenet

import (
	"fmt"

	"github.com/mobilenet-go/mobilenet/internal/pipeline"
)

// WithPrecision chooses the arithmetic: "f32" (the default, TF.js's float32 results)
// or "int8" (8-bit weights and activations: about a quarter of the weights' bytes;
// on the 500 shared photos the 0.75-224 model keeps top-1 within 4 photos of f32).
// Both split each layer across WithThreads goroutines, with the same results.
func WithPrecision(p string) Option {
	return func(o *options) {
		prec, err := pipeline.ParsePrecision(p)
		if err != nil {
			o.fail(fmt.Errorf("mobilenet: WithPrecision: %w", err))
		}
		o.precision = prec
	}
}
