package core

import (
	"runtime"

	"github.com/mobilenet-go/mobilenet/internal/kernels"
)

// The last layers' few pixels make rows a poor unit of work (7 rows split 4:3),
// and every thread splitting them by rows streams the whole 1-4 MB weight matrix
// (more than a core's L2 cache).
// Pointwise layers of at most columnSplitPixels pixels, the last one and the
// classifier are instead split by output channels: each thread computes all
// pixels of its own blocks of columns, reading only those weights. Each output
// value is still the same sum in the same order, so the logits do not change.
const (
	columnBlocks      = 4
	columnAlign       = 64  // block edges on a multiple of every kernel's panel width
	columnSplitPixels = 196 // up to 14x14: the last two blocks of layers at 224
)

// splitColumnsHere is false where a Model runs on one thread anyway (see
// DefaultThreads): there the split would only add the copies out of scratch.
var splitColumnsHere = runtime.GOOS != "js" && runtime.GOOS != "wasip1"

// splitsColumns says whether layer li of arch (a pointwise layer or the
// classifier) is split by output channels.
func splitsColumns(arch []Layer, li int) bool {
	switch arch[li].Kind {
	case Pointwise:
		return splitColumnsHere && (arch[li+1].Kind == AvgPool || arch[li].OutH*arch[li].OutW <= columnSplitPixels)
	case FullyConn:
		return splitColumnsHere
	}
	return false
}

// colBlock is output channels [n0, n0+w.N) of a column-split layer.
type colBlock struct {
	n0 int
	w  *kernels.PWWeights
}

// splitColumns packs BN-folded pointwise weights p ([K][N] kernel) as up to
// columnBlocks blocks of columns.
func splitColumns(p Params, k, n int, relu6 bool) []colBlock {
	var blocks []colBlock
	for b := range columnBlocks {
		n0 := min(n, (n*b/columnBlocks+columnAlign/2)/columnAlign*columnAlign)
		n1 := min(n, (n*(b+1)/columnBlocks+columnAlign/2)/columnAlign*columnAlign)
		if b == columnBlocks-1 {
			n1 = n
		}
		if n1 <= n0 {
			continue
		}
		kernel := make([]float32, k*(n1-n0))
		for i := range k {
			copy(kernel[i*(n1-n0):][:n1-n0], p.Kernel[i*n+n0:i*n+n1])
		}
		blocks = append(blocks, colBlock{n0: n0, w: kernels.NewPW(kernel, p.Bias[n0:n1], k, n1-n0, relu6)})
	}
	return blocks
}

// bindScratch gives the column-split layers with a bordered output the dense
// buffer they compute in first: m.last (free until the last layer) if it is large
// enough.
func (m *Model) bindScratch() {
	scratch := m.last
	for i := range m.steps {
		st := &m.steps[i]
		if n := st.l.OutH * st.l.OutW * st.l.OutC; st.cols != nil && st.bordered && n > len(scratch) {
			scratch = make([]float32, n)
		}
	}
	for i := range m.steps {
		if st := &m.steps[i]; st.cols != nil && st.bordered {
			st.scratch = scratch[:st.l.OutH*st.l.OutW*st.l.OutC]
		}
	}
}

// runColumns computes column blocks [b0, b1) of a column-split layer over all its
// pixels, each pixel a row of one (width 1) so the block's channels land at
// their place in the full-width output rows.
func (st *step) runColumns(b0, b1 int) {
	l := &st.l
	for _, c := range st.cols[b0:b1] {
		st.columnBlock(c, 0, l.OutH*l.OutW)
		if st.scratch != nil {
			st.copyColumns(c.n0, c.n0+c.w.N)
		}
	}
}

// columnBlock computes column block c over pixels [p0, p1), into st.scratch when
// the layer has one (st.out is bordered), else straight into st.out.
func (st *step) columnBlock(c colBlock, p0, p1 int) {
	out := st.out
	if st.scratch != nil {
		out = kernels.Out{Buf: st.scratch}
	}
	out.Off += c.n0
	out.RowStride = st.l.OutC
	kernels.Pointwise(out, st.src, c.w, 1, p0, p1)
}

// copyColumns copies channels [n0, n1) of every pixel from st.scratch to st.out.
func (st *step) copyColumns(n0, n1 int) {
	l := &st.l
	n := l.OutC
	for y := range l.OutH {
		row := st.out.Buf[st.out.Off+y*st.out.RowStride:]
		for x := range l.OutW {
			p := (y*l.OutW + x) * n
			copy(row[x*n+n0:x*n+n1], st.scratch[p+n0:p+n1])
		}
	}
}
