package q8

import (
	"fmt"

	"github.com/mobilenet-go/mobilenet/core"
)

// Row bands for the int8 network: the same plan as the f32 one's (internal/band
// over the same core.Layer table), so
// n cooperating Workers each run their band of every layer's output rows with the
// same kernel calls Forward makes on the same rows. Pointwise layers (and conv1, as
// a pointwise layer over Im2col patches) are row-local; depthwise layers read the
// halo rows band.Need lists. The leader (worker 0) quantizes the image, pools in the
// 1-thread order and runs the classifier, so the logits are Forward's bit for bit.
// The exchanged rows are int16: half the bytes of the f32 network's.

// SetInput quantizes one preprocessed input ([Size][Size][3], values in [-1, 1])
// into the buffer conv1 reads (Forward starts with it).
func (m *Model) SetInput(input []float32) error {
	if len(input) != m.InputLen() {
		return fmt.Errorf("mobilenet: input has %d values, the %dx%d model wants %d (%dx%dx3)",
			len(input), m.Size, m.Size, m.InputLen(), m.Size, m.Size)
	}
	QuantizeInput(m.in[:len(input)], input)
	return nil
}

// layerOut is the buffer layer li writes (li = -1: the quantized image): the
// activations alternate between ping and pong, conv1 writing ping; the pool writes
// the pooled vector and the classifier the logits (nil here).
func (m *Model) layerOut(li int) []int16 {
	switch {
	case li < 0:
		return m.in
	case m.Layers[li].Kind == core.AvgPool:
		return m.pooled
	case m.Layers[li].Kind == core.FullyConn:
		return nil
	case li%2 == 0:
		return m.ping
	}
	return m.pong
}

// RunRows computes output rows [r0, r1) of layer li (for the pool and the
// classifier, any non-empty span runs the whole layer). The rows' inputs must be in
// place (see band.Need); an empty span does nothing.
func (m *Model) RunRows(li, r0, r1 int) { m.runRows(li, r0, r1, &m.ws[0]) }

// runRows is RunRows with goroutine ws's workspace.
func (m *Model) runRows(li, r0, r1 int, ws *Workspace) {
	if r1 <= r0 {
		return
	}
	st := &m.steps[li]
	l := st.l
	src, dst := m.layerOut(li-1), m.layerOut(li)
	switch l.Kind {
	case core.Conv3x3:
		// As a pointwise layer over the 3x3x3 patches: the fast kernel runs it.
		k := 9 * l.InC
		// The patches are the goroutine's own: the kernel reads one value past an odd
		// K's last pixel (slack), which in a shared buffer is another's first.
		patches := grow(&ws.patches, (r1-r0)*l.OutW*k+slack)
		im2colRows(patches, src, l.InH, l.InW, l.InC, l.Stride, r0, r1)
		st.pw.RunWith(dst[r0*l.OutW*l.OutC:], patches, (r1-r0)*l.OutW, ws)
	case core.Depthwise:
		st.dw.RunRowsWith(dst, src, l.InH, l.InW, l.Stride, r0, r1, ws)
	case core.Pointwise:
		st.pw.RunWith(dst[r0*l.OutW*l.OutC:], src[r0*l.InW*l.InC:], (r1-r0)*l.OutW, ws)
	case core.AvgPool:
		AvgPool(m.pooled, src, l.InH*l.InW, l.InC)
		Dequantize(m.features, m.pooled, PoolScale)
	case core.FullyConn:
		st.pw.RunLogits(m.logits, src)
	}
}

// LayerRows is the part of layer li's output buffer (li = -1: the quantized image)
// that holds rows [r0, r1), for copying to or from another worker's model. It
// aliases the model's buffers.
func (m *Model) LayerRows(li, r0, r1 int) []int16 {
	stride := m.Size * 3
	if li >= 0 {
		l := m.Layers[li]
		stride = l.OutW * l.OutC
	}
	return m.layerOut(li)[r0*stride : r1*stride]
}

// Logits are the classifier's outputs of the last Forward or banded run (owned by
// the model).
func (m *Model) Logits() []float32 { return m.logits }
