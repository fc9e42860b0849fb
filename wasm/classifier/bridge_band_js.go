//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"
	"unsafe"

	"github.com/mobilenet-go/mobilenet/core"
)

// Banded inference (load({threads: N}) in web/mobilenet-core.js): this worker is
// member k of a team of n that splits every inference by rows (core.BandPlan), in
// the order of core.BandSchedule. The worker's JavaScript moves the exchanged rows
// straight between the transport and Go memory (a Uint8Array over the wasm memory at
// the addresses bandPlan gives), so a frame costs one Go call per run of layers
// between exchanges and no copy or allocation in Go.
var band struct {
	model *core.Model
	n, k  int
	plan  js.Value  // the JS plan of model for (n, k), built once
	runs  []core.Op // the schedule's OpRun steps, which bandRun runs by index
	input []float32 // setInput's tensor
}

func init() {
	bandCalls = map[string]func(args []js.Value) (any, error){
		"bandPlan": bandPlan, "bandPrepare": bandPrepare, "bandRun": bandRun, "bandFinish": bandFinish,
		"setInput": setInput, "logits": logits,
	}
}

// bandPlan(n, k, size): this worker's schedule for one frame at input size, as
// {ops, layers}: each op ['send' | 'recv', peer, address, bytes] (rows to move) or
// ['run', from, to] (bandRun's arguments). The same object is returned while the
// model stays (its buffers, so the addresses, are fixed).
func bandPlan(args []js.Value) (any, error) {
	if engine == nil {
		return nil, fmt.Errorf("no model loaded")
	}
	if len(args) != 3 {
		return nil, fmt.Errorf("bandPlan wants (n, k, size)")
	}
	n, k, size := args[0].Int(), args[1].Int(), args[2].Int()
	if n < 1 || k < 0 || k >= n {
		return nil, fmt.Errorf("bandPlan: worker %d of %d", k, n)
	}
	m, err := engine.BandModel(size)
	if err != nil {
		return nil, err
	}
	if m == band.model && n == band.n && k == band.k {
		return band.plan, nil
	}
	band.model, band.n, band.k = m, n, k
	band.plan, band.runs = buildPlan(m, n, k)
	return band.plan, nil
}

func buildPlan(m *core.Model, n, k int) (js.Value, []core.Op) {
	plan := core.BandPlan(m.Layers, n)
	ops := core.BandSchedule(m.Layers, plan, n, k)
	// Every frame begins with a message from the leader to each other worker, even
	// one that needs no image rows: it says whether the frame goes ahead.
	var begin []core.Op
	for peer := 1; peer < n; peer++ {
		if k == 0 && !hasExchange(plan[0], 0, peer) {
			begin = append(begin, core.Op{Kind: core.OpSend, Layer: -1, Peer: peer})
		}
	}
	if k > 0 && !hasExchange(plan[0], 0, k) {
		begin = append(begin, core.Op{Kind: core.OpRecv, Layer: -1, Peer: 0})
	}
	ops = append(begin, ops...)
	var runs []core.Op
	jsOps := []any{}
	for _, op := range ops {
		if op.Kind == core.OpRun {
			if len(jsOps) > 0 {
				if last := jsOps[len(jsOps)-1].([]any); last[0] == "run" {
					last[2] = len(runs) + 1
					runs = append(runs, op)
					continue
				}
			}
			jsOps = append(jsOps, []any{"run", len(runs), len(runs) + 1})
			runs = append(runs, op)
			continue
		}
		rows := m.LayerRows(op.Layer, op.Rows)
		addr := 0
		if len(rows) > 0 {
			addr = int(uintptr(unsafe.Pointer(&rows[0])))
		}
		kind := "send"
		if op.Kind == core.OpRecv {
			kind = "recv"
		}
		jsOps = append(jsOps, []any{kind, op.Peer, addr, len(rows) * 4})
	}
	return js.ValueOf(map[string]any{"ops": jsOps, "runs": len(runs)}), runs
}

func hasExchange(xs []core.Exchange, from, to int) bool {
	for _, x := range xs {
		if x.From == from && x.To == to {
			return true
		}
	}
	return false
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
	src := args[0]
	if src.Type() != js.TypeObject || !src.InstanceOf(js.Global().Get("Uint8Array")) {
		return nil, fmt.Errorf("the image must arrive as a Uint8Array")
	}
	js.CopyBytesToGo(engine.Frame(src.Length()), src)
	_, err := engine.BandPrepare(args[1].Int(), args[2].Int(), args[3].Int(), args[4].Float())
	return nil, err
}

// bandRun(from, to): the schedule's runs [from, to) on the planned model.
func bandRun(args []js.Value) (any, error) {
	if band.model == nil || len(args) != 2 {
		return nil, fmt.Errorf("bandRun wants (from, to) after bandPlan")
	}
	from, to := args[0].Int(), args[1].Int()
	if from < 0 || to > len(band.runs) || from > to {
		return nil, fmt.Errorf("bandRun: runs [%d, %d) of %d", from, to, len(band.runs))
	}
	for _, op := range band.runs[from:to] {
		band.model.RunOp(op)
	}
	return nil, nil
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
// banded run (n = 1: the whole network on this worker, plan.runs runs) and logits.
func setInput(args []js.Value) (any, error) {
	if engine == nil {
		return nil, fmt.Errorf("no model loaded")
	}
	if len(args) != 2 || args[0].Type() != js.TypeObject || !args[0].InstanceOf(js.Global().Get("Uint8Array")) {
		return nil, fmt.Errorf("setInput wants (Uint8Array of float32s, size)")
	}
	size := args[1].Int()
	if want := size * size * 3 * 4; args[0].Length() != want || size <= 0 {
		return nil, fmt.Errorf("setInput: %d bytes, want %d for a %dx%dx3 float32 tensor", args[0].Length(), want, size, size)
	}
	if len(band.input) != size*size*3 {
		band.input = make([]float32, size*size*3)
	}
	js.CopyBytesToGo(unsafe.Slice((*byte)(unsafe.Pointer(&band.input[0])), len(band.input)*4), args[0])
	_, err := engine.SetInput(size, band.input)
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
