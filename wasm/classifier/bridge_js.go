//go:build js && wasm

package main

import (
	"bytes"
	"fmt"
	"runtime"
	"syscall/js"
	"unsafe"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/pipeline"
	"github.com/mobilenet-go/mobilenet/internal/q8"
	"github.com/mobilenet-go/mobilenet/weights/mnw"
)

// The worker (web/mobilenet-worker.js) talks to Go through one global object,
// globalThis.mobilenetGo, with coarse calls: one per model load and one per image.
// Each call returns undefined (or a value) on success and {error: "..."} on failure;
// results are written into buffers the worker handed over once (outU8, embU8), so a
// raw frame costs one copy into Go and no Go allocation.
var (
	engine *pipeline.Engine
	int8W  *core.Int8Weights // the int8 engine's weights, for exportPacked (nil on f32)
	out    []float64         // [decodeMs, preprocessMs, inferenceMs, n, index0, prob0, index1, prob1, ...]
	outU8  js.Value          // a Uint8Array over the worker's Float64Array of len(out)
)

// calls holds the calls other files add: banded inference (bridge_band_js.go), and
// loadTFJS in builds with -tags tfjs (bridge_tfjs_js.go).
var calls = map[string]func(args []js.Value) (any, error){}

// outLen is the result buffer's length in float64s: 4 header values + (index, prob) pairs.
const outLen = 4 + 2*core.NumClasses

func main() {
	out = make([]float64, outLen)
	api := js.Global().Get("Object").New()
	api.Set("outLength", outLen)
	api.Set("setOutput", js.FuncOf(guard(setOutput)))
	api.Set("loadPacked", js.FuncOf(guard(loadPacked)))
	for name, f := range calls {
		api.Set(name, js.FuncOf(guard(f)))
	}
	api.Set("exportPacked", js.FuncOf(guard(exportPacked)))
	api.Set("info", js.FuncOf(guard(info)))
	api.Set("labels", js.FuncOf(guard(labels)))
	api.Set("classify", js.FuncOf(guard(classify)))
	api.Set("features", js.FuncOf(guard(features)))
	api.Set("memStats", js.FuncOf(guard(memStats)))
	js.Global().Set("mobilenetGo", api)
	select {} // serve calls until the worker is terminated
}

// guard turns a returned error or a panic into {error: message} so that bad input
// never takes the worker down.
func guard(f func(args []js.Value) (any, error)) func(js.Value, []js.Value) any {
	return func(_ js.Value, args []js.Value) (res any) {
		defer func() {
			if r := recover(); r != nil {
				res = errorValue(fmt.Errorf("internal error in the classifier: %v", r))
			}
		}()
		v, err := f(args)
		if err != nil {
			return errorValue(err)
		}
		return v
	}
}

func errorValue(err error) js.Value {
	o := js.Global().Get("Object").New()
	o.Set("error", err.Error())
	return o
}

// uint8Array is the Uint8Array constructor, looked up once: every js.Value of an
// object costs a Go allocation (a ref with a finalizer), so a per-frame lookup would
// be one allocation per frame.
var uint8Array = js.Global().Get("Uint8Array")

func isUint8Array(v js.Value) bool { return v.Type() == js.TypeObject && v.InstanceOf(uint8Array) }

// setFrame copies a call's image bytes (a Uint8Array) into the engine's frame buffer.
func setFrame(v js.Value) error {
	if !isUint8Array(v) {
		return fmt.Errorf("the image must arrive as a Uint8Array")
	}
	js.CopyBytesToGo(engine.Frame(v.Length()), v)
	return nil
}

func argBytes(v js.Value, what string) ([]byte, error) {
	if !isUint8Array(v) {
		return nil, fmt.Errorf("%s must be a Uint8Array", what)
	}
	b := make([]byte, v.Length())
	js.CopyBytesToGo(b, v)
	return b, nil
}

// setOutput(u8): the Uint8Array view of the worker's result Float64Array.
func setOutput(args []js.Value) (any, error) {
	if len(args) != 1 || args[0].Length() != outLen*8 {
		return nil, fmt.Errorf("setOutput wants a Uint8Array of %d bytes", outLen*8)
	}
	outU8 = args[0]
	return nil, nil
}

// loadPacked(bytes, precision?): our packed .mnw format. precision is "f32", "int8"
// or "" (undefined): the file's own storage, so an int8 file runs int8 (as stored)
// and a float file f32 (TF.js's arithmetic); int8 asked of a float file quantizes it
// here (q8.Quantize), f32 asked of an int8 file runs its dequantized weights.
func loadPacked(args []js.Value) (any, error) {
	data, err := argBytes(args[0], "the model")
	if err != nil {
		return nil, err
	}
	p, err := argPrecision(args, 1)
	if err != nil {
		return nil, err
	}
	if p == "" && mnw.IsInt8(data) || p == pipeline.Int8 {
		qw, err := mnw.DecodeInt8(data)
		if err != nil {
			return nil, err
		}
		return useInt8(qw)
	}
	w, err := mnw.Decode(data)
	if err != nil {
		return nil, err
	}
	return useWeights(w, pipeline.F32)
}

