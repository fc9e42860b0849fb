package core

import (
	"fmt"
	"time"

	"github.com/mobilenet-go/mobilenet/core/kernels"
)

// Model is a MobileNet v1 ready to run at one input size: the layer table, its
// pre-packed weights and every activation buffer, allocated once. Forward allocates
// nothing. A Model is not safe for concurrent use; make one per goroutine or worker.
type Model struct {
	Alpha  float64
	Size   int     // input is Size x Size x 3
	Layers []Layer // Architecture(Alpha, Size)

	conv *kernels.ConvWeights
	dw   []*kernels.DWWeights // [13]
	pw   []*kernels.PWWeights // [13]
	fc   *kernels.PWWeights

	in       []float32 // [Size+2][Size+2][3], zero border: the network input
	bordered []float32 // [H+2][W+2][C], zero border: conv1 / pointwise outputs feeding a depthwise layer
	dense    []float32 // [H][W][C]: depthwise outputs feeding a pointwise layer
	last     []float32 // [H][W][C]: the last pointwise output, feeding the pool
	pooled   []float32 // [C]: global average pool (the embedding)
	logits   []float32 // [1000]

	// Profile, when true, makes Forward record each layer's wall time in LayerTimes.
	Profile    bool
	LayerTimes []time.Duration // one per entry of Layers

	par parallel
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
	for _, l := range arch {
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
			m.pw = append(m.pw, kernels.NewPW(p.Kernel, p.Bias, l.InC, l.OutC, true))
			m.last = make([]float32, l.OutH*l.OutW*l.OutC) // the last one wins
		case FullyConn:
			p := w.Layers[pi]
			m.fc = kernels.NewPW(p.Kernel, p.Bias, l.InC, l.OutC, false)
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
	m.par = newParallel()
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
	src := m.in
	dwi, pwi := 0, 0
	for li, l := range m.Layers {
		if m.Profile {
			start = time.Now()
		}
		switch l.Kind {
		case Conv3x3:
			out := m.borderedOut(l)
			g := kernels.SameGeom(l.InH, l.InW, l.Stride)
			m.par.rows(l.OutH, func(y0, y1 int) { kernels.Conv3x3(out, src, m.conv, g, y0, y1) })
			src = m.bordered
		case Depthwise:
			out := kernels.Out{Buf: m.dense, RowStride: l.OutW * l.OutC}
			g := kernels.SameGeom(l.InH, l.InW, l.Stride)
			w := m.dw[dwi]
			m.par.rows(l.OutH, func(y0, y1 int) { kernels.Depthwise3x3(out, src, w, g, y0, y1) })
			dwi++
			src = m.dense
		case Pointwise:
			out := kernels.Out{Buf: m.last, RowStride: l.OutW * l.OutC}
			if m.Layers[li+1].Kind == Depthwise {
				out = m.borderedOut(l)
			}
			in, w := src, m.pw[pwi]
			m.par.rows(l.OutH, func(y0, y1 int) { kernels.Pointwise(out, in, w, l.OutW, y0, y1) })
			pwi++
			src = out.Buf
		case AvgPool:
			kernels.AvgPool(m.pooled, src, l.InH*l.InW, l.InC)
		case FullyConn:
			kernels.Pointwise(kernels.Out{Buf: m.logits, RowStride: NumClasses}, m.pooled, m.fc, 1, 0, 1)
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

// borderedOut points a layer's output at the interior of the bordered buffer, after
// zeroing that buffer's frame for this layer's geometry (the interior is overwritten).
func (m *Model) borderedOut(l Layer) kernels.Out {
	w, c := l.OutW+2, l.OutC
	buf := m.bordered[:(l.OutH+2)*w*c]
	clear(buf[:w*c])
	clear(buf[(l.OutH+1)*w*c:])
	for y := 1; y <= l.OutH; y++ {
		clear(buf[y*w*c:][:c])
		clear(buf[(y*w+w-1)*c:][:c])
	}
	return kernels.Out{Buf: buf, Off: (w + 1) * c, RowStride: w * c}
}
