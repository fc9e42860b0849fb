package core

import (
	"fmt"
	"runtime"
	"time"

	"github.com/mobilenet-go/mobilenet/core/kernels"
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

	conv *kernels.ConvWeights
	dw   []*kernels.DWWeights // [13]
	pw   []*kernels.PWWeights // [13]
	fc   *kernels.PWWeights   // nil when split (splitColumns)

	in       []float32 // [Size+2][Size+2][3], zero border: the network input
	bordered []float32 // [H+2][W+2][C], zero border: conv1 / pointwise outputs feeding a depthwise layer
	dense    []float32 // [H][W][C]: depthwise outputs feeding a pointwise layer
	last     []float32 // [H][W][C]: the last pointwise output, feeding the pool
	pooled   []float32 // [C]: global average pool (the embedding)
	logits   []float32 // [1000]

	// Profile, when true, makes Forward record each layer's wall time in LayerTimes.
	Profile    bool
	LayerTimes []time.Duration // one per entry of Layers

	steps   []step // one per entry of Layers: what runRows does for it
	threads int    // goroutines per layer, the caller's included (SetThreads)
	pool    *workerPool
	cleanup runtime.Cleanup // closes pool when the Model is collected
	chooser helperChooser   // whether helpers pay off on this machine right now
	// useHelpers says whether the current Forward splits layers; forceHelpers
	// (tests) makes every Forward do so.
	useHelpers, forceHelpers bool
}

// step is one layer bound to its weights and buffers, fixed at NewModel, so Forward
// and the helper goroutines run a layer by index with no closures (no allocation).
type step struct {
	src      []float32
	out      kernels.Out
	geom     kernels.Geom
	conv     *kernels.ConvWeights
	dw       *kernels.DWWeights
	pw       *kernels.PWWeights
	cols     []colBlock // instead of pw: the layer's output channels in blocks (splitColumns)
	scratch  []float32  // dense [H][W][C] where a column-split layer with a bordered out computes
	bordered bool       // out is the interior of m.bordered, whose frame Forward clears first
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
	var maxB, maxD int
	pi := 0
	cols := make(map[int][]colBlock) // column-split layers, by index
	for li, l := range arch {
		switch l.Kind {
		case Conv3x3:
			p := w.Layers[pi]
			m.conv = kernels.NewConv(p.Kernel, p.Bias, l.InC, l.OutC)
		case Depthwise:
			p := w.Layers[pi]
			m.dw = append(m.dw, kernels.NewDW(p.Kernel, p.Bias, l.InC))
			maxB = max(maxB, (l.InH+2)*(l.InW+2)*l.InC)
			maxD = max(maxD, l.OutH*l.OutW*l.OutC)
		case Pointwise:
			p := w.Layers[pi]
			if arch[li+1].Kind == AvgPool {
				m.last = make([]float32, l.OutH*l.OutW*l.OutC)
			}
			if splitColumnsHere && (arch[li+1].Kind == AvgPool || l.OutH*l.OutW <= columnSplitPixels) {
				cols[li] = splitColumns(p, l.InC, l.OutC, true)
				m.pw = append(m.pw, nil)
			} else {
				m.pw = append(m.pw, kernels.NewPW(p.Kernel, p.Bias, l.InC, l.OutC, true))
			}
		case FullyConn:
			if splitColumnsHere {
				cols[li] = splitColumns(w.Layers[pi], l.InC, l.OutC, false)
			} else {
				m.fc = kernels.NewPW(w.Layers[pi].Kernel, w.Layers[pi].Bias, l.InC, l.OutC, false)
			}
		case AvgPool:
			m.pooled = make([]float32, l.InC)
			continue
		}
		pi++
	}
	m.in = make([]float32, (size+2)*(size+2)*3)
	m.bordered = make([]float32, maxB)
	m.dense = make([]float32, maxD)
	m.logits = make([]float32, NumClasses)
	m.steps = m.bindSteps()
	// Column-split layers with a bordered output compute densely first, in m.last
	// (free until the last layer) if it is large enough.
	scratch := m.last
	for li, c := range cols {
		st, l := &m.steps[li], m.Layers[li]
		st.cols = c
		if n := l.OutH * l.OutW * l.OutC; st.bordered && n > len(scratch) {
			scratch = make([]float32, n)
		}
	}
	for li := range cols {
		if st, l := &m.steps[li], m.Layers[li]; st.bordered {
			st.scratch = scratch[:l.OutH*l.OutW*l.OutC]
		}
	}
	m.SetThreads(0)
	return m, nil
}

// InputLen is the number of floats Forward expects: Size*Size*3.
func (m *Model) InputLen() int { return m.Size * m.Size * 3 }