// argPrecision reads args[i] as a precision: "" when absent or undefined.
func argPrecision(args []js.Value, i int) (pipeline.Precision, error) {
	if len(args) <= i || args[i].IsUndefined() || args[i].IsNull() {
		return "", nil
	}
	if args[i].Type() != js.TypeString {
		return "", fmt.Errorf("precision must be a string: f32 or int8")
	}
	s := args[i].String()
	if s == "" {
		return "", fmt.Errorf(`precision "": want f32 or int8`)
	}
	return pipeline.ParsePrecision(s)
}

// useWeights runs float weights at precision p ("" is f32).
func useWeights(w *core.Weights, p pipeline.Precision) (any, error) {
	if p == pipeline.Int8 {
		if err := w.Check(); err != nil {
			return nil, fmt.Errorf("the model's weights are not a MobileNet v1: %w", err)
		}
		qw, err := q8.Quantize(w)
		if err != nil {
			return nil, err
		}
		return useInt8(qw)
	}
	e, err := pipeline.New(w, 0)
	if err != nil {
		return nil, err
	}
	engine, int8W = e, nil
	return info(nil)
}

// useInt8 runs int8 weights; they are kept for exportPacked.
func useInt8(qw *core.Int8Weights) (any, error) {
	e, err := pipeline.NewInt8(qw, 0)
	if err != nil {
		return nil, err
	}
	engine, int8W = e, qw
	return info(nil)
}

// exportPacked(): the loaded weights as a packed file (float32, or int8 as the int8
// engine runs them), so further workers load them without downloading, converting or
// quantizing again, and run the same numbers.
func exportPacked(args []js.Value) (any, error) {
	if engine == nil {
		return nil, fmt.Errorf("no model loaded")
	}
	var buf bytes.Buffer
	var err error
	if int8W != nil {
		err = mnw.EncodeInt8(&buf, int8W)
	} else {
		err = mnw.Encode(&buf, engine.Weights(), false)
	}
	if err != nil {
		return nil, err
	}
	u8 := uint8Array.New(buf.Len())
	js.CopyBytesToJS(u8, buf.Bytes())
	return u8, nil
}

// info(size?): {alpha, size, multAdds, params, featureLength, precision, kernels}.
func info(args []js.Value) (any, error) {
	if engine == nil {
		return nil, fmt.Errorf("no model loaded")
	}
	size := 0
	if len(args) > 0 && args[0].Type() == js.TypeNumber {
		size = args[0].Int()
	}
	in, err := engine.Info(size)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"alpha": in.Alpha, "size": in.Size, "multAdds": float64(in.MultAdds),
		"params": float64(in.Params), "featureLength": in.FeatureLength, "precision": in.Precision,
		"kernels": in.Kernels,
	}, nil
}

// labels(): the 1000 ImageNet class names, fetched once by the worker.
func labels(args []js.Value) (any, error) {
	names := make([]any, core.NumClasses)
	for i := range names {
		names[i] = core.Label(i)
	}
	return names, nil
}

// classify(bytes, width, height, size, crop, topk): width 0 means bytes hold an
// encoded image; else they are width x height RGBA pixels. Results go to the output
// buffer; the return value is undefined on success.
func classify(args []js.Value) (any, error) {
	if engine == nil {
		return nil, fmt.Errorf("no model loaded")
	}
	if len(args) != 6 || outU8.IsUndefined() {
		return nil, fmt.Errorf("classify wants (bytes, width, height, size, crop, topk) after setOutput")
	}
	if err := setFrame(args[0]); err != nil {
		return nil, err
	}
	topk := min(args[5].Int(), core.NumClasses)
	top, err := engine.Run(args[1].Int(), args[2].Int(), args[3].Int(), args[4].Float(), topk)
	if err != nil {
		return nil, err
	}
	writeOutput(top)
	return nil, nil
}

// writeOutput copies the last call's timings and classes to the worker's buffer.
func writeOutput(top []core.Prediction) {
	out[0] = ms(engine.Decode.Nanoseconds())
	out[1] = ms(engine.Preprocess.Nanoseconds())
	out[2] = ms(engine.Inference.Nanoseconds())
	out[3] = float64(len(top))
	for i, p := range top {
		out[4+2*i] = float64(p.Index)
		out[5+2*i] = float64(p.Probability)
	}
	js.CopyBytesToJS(outU8, unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), (4+2*len(top))*8))
}

func ms(ns int64) float64 { return float64(ns) / 1e6 }

// features(u8): copies the last classify's pooled embedding (float32) into u8, a
// Uint8Array view of a Float32Array of featureLength.
func features(args []js.Value) (any, error) {
	if engine == nil {
		return nil, fmt.Errorf("no model loaded")
	}
	f := engine.Features()
	if f == nil {
		return nil, fmt.Errorf("no image classified yet")
	}
	if len(args) != 1 || args[0].Length() != len(f)*4 {
		return nil, fmt.Errorf("features wants a Uint8Array of %d bytes", len(f)*4)
	}
	js.CopyBytesToJS(args[0], unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), len(f)*4))
	return nil, nil
}

// memStats(gc): Go heap counters, so tests can check that memory stays flat over many
// calls; with gc true a collection runs first.
func memStats(args []js.Value) (any, error) {
	if len(args) > 0 && args[0].Truthy() {
		runtime.GC()
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return map[string]any{
		"heapAlloc": float64(m.HeapAlloc), "totalAlloc": float64(m.TotalAlloc),
		"mallocs": float64(m.Mallocs), "sys": float64(m.Sys),
	}, nil
}
