package core

import "github.com/mobilenet-go/mobilenet/internal/kernels"

// step is one layer of the table bound to its weights and buffers, fixed at
// NewModel, so Forward and the helper goroutines run a layer by index with no
// closures (no allocation).
type step struct {
	l        Layer
	parts    int // how many units run splits the layer into: output rows, or column blocks (cols)
	src      []float32
	out      kernels.Out
	geom     kernels.Geom
	conv     *kernels.ConvWeights
	dw       *kernels.DWWeights
	pw       *kernels.PWWeights
	cols     []colBlock // instead of pw: the layer's output channels in blocks (splitColumns)
	scratch  []float32  // dense [H][W][C] where a column-split layer with a bordered out computes
	bordered bool       // out is the interior of a zero-bordered buffer, whose frame clearFrame zeroes
}

// run computes parts [p0, p1) of the layer: its output rows [p0, p1), or for a
// column-split layer its column blocks [p0, p1), each over all pixels. Every part
// is the same kernel call however [0, parts) is split, so the output is too.
func (st *step) run(p0, p1 int) {
	if st.cols != nil {
		st.runColumns(p0, p1)
		return
	}
	switch st.l.Kind {
	case Conv3x3:
		kernels.Conv3x3(st.out, st.src, st.conv, st.geom, p0, p1)
	case Depthwise:
		kernels.Depthwise3x3(st.out, st.src, st.dw, st.geom, p0, p1)
	case Pointwise, FullyConn:
		kernels.Pointwise(st.out, st.src, st.pw, st.l.OutW, p0, p1)
	case AvgPool:
		kernels.AvgPool(st.out.Buf, st.src, st.l.InH*st.l.InW, st.l.InC)
	}
}

// allocBuffers makes the activation buffers bindBuffers routes the layers through,
// each as large as the largest layer that uses it.
func (m *Model) allocBuffers() {
	var maxB, maxD int
	for _, l := range m.Layers {
		switch l.Kind {
		case Depthwise:
			maxB = max(maxB, (l.InH+2)*(l.InW+2)*l.InC)
			maxD = max(maxD, l.OutH*l.OutW*l.OutC)
		case AvgPool:
			m.last = make([]float32, l.InH*l.InW*l.InC)
			m.pooled = make([]float32, l.InC)
		}
	}
	m.in = make([]float32, (m.Size+2)*(m.Size+2)*3)
	m.bordered = make([]float32, maxB)
	m.dense = make([]float32, maxD)
	m.logits = make([]float32, NumClasses)
}

// bindBuffers fixes every layer's input and output. Activations ping-pong:
// conv1 and pointwise layers feeding a depthwise layer write the interior of the
// zero-bordered buffer; depthwise layers write the dense buffer; the last pointwise
// layer writes m.last, which the pool reads into m.pooled, which the classifier
// reads.
func (m *Model) bindBuffers() {
	src := m.in
	for li, l := range m.Layers {
		st := &m.steps[li]
		st.src = src
		switch l.Kind {
		case Conv3x3:
			st.out, st.bordered = m.borderedOut(l), true
			st.geom = kernels.SameGeom(l.InH, l.InW, l.Stride)
		case Depthwise:
			st.out = kernels.Out{Buf: centered(m.dense, l.OutH*l.OutW*l.OutC), RowStride: l.OutW * l.OutC}
			st.geom = kernels.SameGeom(l.InH, l.InW, l.Stride)
		case Pointwise:
			st.out = kernels.Out{Buf: m.last, RowStride: l.OutW * l.OutC}
			if m.Layers[li+1].Kind == Depthwise {
				st.out, st.bordered = m.borderedOut(l), true
			}
		case AvgPool:
			st.out = kernels.Out{Buf: m.pooled}
		case FullyConn:
			st.out = kernels.Out{Buf: m.logits, RowStride: NumClasses}
		}
		src = st.out.Buf
	}
}

// bindWeights packs the layer's BN-folded weights p for the kernels, once: a
// pointwise layer or the classifier whole, or in column blocks when split.
func (st *step) bindWeights(p Params, split bool) {
	l := st.l
	switch l.Kind {
	case Conv3x3:
		st.conv = kernels.NewConv(p.Kernel, p.Bias, l.InC, l.OutC)
	case Depthwise:
		st.dw = kernels.NewDW(p.Kernel, p.Bias, l.InC)
	case Pointwise, FullyConn:
		relu6 := l.Kind == Pointwise
		if split {
			st.cols = splitColumns(p, l.InC, l.OutC, relu6)
			st.parts = len(st.cols) // a part is a block of columns over all pixels, not a row
		} else {
			st.pw = kernels.NewPW(p.Kernel, p.Bias, l.InC, l.OutC, relu6)
		}
	}
}

// borderedOut points a layer's output at the interior of the bordered buffer.
func (m *Model) borderedOut(l Layer) kernels.Out {
	w, c := l.OutW+2, l.OutC
	return kernels.Out{Buf: centered(m.bordered, (l.OutH+2)*w*c), Off: (w + 1) * c, RowStride: w * c}
}

// centered returns the n floats in the middle of buf, starting on a 4 KiB
// boundary like buf itself (so reads and writes of one layer keep the relative
// alignment they had uncentred: no new 4K-aliasing stalls).
// Layers of every size then put their middle row at about the same address, so
// with two threads each keeps writing the memory it wrote before, below or above
// the middle, and no cache line has to move between the cores' caches.
func centered(buf []float32, n int) []float32 {
	off := (len(buf) - n) / 2 &^ 1023
	return buf[off : off+n : off+n]
}

// clearFrame zeroes the one-pixel frame of a bordered output, which other layers'
// interiors overwrite (the interior is overwritten by the layer itself).
func (st *step) clearFrame() {
	buf, l := st.out.Buf, st.l
	w, c := l.OutW+2, l.OutC
	clear(buf[:w*c])
	clear(buf[(l.OutH+1)*w*c:])
	for y := 1; y <= l.OutH; y++ {
		clear(buf[y*w*c:][:c])
		clear(buf[(y*w+w-1)*c:][:c])
	}
}
