// Command gobench is the Go half of `make bench` (driven by bench/run.mjs):
//
//	gobench prepare -out DIR [-model TFJS_DIR]   write every configuration's weights (.mnw),
//	                                             input tensor and reference logits
//	gobench native -dir DIR -config NAME -n N -threads T [-precision int8]   time our native engine
//	gobench profile -dir DIR -config NAME -n N [-precision int8]             per-layer-type times (1 thread)
//
// Both run the network through pipeline.NewTimed, as the CLI's bench does: f32
// (core.Model) or int8 (internal/q8, quantized from the same weights at load).
//
// Results are JSON on stdout. Random-weight configurations use core.RandomWeights;
// the float32 .mnw files carry the exact values to every other engine (wasm, TF.js).
package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/layerprofile"
	"github.com/mobilenet-go/mobilenet/internal/pipeline"
	"github.com/mobilenet-go/mobilenet/weights"
)

// Config is one benchmarked network.
type Config struct {
	Name     string  `json:"name"`
	Alpha    float64 `json:"alpha"`
	Size     int     `json:"size"`
	MultAdds int64   `json:"multAdds"`
	Params   int64   `json:"params"`
	Weights  string  `json:"weights"` // "real: DIR" or "random (seed N)"
}

var configs = []Config{{Name: "1.0-224", Alpha: 1, Size: 224}, {Name: "0.75-224", Alpha: 0.75, Size: 224},
	{Name: "0.5-160", Alpha: 0.5, Size: 160}, {Name: "0.25-128", Alpha: 0.25, Size: 128}}

const seed = 1

func main() {
	if len(os.Args) < 2 {
		fail(fmt.Errorf("usage: gobench prepare|native|profile [flags]"))
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	dir := fs.String("dir", "", "directory written by prepare")
	out := fs.String("out", "", "prepare: output directory")
	model := fs.String("model", "", "prepare: TF.js layers model directory for the real 0.75-224 weights (random if empty)")
	name := fs.String("config", "", "configuration name, e.g. 1.0-224")
	n := fs.Int("n", 20, "timed runs")
	threads := fs.Int("threads", 1, "goroutines per layer; 0 = all cores")
	warmup := fs.Duration("warmup", time.Second, "native: warm up for at least 2 runs and this long")
	prec := fs.String("precision", "f32", "native, profile: f32 or int8")
	fs.Parse(os.Args[2:])
	precision, err := pipeline.ParsePrecision(*prec)
	if err != nil {
		fail(err)
	}
	switch os.Args[1] {
	case "prepare":
		err = prepare(*out, *model)
	case "native":
		err = native(*dir, *name, *n, *threads, *warmup, precision)
	case "profile":
		err = profile(*dir, *name, *n, precision)
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gobench:", err)
	os.Exit(1)
}

func prepare(out, modelDir string) error {
	if out == "" {
		return fmt.Errorf("prepare needs -out")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var done []Config
	for _, c := range configs {
		var w *core.Weights
		var err error
		if c.Alpha == 0.75 && modelDir != "" {
			w, err = weights.Load(modelDir)
			c.Weights = "real (" + filepath.Base(modelDir) + ")"
		} else {
			w, err = core.RandomWeights(c.Alpha, c.Size, seed)
			c.Weights = fmt.Sprintf("random (seed %d)", seed)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		if w.Size != c.Size { // the .mnw's size is the size every engine runs it at
			return fmt.Errorf("%s: weights are for %d x %d", c.Name, w.Size, w.Size)
		}
		if err := writeMnw(filepath.Join(out, c.Name+".mnw"), w); err != nil {
			return err
		}
		m, err := core.NewModel(w, c.Size)
		if err != nil {
			return err
		}
		m.SetThreads(1)
		c.MultAdds, c.Params = m.MultAdds(), m.Params()
		r := rand.New(rand.NewPCG(seed, uint64(c.Size)))
		in := make([]float32, m.InputLen())
		for i := range in {
			in[i] = float32(2*r.Float64() - 1)
		}
		logits, err := m.Forward(in)
		if err != nil {
			return err
		}
		if err := writeFloats(filepath.Join(out, c.Name+".in.f32"), in); err != nil {
			return err
		}
		if err := writeFloats(filepath.Join(out, c.Name+".logits.f32"), logits); err != nil {
			return err
		}
		done = append(done, c)
	}
	return writeJSON(filepath.Join(out, "configs.json"), done)
}

// writeMnw stores w as a float32 .mnw: TF.js (tests/support/tfjs_net.js) and our wasm
// build read exactly the values the native engine runs.
func writeMnw(path string, w *core.Weights) error {
	var b bytes.Buffer
	if err := weights.EncodePacked(&b, w, false); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// load reads a prepared configuration: its model (in precision p, on threads
// goroutines per layer), input and reference (f32) logits.
func load(dir, name string, threads int, p pipeline.Precision) (*pipeline.Timed, []float32, []float32, error) {
	w, err := weights.Load(filepath.Join(dir, name+".mnw"))
	if err != nil {
		return nil, nil, nil, err
	}
	m, err := pipeline.NewTimed(w, w.Size, threads, p)
	if err != nil {
		return nil, nil, nil, err
	}
	in, err := readFloats(filepath.Join(dir, name+".in.f32"))
	if err != nil {
		return nil, nil, nil, err
	}
	ref, err := readFloats(filepath.Join(dir, name+".logits.f32"))
	return m, in, ref, err
}

// Result is one engine's timing of one configuration (the fields bench/run.mjs reads).
type Result struct {
	Engine  string    `json:"engine"`
	Config  string    `json:"config"`
	Threads int       `json:"threads"`
	Impl    string    `json:"impl"`
	RunsMS  []float64 `json:"runsMs"`
	MaxDiff float64   `json:"maxDiff"` // max |logit - reference logit|
}

func native(dir, name string, n, threads int, warmup time.Duration, p pipeline.Precision) error {
	m, in, ref, err := load(dir, name, threads, p)
	if err != nil {
		return err
	}
	defer m.Close()
	res := Result{Engine: "native", Config: name, Threads: m.Threads, Impl: m.Kernels}
	for i, t0 := 0, time.Now(); i < 2 || time.Since(t0) < warmup; i++ {
		if _, err := m.Forward(in); err != nil {
			return err
		}
	}
	for range n {
		start := time.Now()
		logits, err := m.Forward(in)
		if err != nil {
			return err
		}
		res.RunsMS = append(res.RunsMS, float64(time.Since(start).Nanoseconds())/1e6)
		res.MaxDiff = maxDiff(logits, ref)
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

func profile(dir, name string, n int, p pipeline.Precision) error {
	m, in, _, err := load(dir, name, 1, p)
	if err != nil {
		return err
	}
	defer m.Close()
	m.SetProfile(true)
	prof := layerprofile.New(m.Layers)
	for i := range n + 2 {
		if _, err := m.Forward(in); err != nil {
			return err
		}
		if i >= 2 {
			prof.Add(m.LayerTimes)
		}
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"config": name, "impl": m.Kernels, "goarch": runtime.GOARCH, "kinds": prof.Kinds()})
}

func maxDiff(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(float64(a[i])-float64(b[i])))
	}
	return d
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

func writeFloats(path string, v []float32) error {
	b := make([]byte, 0, 4*len(v))
	for _, f := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
	}
	return os.WriteFile(path, b, 0o644)
}

func readFloats(path string) ([]float32, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("%s: %d bytes, not whole float32", path, len(b))
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v, nil
}
