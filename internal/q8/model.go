package q8

import (
	"time"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/workpool"
)

// Model is an int8 MobileNet v1 ready to run at one input size: the layer table, the
// quantized weights bound to their requantization factors (pointwise ones packed for
// the platform's kernel) and every activation buffer, allocated once. Forward
// allocates nothing. A Model is not safe for concurrent use; it runs on the
// caller's goroutine, with helper goroutines after SetThreads (parallel.go).
type Model struct {
	Alpha  float64
	Size   int
	Layers []core.Layer

	steps    []qstep
	in       []int16 // the quantized network input, [Size][Size][3]
	ping     []int16 // activations alternate between ping and pong
	pong     []int16
	pooled   []int16
	features []float32
	logits   []float32
	kernels  string // KernelName when the layers were packed

	ws   []Workspace          // one per thread: the kernels' scratch
	team workpool.Team[Model] // the helper goroutines each layer is split across (SetThreads)

	// Profile, when true, makes Forward record each layer's wall time in LayerTimes.
	Profile    bool
	LayerTimes []time.Duration // one per entry of Layers
}

// qstep is one layer bound to its packed kernel: pw for the first conv (as Im2col
// patches), the pointwise layers and the classifier, dw for the depthwise layers.
type qstep struct {
	l  core.Layer
	pw *PW
	dw *DW
}

// slack is the spare int16 values past every activation buffer: the wasm pointwise
// kernel reads its input two values at a time, so an odd K reads one value past the
// last pixel (multiplied by a zero weight).
const slack = 8

// NewModel prepares int8 weights for size x size inputs (any multiple of 32).
func NewModel(w *core.Int8Weights, size int) (*Model, error) {
	if err := w.Check(); err != nil {
		return nil, err
	}
	arch, err := core.Architecture(w.Alpha, size)
	if err != nil {
		return nil, err
	}
	m := &Model{Alpha: w.Alpha, Size: size, Layers: arch, LayerTimes: make([]time.Duration, len(arch)), kernels: KernelName,
		ws: make([]Workspace, 1)}
	maxAct, pi := 0, 0
	inMax := int16(ActMax) // the largest value of the layer's input (conv1's output)
	for _, l := range arch {
		st := qstep{l: l}
		maxAct = max(maxAct, l.OutH*l.OutW*l.OutC, l.InH*l.InW*l.InC)
		if l.Kind != core.AvgPool {
			p := w.Layers[pi]
			pi++
			// Per-channel factors: requantization (m, b), or for the classifier the
			// logit scales and the biases.
			var mul, add []float32
			switch l.Kind {
			case core.Conv3x3:
				mul, add = requantFactors(p, InputScale, ActScale)
			case core.FullyConn:
				mul, add = logitScales(p), p.Bias
				st.pw = NewLogits(p.Kernel, mul, add, l.InC, l.OutC)
			default:
				mul, add = requantFactors(p, actScale(inMax), actScale(actMax(pi-1, l.Kind)))
			}
			if l.Kind == core.Depthwise {
				st.dw = NewDW(p.Kernel, mul, add, l.InC, actMax(pi-1, l.Kind))
			}
			switch {
			case l.Kind == core.Pointwise && inMax == Act7Max: // relaxed SIMD's 8-bit dot, where built in
				st.pw = NewPW7(p.Kernel, mul, add, l.InC, l.OutC)
			case l.Kind == core.Pointwise: // unsigned inputs: VNNI's u8 x s8, where present
				st.pw = NewPWU8(p.Kernel, mul, add, l.InC, l.OutC)
			case l.Kind == core.Conv3x3:
				st.pw = NewPW(p.Kernel, mul, add, l.KernelLen()/l.OutC, l.OutC)
			}
			inMax = actMax(pi-1, l.Kind)
		}
		m.steps = append(m.steps, st)
	}
	m.in = make([]int16, size*size*3+slack)
	m.ping = make([]int16, maxAct+slack)
	m.pong = make([]int16, maxAct+slack)
	c := arch[len(arch)-1].InC
	m.pooled = make([]int16, c+slack)
	m.features = make([]float32, c)
	m.logits = make([]float32, core.NumClasses)
	m.reserve(&m.ws[0])
	return m, nil
}

// InputLen is the number of floats Forward expects: Size*Size*3.
func (m *Model) InputLen() int { return m.Size * m.Size * 3 }

// Forward runs the network on one preprocessed input ([Size][Size][3], values in
// [-1, 1], as core.Model takes) and returns the 1000 logits, owned by the model
// until the next call.
func (m *Model) Forward(input []float32) ([]float32, error) {
	if err := m.SetInput(input); err != nil {
		return nil, err
	}
	var times []time.Duration
	if m.Profile {
		times = m.LayerTimes
	}
	m.team.Forward(m, len(m.Layers), times, (*Model).runLayer) // parallel.go
	return m.logits, nil
}

// Kernels names the kernel set Forward runs.
func (m *Model) Kernels() string { return m.kernels }

// MultAdds is the multiply-adds of one Forward.
func (m *Model) MultAdds() int64 {
	ma, _ := core.Totals(m.Layers)
	return ma
}

// Features is the pooled feature vector of the last Forward, dequantized.
func (m *Model) Features() []float32 { return m.features }
