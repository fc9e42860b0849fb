package core

import (
	"time"

	"github.com/mobilenet-go/mobilenet/internal/workpool"
)

// Model is a MobileNet v1 ready to run at one input size: the layer table, its
// pre-packed weights and every activation buffer, allocated once. Forward allocates
// nothing. A Model is not safe for concurrent use; make one per goroutine or worker.
// Each layer's rows are split across the model's own helper goroutines (SetThreads;
// by default GOMAXPROCS natively, 1 under js/wasm); Close stops them.
type Model struct {
	Alpha  float64
	Size   int     // input is Size x Size x 3
	Layers []Layer // Architecture(Alpha, Size)

	in       []float32 // [Size+2][Size+2][3], zero border: the network input
	bordered []float32 // [H+2][W+2][C], zero border: conv1 / pointwise outputs feeding a depthwise layer
	dense    []float32 // [H][W][C]: depthwise outputs feeding a pointwise layer
	last     []float32 // [H][W][C]: the last pointwise output, feeding the pool
	pooled   []float32 // [C]: global average pool (the embedding)
	logits   []float32 // [1000]

	// Profile, when true, makes Forward record each layer's wall time in LayerTimes.
	Profile    bool
	LayerTimes []time.Duration // one per entry of Layers

	steps []step               // one per entry of Layers, with its weights and buffers: Forward runs each (steps.go)
	team  workpool.Team[Model] // the helper goroutines each layer is split across (SetThreads)
}

// NewModel prepares weights w to run on size x size inputs (rho: the same weights run
// at any multiple of 32). The weights' slices are not modified.
func NewModel(w *Weights, size int) (*Model, error) {
	if err := w.Check(); err != nil {
		return nil, err
	}
	arch, err := Architecture(w.Alpha, size)
	if err != nil {
		return nil, err
	}
	m := &Model{Alpha: w.Alpha, Size: size, Layers: arch, LayerTimes: make([]time.Duration, len(arch))}
	// Each layer of the table becomes a step: its weights packed for the kernels,
	// then the buffers it reads and writes (steps.go).
	m.steps = make([]step, len(arch))
	pi := 0 // w.Layers has no entry for the pool
	for li, l := range arch {
		st := &m.steps[li]
		st.l, st.parts = l, l.OutH
		if l.Kind != AvgPool {
			st.bindWeights(w.Layers[pi], splitsColumns(arch, li))
			pi++
		}
	}
	m.allocBuffers()
	m.bindBuffers()
	m.bindScratch()
	m.SetThreads(0)
	return m, nil
}

// InputLen is the number of floats Forward expects: Size*Size*3.
func (m *Model) InputLen() int { return m.Size * m.Size * 3 }

// Forward runs the network on one preprocessed input ([Size][Size][3] NHWC, values
// in [-1, 1]) and returns the 1000 logits (before softmax). The returned slice and
// Features are owned by the model and overwritten by the next call.
func (m *Model) Forward(input []float32) ([]float32, error) {
	if err := m.SetInput(input); err != nil {
		return nil, err
	}
	var times []time.Duration // Profile's per-layer record
	if m.Profile {
		times = m.LayerTimes
	}
	m.team.Forward(m, len(m.steps), times, (*Model).runLayer)
	return m.logits, nil
}

// runLayer runs layer li, on this goroutine or, when the helpers take part in this
// Forward, shared out among them (runSplit).
func (m *Model) runLayer(li int) {
	st := &m.steps[li]
	if st.bordered {
		st.clearFrame()
	}
	if m.team.Helping() {
		m.runSplit(li)
	} else {
		st.run(0, st.parts)
	}
}

// Features returns the pooled feature vector of the last Forward ([C] with
// C = int(1024*alpha)): the embedding used for transfer learning.
func (m *Model) Features() []float32 { return m.pooled }