// Forward runs the network on one preprocessed input ([Size][Size][3] NHWC, values
// in [-1, 1]) and returns the 1000 logits (before softmax). The returned slice and
// Features are owned by the model and overwritten by the next call.
func (m *Model) Forward(input []float32) ([]float32, error) {
	if len(input) != m.InputLen() {
		return nil, fmt.Errorf("mobilenet: input has %d values, the %dx%d model wants %d (%dx%dx3)",
			len(input), m.Size, m.Size, m.InputLen(), m.Size, m.Size)
	}
	// Copy the input into the interior of the zero-bordered buffer.
	s, row := m.Size, (m.Size+2)*3
	for y := 0; y < s; y++ {
		copy(m.in[(y+1)*row+3:][:s*3], input[y*s*3:][:s*3])
	}
	var start time.Time
	t0 := time.Now()
	m.beginParallel()
	defer m.endParallel(t0)
	for li, l := range m.Layers {
		if m.Profile {
			start = time.Now()
		}
		switch l.Kind {
		case AvgPool:
			kernels.AvgPool(m.pooled, m.steps[li].src, l.InH*l.InW, l.InC)
		default:
			if m.steps[li].bordered {
				m.clearFrame(l, m.steps[li].out.Buf)
			}
			m.runLayer(li)
		}
		if m.Profile {
			m.LayerTimes[li] = time.Since(start)
		}
	}
	return m.logits, nil
}

// Features returns the pooled feature vector of the last Forward ([C] with
// C = int(1024*alpha)): the embedding used for transfer learning.
func (m *Model) Features() []float32 { return m.pooled }

// bindSteps fixes every layer's input, output and weights. Activations ping-pong:
// conv1 and pointwise layers feeding a depthwise layer write the interior of the
// zero-bordered buffer; depthwise layers write the dense buffer; the last pointwise
// layer writes m.last, which the pool reads.
func (m *Model) bindSteps() []step {
	steps := make([]step, len(m.Layers))
	src := m.in
	dwi, pwi := 0, 0
	for li, l := range m.Layers {
		st := &steps[li]
		st.src = src
		switch l.Kind {
		case Conv3x3:
			st.out, st.bordered = m.borderedOut(l), true
			st.geom, st.conv = kernels.SameGeom(l.InH, l.InW, l.Stride), m.conv
		case Depthwise:
			st.out = kernels.Out{Buf: centered(m.dense, l.OutH*l.OutW*l.OutC), RowStride: l.OutW * l.OutC}
			st.geom, st.dw = kernels.SameGeom(l.InH, l.InW, l.Stride), m.dw[dwi]
			dwi++
		case Pointwise:
			st.out, st.pw = kernels.Out{Buf: m.last, RowStride: l.OutW * l.OutC}, m.pw[pwi]
			if m.Layers[li+1].Kind == Depthwise {
				st.out, st.bordered = m.borderedOut(l), true
			}
			pwi++
		case AvgPool:
			st.out = kernels.Out{Buf: m.pooled}
		case FullyConn:
			st.out, st.pw = kernels.Out{Buf: m.logits, RowStride: NumClasses}, m.fc
		}
		src = st.out.Buf
	}
	return steps
}

// runRows computes output rows [y0, y1) of layer li (not the pool), or for a
// column-split layer its column blocks [y0, y1).
func (m *Model) runRows(li, y0, y1 int) {
	st := &m.steps[li]
	if st.cols != nil {
		m.runColumns(li, y0, y1)
		return
	}
	switch m.Layers[li].Kind {
	case Conv3x3:
		kernels.Conv3x3(st.out, st.src, st.conv, st.geom, y0, y1)
	case Depthwise:
		kernels.Depthwise3x3(st.out, st.src, st.dw, st.geom, y0, y1)
	case Pointwise, FullyConn:
		kernels.Pointwise(st.out, st.src, st.pw, m.Layers[li].OutW, y0, y1)
	}
}

// borderedOut points a layer's output at the interior of the bordered buffer.
func (m *Model) borderedOut(l Layer) kernels.Out {
	w, c := l.OutW+2, l.OutC
	return kernels.Out{Buf: centered(m.bordered, (l.OutH+2)*w*c), Off: (w + 1) * c, RowStride: w * c}
}

// clearFrame zeroes the one-pixel frame of layer l's bordered output buf, which
// other layers' interiors overwrite (the interior is overwritten by l itself).
func (m *Model) clearFrame(l Layer, buf []float32) {
	w, c := l.OutW+2, l.OutC
	clear(buf[:w*c])
	clear(buf[(l.OutH+1)*w*c:])
	for y := 1; y <= l.OutH; y++ {
		clear(buf[y*w*c:][:c])
		clear(buf[(y*w+w-1)*c:][:c])
	}
}
