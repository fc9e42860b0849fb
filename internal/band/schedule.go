package band

import (
	"slices"

	"github.com/mobilenet-go/mobilenet/core"
)

// A worker's frame as a sequence of operations, ordered so that exchanges overlap
// computation: within each layer, the rows that need no neighbour's rows run before
// the halo is awaited, and the rows a neighbour needs run first and are sent at once,
// before the rest of the band. A neighbour's rows thus usually arrive while this
// worker is still busy, instead of each worker idling for the slower one's last row
// plus the transport's latency at every 3x3 layer.

// OpKind is what one Op does.
type OpKind int

const (
	OpRun  OpKind = iota // compute rows Rows of layer Layer
	OpSend               // send rows Rows of layer Layer's output (-1: the image) to Peer
	OpRecv               // receive them from Peer
)

// Op is one step of a worker's banded frame.
type Op struct {
	Kind  OpKind
	Layer int
	Rows  RowSpan
	Peer  int
	// Clear marks a layer's first run on this worker, which zeroes a bordered
	// output's frame (possibly with no rows: the next layer still reads the frame).
	Clear bool
}

// Schedule is worker k of n's operations for one frame, for the exchanges of
// plan (Plan(layers, n)). Run in order, with every send delivered to its
// receiver, the workers' runs compute what one run over every band would: the same
// kernel calls on the same rows, so the same bits.
func Schedule(layers []core.Layer, plan [][]Exchange, n, k int) []Op {
	var ops []Op
	// The image rows the leader sends before anything runs.
	for _, x := range plan[0] {
		if x.From == k {
			ops = append(ops, Op{Kind: OpSend, Layer: -1, Rows: x.Rows, Peer: x.To})
		}
	}
	for li := range layers {
		var recvs, sends []Exchange
		for _, x := range plan[li] {
			if x.To == k {
				recvs = append(recvs, x)
			}
		}
		if li+1 < len(layers) {
			for _, x := range plan[li+1] {
				if x.From == k && x.Layer == li {
					sends = append(sends, x)
				}
			}
		}
		band := Rows(layers, li, k, n)
		if band.Len() == 0 {
			ops = append(ops, recvOps(recvs)...)
			ops = append(ops, Op{Kind: OpRun, Layer: li, Clear: true})
			ops = append(ops, sendOps(sends)...)
			continue
		}
		indep := independentRows(layers, li, k, n, band)
		if li == 0 && len(recvs) == 0 {
			indep = band // the worker prepared the image itself (OwnInputs)
		}
		pieces := splitBand(band, indep, sends)
		// The pieces with rows to send first: those that need no halo, then, if some need
		// it, the halo and those; then the rest that need no halo, the halo (if not yet
		// received), the rest that read it. Rows a neighbour waits for thus go out before
		// any work it is not waiting for: at 1.0-224 on 2 workers worker 1's first row of
		// conv_pw_12 (3:4 after conv_dw_12's 4:3) reads the row worker 0 sends, and worker
		// 0's conv_dw_13 waits for it, 0.4-0.5 ms while worker 1 ran its other rows first.
		pick := func(dependent, sending bool) []RowSpan {
			var ps []RowSpan
			for _, p := range pieces {
				if (p.intersect(indep).Len() == 0) == dependent && overlapsAny(p, sends) == sending {
					ps = append(ps, p)
				}
			}
			return ps
		}
		done := []RowSpan{}
		pending := slices.Clone(sends)
		first := true
		run := func(ps []RowSpan) {
			for _, p := range ps {
				ops = append(ops, Op{Kind: OpRun, Layer: li, Rows: p, Clear: first})
				first = false
				done = append(done, p)
				pending = slices.DeleteFunc(pending, func(x Exchange) bool {
					if covered(x.Rows, done) {
						ops = append(ops, Op{Kind: OpSend, Layer: li, Rows: x.Rows, Peer: x.To})
						return true
					}
					return false
				})
			}
		}
		run(pick(false, true))
		received := false
		if early := pick(true, true); len(early) > 0 {
			ops, received = append(ops, recvOps(recvs)...), true
			run(early)
		}
		run(pick(false, false))
		if !received {
			ops = append(ops, recvOps(recvs)...)
		}
		run(pick(true, false))
	}
	return ops
}

func recvOps(xs []Exchange) []Op {
	ops := make([]Op, 0, len(xs))
	for _, x := range xs {
		ops = append(ops, Op{Kind: OpRecv, Layer: x.Layer, Rows: x.Rows, Peer: x.From})
	}
	return ops
}

func sendOps(xs []Exchange) []Op {
	ops := make([]Op, 0, len(xs))
	for _, x := range xs {
		ops = append(ops, Op{Kind: OpSend, Layer: x.Layer, Rows: x.Rows, Peer: x.To})
	}
	return ops
}

// independentRows is the rows of band whose inputs worker k computed (or, for the
// first layer, holds) itself: a contiguous span, possibly empty. The pool and the
// classifier wait for everything.
func independentRows(layers []core.Layer, li, k, n int, band RowSpan) RowSpan {
	l := layers[li]
	own := RowSpan{}
	switch {
	case li == 0 && k == 0:
		own = RowSpan{0, l.InH}
	case li > 0:
		own = Rows(layers, li-1, k, n)
	}
	switch l.Kind {
	case core.Pointwise:
		return band.intersect(own)
	case core.AvgPool:
		if k == 0 && n == 1 {
			return band
		}
		return RowSpan{}
	case core.FullyConn:
		return band
	}
	lo, hi := band.R1, band.R0 // the first and last independent row, if any
	for y := band.R0; y < band.R1; y++ {
		w := windowRows(l, y)
		if w.R0 >= own.R0 && w.R1 <= own.R1 {
			lo, hi = min(lo, y), max(hi, y+1)
		}
	}
	if hi <= lo {
		return RowSpan{}
	}
	return RowSpan{lo, hi}
}

// splitBand cuts band at the edges of indep and of every send's rows.
func splitBand(band, indep RowSpan, sends []Exchange) []RowSpan {
	cuts := []int{band.R0, band.R1}
	add := func(r int) {
		if r > band.R0 && r < band.R1 {
			cuts = append(cuts, r)
		}
	}
	if indep.Len() > 0 {
		add(indep.R0)
		add(indep.R1)
	}
	for _, x := range sends {
		add(x.Rows.R0)
		add(x.Rows.R1)
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	pieces := make([]RowSpan, 0, len(cuts)-1)
	for i := 1; i < len(cuts); i++ {
		pieces = append(pieces, RowSpan{cuts[i-1], cuts[i]})
	}
	return pieces
}

func overlapsAny(p RowSpan, xs []Exchange) bool {
	for _, x := range xs {
		if p.intersect(x.Rows).Len() > 0 {
			return true
		}
	}
	return false
}

// covered says whether every row of r is in one of spans.
func covered(r RowSpan, spans []RowSpan) bool {
	for y := r.R0; y < r.R1; y++ {
		in := false
		for _, s := range spans {
			if y >= s.R0 && y < s.R1 {
				in = true
				break
			}
		}
		if !in {
			return false
		}
	}
	return true
}
