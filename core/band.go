package core

import (
	"fmt"
	"math"
	"slices"

	"github.com/mobilenet-go/mobilenet/internal/kernels"
)

// Row bands: n cooperating engines (browser Workers, each with its own Model and
// weights, since a wasm instance has one thread) split every single inference by
// output rows. Worker k computes band k of every layer's output rows; before a 3x3
// layer it needs a few rows of the layer's input that neighbours computed (the
// halo), which BandPlan lists. Pointwise layers are row-local. Worker 0 also holds
// the whole preprocessed image (it sends each worker the input rows its conv1 band
// reads) and at the end gathers the last layer's rows, pools them in the 1-thread
// order and runs the classifier, so every value is the same kernel call on the same
// numbers as Forward's: the logits are bit for bit those of one thread.

// RowSpan is rows [R0, R1); empty when R1 <= R0.
type RowSpan struct{ R0, R1 int }

// Len is the number of rows, 0 for an empty span.
func (s RowSpan) Len() int { return max(0, s.R1-s.R0) }

func (s RowSpan) intersect(o RowSpan) RowSpan {
	return RowSpan{max(s.R0, o.R0), min(s.R1, o.R1)}
}

// BandRows is worker k of n's share of layer li's output rows: contiguous bands in
// worker order, the rows that do not divide evenly going to the first workers. The
// pool and the classifier are worker 0's alone (one "row"). The last pointwise
// layer, the pool's input, is split by pixels instead (its rows are its pixels, see
// BandPixels): that layer is pixel-local and half of the 7x7 layers' work at 224,
// so a pixel split can even out what rows cannot (see poolInputBand).
func BandRows(layers []Layer, li, k, n int) RowSpan {
	switch layers[li].Kind {
	case AvgPool, FullyConn:
		if k == 0 {
			return RowSpan{0, 1}
		}
		return RowSpan{}
	}
	if poolInput(layers, li) {
		return poolInputBand(layers, li, k, n)
	}
	return evenBand(layers[li].OutH, k, n)
}

// BandPixels is the number of pixels in one of layer li's band rows (RowSpan units):
// a row, or 1 for the last pointwise layer (the pool's input), whose bands are
// spans of pixels in row-major order.
func BandPixels(layers []Layer, li int) int {
	if poolInput(layers, li) {
		return 1
	}
	if li < 0 {
		return layers[0].InW
	}
	return layers[li].OutW
}

// poolInput says whether layer li is the last pointwise layer, which the pool reads.
func poolInput(layers []Layer, li int) bool {
	return li >= 0 && layers[li].Kind == Pointwise && li+1 < len(layers) && layers[li+1].Kind == AvgPool
}

// Relative cost of one mult-add by layer kind in the browser, from the wasm-simd
// per-layer-type profile (bench/RESULTS.md, 1.0-224: 1x1 41 GFLOP/s, 3x3 and
// depthwise 20, the classifier 6: it streams 4 MB of weights for 1M mult-adds).
var bandCost = map[Kind]int64{Pointwise: 2, Conv3x3: 4, Depthwise: 4, FullyConn: 13}

// poolInputBand is worker k of n's span of the pixels of layer li, the pool's
// input: the split evens out every worker's whole frame (bandCost), worker 0's pool
// and classifier included. The other layers' row bands leave worker 0 of 2 at
// 1.0-224 4 of the 7 rows of the 7x7 layers before, and the classifier after, which
// by rows alone (3:4 here) cost it ~0.3 ms waiting at the end of each frame; pixels
// split it 19:30. Water-filling: the workers with the least other work get pixels up
// to a common level of work. In integers, so that every worker computes the same
// split, and without allocating (the band tests call it per frame).
func poolInputBand(layers []Layer, li, k, n int) RowSpan {
	pixels := int64(layers[li].OutH * layers[li].OutW)
	perPixel := max(1, layers[li].MultAdds()/pixels*bandCost[Pointwise])
	// The level L with the sum over workers of max(0, L - work) = pixels * perPixel:
	// start from all workers; drop those at or above the level, which lowers it.
	level := int64(math.MaxInt64)
	for {
		sum, count := pixels*perPixel, int64(0)
		for j := range n {
			if w := otherWork(layers, li, j, n); w < level {
				sum, count = sum+w, count+1
			}
		}
		next := sum / count
		if next >= level {
			break
		}
		level = next
	}
	// Worker order: worker j's pixels follow worker j-1's.
	edge := func(k int) int { // the first pixel after worker k's
		if k == n-1 {
			return int(pixels)
		}
		var share int64
		for j := 0; j <= k; j++ {
			share += max(0, level-otherWork(layers, li, j, n))
		}
		return int(min(pixels, (share+perPixel/2)/perPixel))
	}
	r0 := 0
	if k > 0 {
		r0 = edge(k - 1)
	}
	return RowSpan{r0, max(r0, edge(k))}
}

