//go:build js && wasm

package main

import (
	"runtime"
	"sync"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/mobilenet-go/mobilenet/wasm/overlay/hud"
)

// maxFrameBytes refuses frames larger than 4K RGBA: the parent downsizes first.
const maxFrameBytes = 3840 * 2160 * 4

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

	pix           []byte // RGBA, frameW*frameH*4, reused across frames
	frameW        int
	frameH        int
	frameDirty    bool
	preds         [5]prediction
	npreds        int
	hist          *hud.History
	frames        int // results shown since the stream started
	dropped       int
	model         modelInfo
	status        string
	updates       int // bridge calls that asked for a redraw, for tests
	draws         int // Draw calls, for tests: redraws only follow updates
	rejectedFrame string
	drawMs        [3]float64 // the last Draw's cost: frame, predictions, latency panel
}

var (
	st           = &state{hist: hud.NewHistory(120)}
	uint8Clamped = js.Global().Get("Uint8ClampedArray")
	uint8Array   = js.Global().Get("Uint8Array")
)

// installBridge exposes overlayUpdate(msg) to overlay.html, which wraps the parent's
// frame bytes in this realm's Uint8ClampedArray before calling it (js.CopyBytesToGo
// checks instanceof against this realm's constructors). msg fields, all optional:
//
//	frame: Uint8ClampedArray RGBA, width, height
//	predictions: [{label, probability}] (best first)
//	timings: {capture, preprocess, inference, total} (ms), now: ms timestamp
//	frames, dropped: counters; model: {alpha, size, multAdds, params, backend, workers}
//	status: one line shown centred (empty clears); reset: true forgets the history
//	redraw: false records the message without drawing (the page limits redraws)
func installBridge() {
	js.Global().Set("overlayUpdate", js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) != 1 || args[0].Type() != js.TypeObject {
			return "overlayUpdate: want one object argument"
		}
		st.mu.Lock()
		defer st.mu.Unlock()
		err := st.apply(args[0])
		if v := args[0].Get("redraw"); v.Type() != js.TypeBoolean || v.Bool() {
			st.updates++
			ebiten.ScheduleFrame()
		}
		if err != "" {
			return err
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
			"rejected": st.rejectedFrame, "heapAlloc": float64(m.HeapAlloc), "sys": float64(m.Sys),
			"drawMs": []any{st.drawMs[0], st.drawMs[1], st.drawMs[2]},
		}
	}))
}

// apply copies msg into the state and returns a message for a rejected part ("" when
// all is well); a malformed field never panics, it is skipped.
func (s *state) apply(msg js.Value) string {
	var problem string
	if v := msg.Get("reset"); v.Truthy() {
		s.hist.Reset()
		s.frames, s.dropped, s.npreds = 0, 0, 0
	}
	if f := msg.Get("frame"); f.Type() == js.TypeObject {
		problem = s.copyFrame(f, intField(msg, "width"), intField(msg, "height"))
		s.rejectedFrame = problem
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
	if t := msg.Get("timings"); t.Type() == js.TypeObject {
		s.hist.Add(hud.Timings{
			Capture:    floatField(t, "capture"),
			Preprocess: floatField(t, "preprocess"),
			Inference:  floatField(t, "inference"),
			Total:      floatField(t, "total"),
		}, floatField(msg, "now"))
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
	return problem
}

func (s *state) copyFrame(f js.Value, w, h int) string {
	n := w * h * 4
	if w <= 0 || h <= 0 || n > maxFrameBytes {
		return "frame: bad size"
	}
	if !f.InstanceOf(uint8Clamped) && !f.InstanceOf(uint8Array) {
		return "frame: not a Uint8ClampedArray of this window (wrap it in overlay.html's realm)"
	}
	if f.Get("length").Int() != n {
		return "frame: length does not match width*height*4"
	}
	if cap(s.pix) < n {
		s.pix = make([]byte, n)
	}
	s.pix = s.pix[:n]
	if js.CopyBytesToGo(s.pix, f) != n {
		return "frame: short copy"
	}
	s.frameW, s.frameH, s.frameDirty = w, h, true
	return ""
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
