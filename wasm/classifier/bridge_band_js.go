//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"
	"unsafe"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/band"
	"github.com/mobilenet-go/mobilenet/internal/pipeline"
)

// Banded inference (load({threads: N}) in web/mobilenet-core.js): this worker is
// member k of a team of n that splits every inference by rows (band.Plan), in
// the order of band.Schedule. Go runs the schedule and calls the worker's
// transport (bandTransport) to send and receive rows; those move straight between
// the transport and Go memory (a Uint8Array over the wasm memory at the address
// given), one copy out and one copy in, with no allocation in Go. A JS->Go call costs
// ~10 us, so a frame is one call (bandStep) on the SharedArrayBuffer transport, and
// one more per receive that has to wait for a message on the MessageChannel one.
var team struct {
	model      pipeline.BandNet // f32 or int8: the rows move as bytes either way
	n, k       int
	own        bool // every worker prepares the frame itself (band.OwnInputs)
	ops        []bandOp
	send, recv js.Value  // the worker's transport (bandTransport)
	input      []float32 // setInput's tensor
}

// bandOp is a schedule step with the Go address and length of its rows, and for a
// send or receive the transport call's arguments, made once: boxing an address (an
// int over 255) into an any for Invoke allocates, ~2 allocations per exchange.
type bandOp struct {
	band.Op
	addr, bytes int
	args        []any // send: (peer, addr, bytes); receive: (peer, addr, bytes, layer)
}

func init() {
	for name, f := range map[string]func(args []js.Value) (any, error){
		"bandTransport": bandTransport, "bandPlan": bandPlan, "bandPrepare": bandPrepare, "bandStep": bandStep,
		"bandFinish": bandFinish, "setInput": setInput, "logits": logits,
	} {
		calls[name] = f
	}
}

// bandTransport(send, recv): send(peer, address, bytes) sends those bytes of Go
// memory; recv(peer, address, bytes, layer) fills them and returns true, or false when
// the leader called the frame off, or anything else when the bytes have not arrived
// (bandStep then returns, and the worker resumes it once they are in).
func bandTransport(args []js.Value) (any, error) {
	if len(args) != 2 || args[0].Type() != js.TypeFunction || args[1].Type() != js.TypeFunction {
		return nil, fmt.Errorf("bandTransport wants (send, recv) functions")
	}
	team.send, team.recv = args[0], args[1]
	return nil, nil
}

// bandPlan(n, k, size, own): prepares this worker's schedule for frames at input
// size, own: every worker prepares the frame itself (no image rows are sent), and
// returns its length. It is kept while the model stays (its buffers, so the
// addresses, are fixed).
func bandPlan(args []js.Value) (any, error) {
	if engine == nil {
		return nil, fmt.Errorf("no model loaded")
	}
	if len(args) != 4 {
		return nil, fmt.Errorf("bandPlan wants (n, k, size, own)")
	}
	n, k, size, own := args[0].Int(), args[1].Int(), args[2].Int(), args[3].Truthy()
	if n < 1 || k < 0 || k >= n {
		return nil, fmt.Errorf("bandPlan: worker %d of %d", k, n)
	}
	m, err := engine.BandModel(size)
	if err != nil {
		return nil, err
	}
	if m != team.model || n != team.n || k != team.k || own != team.own {
		team.model, team.n, team.k, team.own, team.ops = m, n, k, own, buildOps(m, n, k, own)
	}
	return len(team.ops), nil
}

func buildOps(m pipeline.BandNet, n, k int, own bool) []bandOp {
	layers := m.BandLayers()
	plan := band.Plan(layers, n)
	if own {
		plan = band.OwnInputs(plan)
	}
	ops := band.Schedule(layers, plan, n, k)
	// Every frame begins with a message from the leader to each other worker, even
	// one that needs no image rows: it says whether the frame goes ahead.
	var begin []band.Op
	for peer := 1; peer < n; peer++ {
		if k == 0 && !hasExchange(plan[0], 0, peer) {
			begin = append(begin, band.Op{Kind: band.OpSend, Layer: -1, Peer: peer})
		}
	}
	if k > 0 && !hasExchange(plan[0], 0, k) {
		begin = append(begin, band.Op{Kind: band.OpRecv, Layer: -1, Peer: 0})
	}
	var out []bandOp
	for _, op := range append(begin, ops...) {
		b := bandOp{Op: op}
		if op.Kind != band.OpRun {
			if rows := m.RowBytes(op.Layer, op.Rows); len(rows) > 0 {
				b.addr, b.bytes = int(uintptr(unsafe.Pointer(&rows[0]))), len(rows)
			}
			b.args = []any{js.ValueOf(op.Peer), js.ValueOf(b.addr), js.ValueOf(b.bytes)}
			if op.Kind == band.OpRecv {
				b.args = append(b.args, js.ValueOf(op.Layer+1))
			}
		}
		out = append(out, b)
	}
	return out
}