// otherWork is worker k of n's cost (bandCost) outside layer li.
func otherWork(layers []Layer, li, k, n int) int64 {
	var work int64
	for j, l := range layers {
		switch {
		case j == li:
		case l.Kind == AvgPool || l.Kind == FullyConn:
			if k == 0 {
				work += l.MultAdds() * bandCost[l.Kind]
			}
		default:
			band := int64(BandRows(layers, j, k, n).Len() * l.OutW)
			work += l.MultAdds() / int64(l.OutH*l.OutW) * band * bandCost[l.Kind]
		}
	}
	return work
}

func evenBand(rows, k, n int) RowSpan {
	base, extra := rows/n, rows%n
	r0 := k*base + min(k, extra)
	r1 := r0 + base
	if k < extra {
		r1++
	}
	return RowSpan{r0, r1}
}

// NeedRows is the rows of layer li's input (layer li-1's output, or the image for
// li = 0) that worker k of n reads to compute its band: for a 3x3 layer the window
// rows of TF 'same' padding (stride 1: one row above and below; stride 2 over an
// even height: padding only at the bottom, so the band's rows and one row below),
// clipped to the real rows; for a pointwise layer its own rows; for the pool all
// rows (on worker 0); none for the classifier, whose input, the pooled vector, is
// worker 0's own.
func NeedRows(layers []Layer, li, k, n int) RowSpan {
	l := layers[li]
	band := BandRows(layers, li, k, n)
	if band.Len() == 0 {
		return RowSpan{}
	}
	switch l.Kind {
	case Conv3x3, Depthwise:
		return RowSpan{windowRows(l, band.R0).R0, windowRows(l, band.R1-1).R1}
	case Pointwise:
		return pixelRows(band, BandPixels(layers, li), BandPixels(layers, li-1))
	case AvgPool:
		return RowSpan{0, l.InH * l.InW / BandPixels(layers, li-1)}
	}
	return RowSpan{}
}

// pixelRows converts span in units of from pixels to the units of to pixels that
// cover it (both widths divide or equal a row).
func pixelRows(span RowSpan, from, to int) RowSpan {
	if from == to {
		return span
	}
	return RowSpan{span.R0 * from / to, (span.R1*from + to - 1) / to}
}

// windowRows is the input rows output row y of a 3x3 layer reads, clipped to the
// real rows: its window covers bordered rows StartY+y*stride .. +2, that is
// unbordered rows StartY-1+y*stride .. StartY+1+y*stride.
func windowRows(l Layer, y int) RowSpan {
	lo := kernels.SameGeom(l.InH, l.InW, l.Stride).StartY - 1 + y*l.Stride
	return RowSpan{max(lo, 0), min(lo+3, l.InH)}
}

// Exchange is rows of layer Layer's output (Layer -1: the preprocessed image) that
// worker From computed (or holds) and worker To needs.
type Exchange struct {
	Layer, From, To int
	Rows            RowSpan
}

