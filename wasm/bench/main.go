//go:build js && wasm

// Command bench is our engine built for js/wasm with a minimal API for the benchmark
// only (bench/run.mjs runs it in Node and in a Chromium Worker). It sets
// globalThis.mobilenetBench = {load, run, profile} and then waits for calls:
//
//	load(mnw Uint8Array, input Uint8Array[, precision]) -> {impl} | {error}
//	                  (mnw: a .mnw file, run at the input size it stores)
//	                  (precision "int8": internal/q8's network on the same weights, quantized)
//	run(n, warmupMs) -> {runsMs: number[], logits: Float32Array} | {error}
//	                  (after >= 2 warm-up runs lasting >= warmupMs)
//	profile(n) -> {kinds: [{kind, ms, multAdds, params}]}          (median ms per layer type)
//
// Times are taken inside Go (time.Now is performance.now here), so they measure the
// forward pass alone, not the JS call.
package main

import (
	"math"
	"syscall/js"
	"time"

	"github.com/mobilenet-go/mobilenet/internal/layerprofile"
	"github.com/mobilenet-go/mobilenet/internal/pipeline"
	"github.com/mobilenet-go/mobilenet/weights/mnw"
)

var (
	model *pipeline.Timed
	input []float32
)

func main() {
	js.Global().Set("mobilenetBench", js.ValueOf(map[string]any{
		"load":    js.FuncOf(load),
		"run":     js.FuncOf(run),
		"profile": js.FuncOf(profile),
	}))
	select {}
}

func errorValue(msg string) any { return map[string]any{"error": msg} }

func bytesOf(v js.Value) []byte {
	b := make([]byte, v.Get("byteLength").Int())
	js.CopyBytesToGo(b, v)
	return b
}

func load(_ js.Value, args []js.Value) any {
	if len(args) != 2 && len(args) != 3 {
		return errorValue("load(mnw, input[, precision]) takes 2 or 3 arguments")
	}
	precision := "f32"
	if len(args) == 3 && args[2].Truthy() {
		precision = args[2].String()
	}
	w, err := mnw.Decode(bytesOf(args[0]))
	if err != nil {
		return errorValue(err.Error())
	}
	p, err := pipeline.ParsePrecision(precision)
	if err != nil {
		return errorValue(err.Error())
	}
	m, err := pipeline.NewTimed(w, w.Size, 1, p)
	if err != nil {
		return errorValue(err.Error())
	}
	raw := bytesOf(args[1])
	if len(raw) != 4*m.InputLen {
		return errorValue("input has the wrong size for this model")
	}
	input = make([]float32, m.InputLen)
	for i := range input {
		input[i] = math.Float32frombits(uint32(raw[4*i]) | uint32(raw[4*i+1])<<8 | uint32(raw[4*i+2])<<16 | uint32(raw[4*i+3])<<24)
	}
	model = m
	return map[string]any{"impl": m.Kernels}
}

func run(_ js.Value, args []js.Value) any {
	if model == nil || len(args) != 2 {
		return errorValue("run(n, warmupMs) needs a loaded model")
	}
	n := args[0].Int()
	warmup := time.Duration(args[1].Float() * float64(time.Millisecond))
	runs := make([]any, 0, n)
	var logits []float32
	// Warm up for at least 2 runs and the given time: V8 first runs Liftoff code and
	// swaps in optimised (TurboFan) code later, in the background.
	for i, t0 := 0, time.Now(); i < 2 || time.Since(t0) < warmup; i++ {
		if _, err := model.Forward(input); err != nil {
			return errorValue(err.Error())
		}
	}
	for range n {
		start := time.Now()
		out, err := model.Forward(input)
		if err != nil {
			return errorValue(err.Error())
		}
		runs = append(runs, float64(time.Since(start).Nanoseconds())/1e6)
		logits = out
	}
	bits := make([]byte, 4*len(logits))
	for i, f := range logits {
		u := math.Float32bits(f)
		bits[4*i], bits[4*i+1], bits[4*i+2], bits[4*i+3] = byte(u), byte(u>>8), byte(u>>16), byte(u>>24)
	}
	arr := js.Global().Get("Uint8Array").New(len(bits))
	js.CopyBytesToJS(arr, bits)
	return map[string]any{"runsMs": runs, "logits": js.Global().Get("Float32Array").New(arr.Get("buffer"))}
}

func profile(_ js.Value, args []js.Value) any {
	if model == nil || len(args) != 1 {
		return errorValue("profile(n) needs a loaded model")
	}
	n := args[0].Int()
	model.SetProfile(true)
	defer model.SetProfile(false)
	prof := layerprofile.New(model.Layers)
	for i := range n + 2 {
		if _, err := model.Forward(input); err != nil {
			return errorValue(err.Error())
		}
		if i >= 2 {
			prof.Add(model.LayerTimes)
		}
	}
	var kinds []any
	for _, k := range prof.Kinds() {
		kinds = append(kinds, map[string]any{"kind": k.Kind, "ms": k.MS,
			"multAdds": float64(k.MultAdds), "params": float64(k.Params)})
	}
	return map[string]any{"kinds": kinds}
}
