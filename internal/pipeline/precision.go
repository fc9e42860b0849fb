package pipeline

import (
	"fmt"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/kernels"
	"github.com/mobilenet-go/mobilenet/internal/q8"
)

// Precision is the arithmetic an Engine's network runs in.
type Precision string

const (
	F32  Precision = "f32"  // float32, TF.js's arithmetic (the default)
	Int8 Precision = "int8" // 8-bit weights and activations (internal/q8)
)

// ParsePrecision accepts "f32" (or "") and "int8".
func ParsePrecision(s string) (Precision, error) {
	switch Precision(s) {
	case "", F32:
		return F32, nil
	case Int8:
		return Int8, nil
	}
	return "", fmt.Errorf("precision %q: want f32 or int8", s)
}

// NewInt8 prepares int8 weights for input size (0: the size they were trained at).
func NewInt8(qw *core.Int8Weights, size int) (*Engine, error) {
	if err := qw.Check(); err != nil {
		return nil, fmt.Errorf("the model's int8 weights are not a MobileNet v1: %w", err)
	}
	return newEngine(&core.Weights{Alpha: qw.Alpha, Size: qw.Size}, qw, size) // shape only: the layers are int8
}

// Precision is the arithmetic the engine runs.
func (e *Engine) Precision() Precision {
	if e.int8 != nil {
		return Int8
	}
	return F32
}

// kernelName names the kernel set that runs: the f32 set, or the int8 one.
func (e *Engine) kernelName() string {
	if e.int8 != nil {
		return q8.KernelName
	}
	return kernels.Active().Name
}
