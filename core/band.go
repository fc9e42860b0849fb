package core

import "fmt"

// SetInput copies one preprocessed input ([Size][Size][3]) into the zero-bordered
// buffer the first layer reads (Forward starts with it).
func (m *Model) SetInput(input []float32) error {
	if len(input) != m.InputLen() {
		return fmt.Errorf("mobilenet: input has %d values, the %dx%d model wants %d (%dx%dx3)",
			len(input), m.Size, m.Size, m.InputLen(), m.Size, m.Size)
	}
	s, row := m.Size, (m.Size+2)*3
	for y := 0; y < s; y++ {
		copy(m.in[(y+1)*row+3:][:s*3], input[y*s*3:][:s*3])
	}
	return nil
}

// RunRows computes output rows [y0, y1) of layer li on the calling goroutine, for
// cooperating engines that each run a band of every layer's rows (internal/band
// plans them); for the pool and the classifier, any non-empty span runs the whole
// layer. The rows' inputs must be in place. clear first zeroes a bordered output's
// frame (a layer's first run on this engine in a frame, possibly with no rows: the
// next layer still reads the frame).
func (m *Model) RunRows(li, y0, y1 int, clear bool) {
	st := &m.steps[li]
	if clear && st.bordered {
		st.clearFrame()
	}
	if y1 <= y0 {
		return
	}
	switch {
	case st.l.Kind == AvgPool || st.l.Kind == FullyConn:
		st.run(0, st.parts)
	case st.cols != nil:
		st.runColumnRows(y0, y1)
	default:
		st.run(y0, y1)
	}
}

// runColumnRows computes rows of a column-split layer (natively the last pointwise
// layers are packed in column blocks, see splitColumns): each block over the rows'
// pixels, the same kernel call per pixel as runColumns makes.
func (st *step) runColumnRows(y0, y1 int) {
	l := &st.l
	for _, c := range st.cols {
		st.columnBlock(c, y0*l.OutW, y1*l.OutW)
	}
	if st.scratch == nil {
		return
	}
	n := l.OutW * l.OutC
	for y := y0; y < y1; y++ {
		copy(st.out.Buf[st.out.Off+y*st.out.RowStride:][:n], st.scratch[y*n:][:n])
	}
}

// LayerRows is the part of layer li's output buffer (li = -1: the bordered input)
// that holds rows [y0, y1), whole rows with any zero border columns, for copying to
// or from another engine's model. It aliases the model's buffers.
func (m *Model) LayerRows(li, y0, y1 int) []float32 {
	var buf []float32
	var off, stride int
	if li < 0 {
		buf, stride = m.in, (m.Size+2)*3
		off = stride // past the top border row
	} else {
		st := &m.steps[li]
		buf, stride = st.out.Buf, st.l.OutW*st.l.OutC
		if st.bordered {
			stride = (st.l.OutW + 2) * st.l.OutC
			off = stride
		}
	}
	return buf[off+y0*stride : off+y1*stride]
}

// Logits are the classifier's outputs of the last Forward or banded run (owned by
// the model).
func (m *Model) Logits() []float32 { return m.logits }