func hasExchange(xs []band.Exchange, from, to int) bool {
	for _, x := range xs {
		if x.From == from && x.To == to {
			return true
		}
	}
	return false
}

// bandStep(from): runs the planned schedule from step from: 'done' at its end,
// 'skipped' if the leader called the frame off, or the index of a receive still
// waiting for its bytes (the worker completes it, then calls bandStep(index + 1)).
func bandStep(args []js.Value) (any, error) {
	if team.model == nil || team.send.IsUndefined() || len(args) != 1 {
		return nil, fmt.Errorf("bandStep wants (from) after bandTransport and bandPlan")
	}
	from := args[0].Int()
	if from < 0 || from > len(team.ops) {
		return nil, fmt.Errorf("bandStep: step %d of %d", from, len(team.ops))
	}
	for i := from; i < len(team.ops); i++ {
		op := &team.ops[i]
		switch op.Kind {
		case band.OpRun:
			team.model.RunOp(op.Op)
		case band.OpSend:
			team.send.Invoke(op.args...)
		case band.OpRecv:
			switch r := team.recv.Invoke(op.args...); {
			case r.Type() != js.TypeBoolean:
				return i, nil
			case !r.Bool():
				return "skipped", nil
			}
		}
	}
	return "done", nil
}

// bandPrepare(bytes, width, height, size, crop), the leader only: the frame into
// the model's input (see classify for the arguments).
func bandPrepare(args []js.Value) (any, error) {
	if engine == nil {
		return nil, fmt.Errorf("no model loaded")
	}
	if len(args) != 5 {
		return nil, fmt.Errorf("bandPrepare wants (bytes, width, height, size, crop)")
	}
	if err := setFrame(args[0]); err != nil {
		return nil, err
	}
	_, err := engine.BandPrepare(args[1].Int(), args[2].Int(), args[3].Int(), args[4].Float())
	return nil, err
}

// bandFinish(topk), the leader only: the banded run's classes into the output
// buffer, as classify writes them.
func bandFinish(args []js.Value) (any, error) {
	if len(args) != 1 || outU8.IsUndefined() {
		return nil, fmt.Errorf("bandFinish wants (topk) after setOutput")
	}
	top, err := engine.BandFinish(min(args[0].Int(), core.NumClasses))
	if err != nil {
		return nil, err
	}
	writeOutput(top)
	return nil, nil
}

// setInput(u8, size), for benchmarks: a preprocessed [size][size][3] float32 tensor
// (u8 over its bytes) as the current frame, instead of bandPrepare's image. Then a
// banded run (n = 1: the whole network on this worker) and logits.
func setInput(args []js.Value) (any, error) {
	if engine == nil {
		return nil, fmt.Errorf("no model loaded")
	}
	if len(args) != 2 || !isUint8Array(args[0]) {
		return nil, fmt.Errorf("setInput wants (Uint8Array of float32s, size)")
	}
	size := args[1].Int()
	if want := size * size * 3 * 4; args[0].Length() != want || size <= 0 {
		return nil, fmt.Errorf("setInput: %d bytes, want %d for a %dx%dx3 float32 tensor", args[0].Length(), want, size, size)
	}
	if len(team.input) != size*size*3 {
		team.input = make([]float32, size*size*3)
	}
	js.CopyBytesToGo(unsafe.Slice((*byte)(unsafe.Pointer(&team.input[0])), len(team.input)*4), args[0])
	_, err := engine.SetInput(size, team.input)
	return nil, err
}

// logits(u8): copies the last run's 1000 logits (float32) into u8.
func logits(args []js.Value) (any, error) {
	if engine == nil {
		return nil, fmt.Errorf("no model loaded")
	}
	l := engine.Logits()
	if l == nil {
		return nil, fmt.Errorf("nothing has run yet")
	}
	if len(args) != 1 || args[0].Length() != len(l)*4 {
		return nil, fmt.Errorf("logits wants a Uint8Array of %d bytes", len(l)*4)
	}
	js.CopyBytesToJS(args[0], unsafe.Slice((*byte)(unsafe.Pointer(&l[0])), len(l)*4))
	return nil, nil
}
