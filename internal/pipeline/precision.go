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
func NewInt8(qw *q8.Weights, size int) (*Engine, error) {
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

// newSized prepares the network at one input size, in the engine's precision.
func (e *Engine) newSized(size int) (*sizedModel, error) {
	if e.int8 != nil {
		m, err := q8.NewModel(e.int8, size)
		if err != nil {
			return nil, err
		}
		m.SetThreads(e.threads)
		return &sizedModel{int8: m, input: make([]float32, m.InputLen())}, nil
	}
	m, err := core.NewModel(e.weights, size)
	if err != nil {
		return nil, err
	}
	m.SetThreads(e.threads)
	return &sizedModel{model: m, input: make([]float32, m.InputLen())}, nil
}

func (sm *sizedModel) forward() ([]float32, error) {
	if sm.int8 != nil {
		return sm.int8.Forward(sm.input)
	}
	return sm.model.Forward(sm.input)
}

func (sm *sizedModel) size() int {
	if sm.int8 != nil {
		return sm.int8.Size
	}
	return sm.model.Size
}

func (sm *sizedModel) features() []float32 {
	if sm.int8 != nil {
		return sm.int8.Features()
	}
	return sm.model.Features()
}

// setThreads splits the model's layers across n goroutines.
func (sm *sizedModel) setThreads(n int) {
	if sm.int8 != nil {
		sm.int8.SetThreads(n)
		return
	}
	sm.model.SetThreads(n)
}

func (sm *sizedModel) close() {
	if sm.int8 != nil {
		sm.int8.Close()
		return
	}
	sm.model.Close()
}