// BandPlan lists, for every layer li of the table, the exchanges that must arrive
// before li runs on n workers: for each worker To, the rows of li's input it needs
// and does not compute itself, each from the worker that does. Only 3x3 layers and
// the pool have any; at most one exchange per pair of workers and layer.
func BandPlan(layers []Layer, n int) [][]Exchange {
	plan := make([][]Exchange, len(layers))
	for li := range layers {
		for to := range n {
			need := NeedRows(layers, li, to, n)
			if need.Len() == 0 || layers[li].Kind == FullyConn {
				continue
			}
			for from := range n {
				var have RowSpan
				switch {
				case li == 0 && from == 0:
					have = RowSpan{0, layers[0].InH} // the image is worker 0's
				case li == 0:
					continue
				default:
					have = BandRows(layers, li-1, from, n)
				}
				if from == to {
					continue
				}
				if rows := need.intersect(have); rows.Len() > 0 {
					plan[li] = append(plan[li], Exchange{Layer: li - 1, From: from, To: to, Rows: rows})
				}
			}
		}
	}
	return plan
}

// OwnInputs is plan for frames that every worker prepares itself (each is given the
// frame and preprocesses all of it, in parallel with the others): without the image
// exchanges. With them, worker 1 of 2 at 1.0-224 sat 1.0 ms of a 16 ms frame waiting
// for 306 KB of float32 image rows behind the leader's input copy; preprocessing
// the frame twice costs CPU time, not latency.
func OwnInputs(plan [][]Exchange) [][]Exchange {
	own := slices.Clone(plan)
	own[0] = nil
	return own
}

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

// runRows computes output rows rows of layer li on the calling goroutine (for the
// pool and the classifier, any non-empty span runs the whole layer); RunOp is its
// entry. The rows' inputs must be in place (see NeedRows).
func (m *Model) runRows(li int, rows RowSpan) {
	st := &m.steps[li]
	if rows.Len() == 0 {
		return
	}
	switch {
	case st.l.Kind == AvgPool || st.l.Kind == FullyConn:
		st.run(0, st.parts)
	case poolInput(m.Layers, li):
		st.runPixels(rows.R0, rows.R1)
	case st.cols != nil:
		st.runColumnRows(rows)
	default:
		st.run(rows.R0, rows.R1)
	}
}

// runPixels computes pixels [p0, p1) (row-major) of a pointwise layer with a dense
// output, as one row of p1-p0 pixels: each pixel is the same sum Forward's per-row
// calls make.
func (st *step) runPixels(p0, p1 int) {
	l := &st.l
	if st.cols != nil {
		for _, c := range st.cols {
			st.columnBlock(c, p0, p1)
		}
		return
	}
	out := st.out
	out.Off += p0 * l.OutC
	kernels.Pointwise(out, st.src[p0*l.InC:], st.pw, p1-p0, 0, 1)
}

// runColumnRows computes rows of a column-split layer (natively the last pointwise
// layers are packed in column blocks, see splitColumns): each block over the rows'
// pixels, the same kernel call per pixel as runColumns makes.
func (st *step) runColumnRows(rows RowSpan) {
	l := &st.l
	for _, c := range st.cols {
		st.columnBlock(c, rows.R0*l.OutW, rows.R1*l.OutW)
	}
	if st.scratch == nil {
		return
	}
	n := l.OutW * l.OutC
	for y := rows.R0; y < rows.R1; y++ {
		copy(st.out.Buf[st.out.Off+y*st.out.RowStride:][:n], st.scratch[y*n:][:n])
	}
}

// LayerRows is the part of layer li's output buffer (li = -1: the bordered input)
// that holds rows rows, whole rows with any zero border columns, for copying to or
// from another worker's model. It aliases the model's buffers.
func (m *Model) LayerRows(li int, rows RowSpan) []float32 {
	var buf []float32
	var off, stride int
	if li < 0 {
		buf, stride = m.in, (m.Size+2)*3
		off = stride // past the top border row
	} else {
		st := &m.steps[li]
		buf, stride = st.out.Buf, BandPixels(m.Layers, li)*st.l.OutC
		if st.bordered {
			stride = (st.l.OutW + 2) * st.l.OutC
			off = stride
		}
	}
	return buf[off+rows.R0*stride : off+rows.R1*stride]
}

// Logits are the classifier's outputs of the last Forward or banded run (owned by
// the model).
func (m *Model) Logits() []float32 { return m.logits }
