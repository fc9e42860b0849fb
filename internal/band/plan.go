// Package band plans row bands: n cooperating engines (browser Workers, each with its
// own model and weights, since a wasm instance has one thread) split every single
// inference by output rows. It works on the layer table (core.Layer); the engines
// run the rows it assigns with their RunRows and move rows with their LayerRows.
package band

import (
	"slices"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/kernels"
)

// Worker k computes band k of every layer's output rows; before a 3x3 layer it
// needs a few rows of the layer's input that neighbours computed (the halo), which
// Plan lists. Pointwise layers are row-local. Worker 0 also holds
// the whole preprocessed image (it sends each worker the input rows its conv1 band
// reads) and at the end gathers the last layer's rows, pools them in the 1-thread
// order and runs the classifier, so every value is the same kernel call on the same
// numbers as core.Model.Forward's: the logits are bit for bit those of one thread.

// RowSpan is rows [R0, R1); empty when R1 <= R0.
type RowSpan struct{ R0, R1 int }

// Len is the number of rows, 0 for an empty span.
func (s RowSpan) Len() int { return max(0, s.R1-s.R0) }

func (s RowSpan) intersect(o RowSpan) RowSpan {
	return RowSpan{max(s.R0, o.R0), min(s.R1, o.R1)}
}

// Rows is worker k of n's share of layer li's output rows: contiguous bands in
// worker order, as even as the rows allow. Where they do not divide evenly, each
// leftover row goes to a worker with the fewest mult-adds in the layers before
// (worker order on ties), so that the odd rows of one layer even out another's: at
// 1.0-224 on 2 workers the 7x7 layers split 4:3 (conv_dw_12, worker 0 first), 3:4
// (conv_pw_12, 26M), 4:3 and 4:3 (conv_pw_13, 51M): worker 0 ends with 41M of the 7x7
// layers' 78M mult-adds, worker 1 37M. That leaves worker 0 the longer share, as it
// should be: worker 1 starts a frame when the leader's first message wakes it, and
// every worker's last rows travel to worker 0 before the pool, which with the
// classifier after it is worker 0's alone (one "row") and waits for all of them.
// The split before (the first workers taking the odd rows, except in the last 1x1
// layer, which went 3:4: 37M to 41M) left worker 0 waiting 0.5 ms for worker 1's rows
// before the pool (bench/RESULTS.md, 2026-12-02); 4:3 everywhere would give it 44M.
func Rows(layers []core.Layer, li, k, n int) RowSpan {
	switch layers[li].Kind {
	case core.AvgPool, core.FullyConn:
		if k == 0 {
			return RowSpan{0, 1}
		}
		return RowSpan{}
	}
	cost := make([]int64, n) // each worker's mult-adds in layers 0..li-1
	sizes := make([]int, n)
	for i := 0; ; i++ {
		l := layers[i]
		base := l.OutH / n
		for w := range sizes {
			sizes[w] = base
		}
		for range l.OutH % n {
			least := -1
			for w := range n {
				if sizes[w] == base && (least < 0 || cost[w] < cost[least]) {
					least = w
				}
			}
			sizes[least]++
		}
		if i == li {
			break
		}
		for w := range cost {
			cost[w] += int64(sizes[w]) * l.MultAdds() / int64(l.OutH)
		}
	}
	r0 := 0
	for w := range k {
		r0 += sizes[w]
	}
	return RowSpan{r0, r0 + sizes[k]}
}

// Need is the rows of layer li's input (layer li-1's output, or the image for
// li = 0) that worker k of n reads to compute its band: for a 3x3 layer the window
// rows of TF 'same' padding (stride 1: one row above and below; stride 2 over an
// even height: padding only at the bottom, so the band's rows and one row below),
// clipped to the real rows; for a pointwise layer its own rows; for the pool all
// rows (on worker 0); none for the classifier, whose input, the pooled vector, is
// worker 0's own.
func Need(layers []core.Layer, li, k, n int) RowSpan {
	l := layers[li]
	band := Rows(layers, li, k, n)
	if band.Len() == 0 {
		return RowSpan{}
	}
	switch l.Kind {
	case core.Conv3x3, core.Depthwise:
		return RowSpan{windowRows(l, band.R0).R0, windowRows(l, band.R1-1).R1}
	case core.Pointwise:
		return band
	case core.AvgPool:
		return RowSpan{0, l.InH}
	}
	return RowSpan{}
}

// windowRows is the input rows output row y of a 3x3 layer reads, clipped to the
// real rows: its window covers bordered rows StartY+y*stride .. +2, that is
// unbordered rows StartY-1+y*stride .. StartY+1+y*stride.
func windowRows(l core.Layer, y int) RowSpan {
	lo := kernels.SameGeom(l.InH, l.InW, l.Stride).StartY - 1 + y*l.Stride
	return RowSpan{max(lo, 0), min(lo+3, l.InH)}
}

// Exchange is rows of layer Layer's output (Layer -1: the preprocessed image) that
// worker From computed (or holds) and worker To needs.
type Exchange struct {
	Layer, From, To int
	Rows            RowSpan
}

// Plan lists, for every layer li of the table, the exchanges that must arrive
// before li runs on n workers: for each worker To, the rows of li's input it needs
// and does not compute itself, each from the worker that does. Only 3x3 layers and
// the pool have any; at most one exchange per pair of workers and layer.
func Plan(layers []core.Layer, n int) [][]Exchange {
	plan := make([][]Exchange, len(layers))
	for li := range layers {
		for to := range n {
			need := Need(layers, li, to, n)
			if need.Len() == 0 || layers[li].Kind == core.FullyConn {
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
					have = Rows(layers, li-1, from, n)
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
