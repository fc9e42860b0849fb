//go:build js && wasm

package main

import (
	"runtime"
	"sync"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/mobilenet-go/mobilenet/wasm/overlay/hud"
)

type prediction struct {
	label       string
	probability float64
}

type modelInfo struct {
	alpha            float64
	size             int
	multAdds, params int64
	backend          string
	workers          int
}

// state is everything the parent page tells the overlay; guarded by mu because the
// bridge callback and ebiten's Draw run on different goroutines.
type state struct {
	mu sync.Mutex

	preds   [5]prediction
	npreds  int
	hist    *hud.History
	frames  int // results shown since the stream started
	dropped int
	model   modelInfo
	status  string
	updates int        // bridge calls that asked for a redraw, for tests
	draws   int        // Draw calls, for tests: redraws only follow updates
	drawMs  [2]float64 // the last Draw's cost: predictions, latency panel
}

var st = &state{hist: hud.NewHistory(120)}

const (
	historyFields = 5  // numbers per result in a message's history
	gcEvery       = 16 // messages between forced collections (about 4 s at 4 a second)
)

// installBridge exposes overlayUpdate(msg) to overlay.html (and through it to the
// page). The HUD never sees camera pixels: the page shows the <video> under it.
// msg fields, all optional:
//
//	predictions: [{label, probability}] (best first)
//	history: the results since the last message, flat numbers, historyFields per
//	  result: capture, preprocess, inference, total (ms), arrival (ms timestamp)
//	frames, dropped: counters; model: {alpha, size, multAdds, params, backend, workers}
//	status: one line shown centred (empty clears); reset: true forgets the history
//
// Every message redraws once; the page sends a few a second, batching the results in
// between into history.
func installBridge() {
	js.Global().Set("overlayUpdate", js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) != 1 || args[0].Type() != js.TypeObject {
			return "overlayUpdate: want one object argument"
		}
		st.mu.Lock()
		st.apply(args[0])
		st.updates++
		updates := st.updates
		st.mu.Unlock()
		ebiten.ScheduleFrame()
		// Every js.Value of an object or string read here holds a reference in
		// wasm_exec.js until Go's garbage collector finalizes it, and this program
		// allocates so little that collections are rare: without this the page's JS
		// heap grew by about 20 kB/s. A collection of this small heap takes about 1 ms.
		if updates%gcEvery == 0 {
			runtime.GC()
		}
		return nil
	}))
	// overlayStats(gc): counters and Go memory, so tests can check that the overlay
	// redraws only on updates and that its memory stays flat.
	js.Global().Set("overlayStats", js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) > 0 && args[0].Truthy() {
			runtime.GC()
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		st.mu.Lock()
		defer st.mu.Unlock()
		return map[string]any{
			"updates": st.updates, "draws": st.draws, "frames": st.frames, "history": st.hist.Len(),
			"heapAlloc": float64(m.HeapAlloc), "sys": float64(m.Sys),
			"drawMs": []any{st.drawMs[0], st.drawMs[1]},
		}
	}))
}

// apply copies msg into the state; a malformed field never panics, it is skipped.
func (s *state) apply(msg js.Value) {
	if v := msg.Get("reset"); v.Truthy() {
		s.hist.Reset()
		s.frames, s.dropped, s.npreds = 0, 0, 0
	}
	if p := msg.Get("predictions"); p.Type() == js.TypeObject {
		n := min(p.Length(), len(s.preds))
		s.npreds = 0
		for i := range n {
			e := p.Index(i)
			if e.Type() != js.TypeObject {
				continue
			}
			s.preds[s.npreds] = prediction{label: stringField(e, "label"), probability: floatField(e, "probability")}
			s.npreds++
		}
	}
	if h := msg.Get("history"); h.Type() == js.TypeObject {
		// Numbers are passed by value: reading them creates no references.
		at := func(i int) float64 {
			v := h.Index(i)
			if v.Type() != js.TypeNumber {
				return 0
			}
			return v.Float()
		}
		for i := 0; i+historyFields <= h.Length(); i += historyFields {
			s.hist.Add(hud.Timings{Capture: at(i), Preprocess: at(i + 1), Inference: at(i + 2), Total: at(i + 3)}, at(i+4))
		}
	}
	if v := msg.Get("frames"); v.Type() == js.TypeNumber {
		s.frames = v.Int()
	}
	if v := msg.Get("dropped"); v.Type() == js.TypeNumber {
		s.dropped = v.Int()
	}
	if m := msg.Get("model"); m.Type() == js.TypeObject {
		s.model = modelInfo{
			alpha:    floatField(m, "alpha"),
			size:     intField(m, "size"),
			multAdds: int64(floatField(m, "multAdds")),
			params:   int64(floatField(m, "params")),
			backend:  stringField(m, "backend"),
			workers:  intField(m, "workers"),
		}
	}
	if v := msg.Get("status"); v.Type() == js.TypeString {
		s.status = v.String()
	}
}

func floatField(v js.Value, name string) float64 {
	f := v.Get(name)
	if f.Type() != js.TypeNumber {
		return 0
	}
	return f.Float()
}

func intField(v js.Value, name string) int { return int(floatField(v, name)) }

func stringField(v js.Value, name string) string {
	f := v.Get(name)
	if f.Type() != js.TypeString {
		return ""
	}
	return f.String()
}
