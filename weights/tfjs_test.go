package weights

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mobilenet-go/mobilenet/core"
)

// realModelDir is the Google-hosted MobileNet v1 0.75/224 in ../shared (TFJS_MODEL_DIR
// or SHARED override it); tests that need it skip when it is absent.
func realModelDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("TFJS_MODEL_DIR")
	if dir == "" {
		shared := os.Getenv("SHARED")
		if shared == "" {
			shared = filepath.Join("..", "..", "shared")
		}
		dir = filepath.Join(shared, "models", "mobilenet_v1_0.75_224")
	} else if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", dir) // the Makefile's paths are relative to the repo root
	}
	if _, err := os.Stat(filepath.Join(dir, "model.json")); err != nil {
		t.Skipf("real TF.js model not available: %v", err)
	}
	return dir
}

// rawTensor reads one tensor straight from the real model's files, independently of
// the importer: find its group and offset in the manifest, decode its bytes.
func rawTensor(t *testing.T, dir, name string) []float32 {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		WeightsManifest []struct {
			Paths   []string
			Weights []struct {
				Name  string
				Shape []int
			}
		}
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, g := range m.WeightsManifest {
		var shard []byte
		for _, p := range g.Paths {
			b, err := os.ReadFile(filepath.Join(dir, p))
			if err != nil {
				t.Fatal(err)
			}
			shard = append(shard, b...)
		}
		off := 0
		for _, w := range g.Weights {
			n := 1
			for _, d := range w.Shape {
				n *= d
			}
			if w.Name == name {
				out := make([]float32, n)
				for i := range out {
					out[i] = math.Float32frombits(binary.LittleEndian.Uint32(shard[off+4*i:]))
				}
				return out
			}
			off += 4 * n
		}
	}
	t.Fatalf("tensor %s not in the manifest", name)
	return nil
}

func TestLoadRealModel(t *testing.T) {
	dir := realModelDir(t)
	for _, src := range []string{dir, filepath.Join(dir, "model.json")} {
		w, err := Load(src)
		if err != nil {
			t.Fatal(err)
		}
		if w.Alpha != 0.75 || w.Size != 224 || len(w.Layers) != 28 {
			t.Fatalf("%s: alpha %v size %d layers %d, want 0.75 224 28", src, w.Alpha, w.Size, len(w.Layers))
		}
		if err := w.Check(); err != nil {
			t.Fatal(err)
		}
	}
	w, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Spot-check conv_pw_7 (layer 14: [384][384]) at kernel index i, output channel c.
	kernel := rawTensor(t, dir, "conv_pw_7/kernel")
	bn := func(p string) []float32 { return rawTensor(t, dir, "conv_pw_7_bn/"+p) }
	gamma, beta, mean, variance := bn("gamma"), bn("beta"), bn("moving_mean"), bn("moving_variance")
	const i = 384*200 + 123
	c := i % 384
	scale := float64(gamma[c]) / math.Sqrt(float64(variance[c])+0.001)
	wantK := float64(kernel[i]) * scale
	wantB := float64(beta[c]) - float64(mean[c])*scale
	p := w.Layers[14]
	if d := math.Abs(float64(p.Kernel[i]) - wantK); d > 1e-6*math.Abs(wantK)+1e-12 {
		t.Errorf("conv_pw_7 folded kernel[%d] = %v, want %v", i, p.Kernel[i], wantK)
	}
	if d := math.Abs(float64(p.Bias[c]) - wantB); d > 1e-6*math.Abs(wantB)+1e-12 {
		t.Errorf("conv_pw_7 folded bias[%d] = %v, want %v", c, p.Bias[c], wantB)
	}
	// The classifier is not folded: its kernel and bias are the file's values.
	preds := rawTensor(t, dir, "conv_preds/bias")
	if got := w.Layers[27].Bias[999]; got != preds[999] {
		t.Errorf("conv_preds bias[999] = %v, want %v", got, preds[999])
	}
	// And the weights run: finite logits from a mid-grey input.
	m, err := core.NewModel(w, 224)
	if err != nil {
		t.Fatal(err)
	}
	logits, err := m.Forward(make([]float32, m.InputLen()))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range logits {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("logit %d is %v", i, v)
		}
	}
}

func TestParseTFJSSynthetic(t *testing.T) {
	for _, tc := range []struct {
		alpha float64
		size  int
		split bool
		every bool // compare every value (slow for the big alphas)
	}{{0.25, 128, false, true}, {0.25, 224, true, true}, {0.5, 160, true, true}, {1.0, 192, false, false}} {
		s := newSynthModel(t, tc.alpha, tc.size, 7, tc.split)
		w, err := ParseTFJS(s.modelJSON(t), s.readFile)
		if err != nil {
			t.Fatalf("alpha %v size %d: %v", tc.alpha, tc.size, err)
		}
		if w.Alpha != tc.alpha || w.Size != tc.size {
			t.Fatalf("got alpha %v size %d, want %v %d", w.Alpha, w.Size, tc.alpha, tc.size)
		}
		if !tc.every {
			continue
		}
		layers, _ := paramLayers(tc.alpha, tc.size)
		for li, l := range layers {
			p := w.Layers[li]
			for i := range p.Kernel {
				wantK, _ := s.folded(l, i, 0)
				if d := math.Abs(float64(p.Kernel[i]) - wantK); d > 1e-6*math.Abs(wantK)+1e-30 {
					t.Fatalf("%s kernel[%d] = %v, want %v", l.Name, i, p.Kernel[i], wantK)
				}
			}
			for c := range p.Bias {
				_, wantB := s.folded(l, 0, c)
				if d := math.Abs(float64(p.Bias[c]) - wantB); d > 1e-6*math.Abs(wantB)+1e-6 {
					t.Fatalf("%s bias[%d] = %v, want %v", l.Name, c, p.Bias[c], wantB)
				}
			}
		}
	}
}

func TestParseTFJSNoTopologyDefaults224(t *testing.T) {
	s := newSynthModel(t, 0.25, 224, 1, false)
	s.topology = nil
	w, err := ParseTFJS(s.modelJSON(t), s.readFile)
	if err != nil {
		t.Fatal(err)
	}
	if w.Size != 224 {
		t.Fatalf("size %d, want 224", w.Size)
	}
}

// entry finds a manifest entry by tensor name for editing.
func (s *synthModel) entry(t *testing.T, name string) (group map[string]any, e map[string]any) {
	for _, g := range s.manifest {
		for _, e := range g["weights"].([]any) {
			if e := e.(map[string]any); e["name"] == name {
				return g, e
			}
		}
	}
	t.Fatalf("no entry %s", name)
	return nil, nil
}

func TestParseTFJSErrors(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		edit       func(t *testing.T, s *synthModel)
	}{
		{"missing shard", `shard "group3-shard1of1": no such file`, func(t *testing.T, s *synthModel) { delete(s.files, "group3-shard1of1") }},
		{"truncated shard", `truncated`, func(t *testing.T, s *synthModel) {
			s.files["group5-shard1of1"] = s.files["group5-shard1of1"][:10]
		}},
		{"long shard", `shard "group1-shard1of1": too large: holds 868 bytes, more than the 864 bytes its manifest group has left`, func(t *testing.T, s *synthModel) {
			s.files["group1-shard1of1"] = append(s.files["group1-shard1of1"], 0, 0, 0, 0)
		}},
		{"dtype", `weight "conv_dw_3/depthwise_kernel" has dtype "int32"`, func(t *testing.T, s *synthModel) {
			_, e := s.entry(t, "conv_dw_3/depthwise_kernel")
			e["dtype"] = "int32"
		}},
		{"quantized", `"conv_pw_2/kernel" is quantized`, func(t *testing.T, s *synthModel) {
			_, e := s.entry(t, "conv_pw_2/kernel")
			e["quantization"] = map[string]any{"dtype": "uint8", "scale": 0.1, "min": -1}
		}},
		{"missing weight", `weight "conv_pw_13_bn/beta" is missing`, func(t *testing.T, s *synthModel) {
			g, _ := s.entry(t, "conv_pw_13_bn/beta")
			g["weights"] = g["weights"].([]any)[:1] // keep gamma only
		}},
		{"extra weight", `unexpected weight "conv_pw_3/bias"`, func(t *testing.T, s *synthModel) {
			s.manifest = append(s.manifest, map[string]any{"paths": []any{"extra"},
				"weights": []any{map[string]any{"name": "conv_pw_3/bias", "shape": []int{16}, "dtype": "float32"}}})
			s.files["extra"] = make([]byte, 64)
		}},
		{"renamed weight", `weight "conv_dw_1/depthwise_kernel" is missing`, func(t *testing.T, s *synthModel) {
			_, e := s.entry(t, "conv_dw_1/depthwise_kernel")
			e["name"] = "conv_dw_1/kernel"
		}},
		{"wrong shape", `weight "conv_pw_4/kernel" has shape [1 1 32 63], want [1 1 32 64]`, func(t *testing.T, s *synthModel) {
			_, e := s.entry(t, "conv_pw_4/kernel")
			e["shape"] = []int{1, 1, 32, 63}
		}},
		{"negative dim", `impossible shape`, func(t *testing.T, s *synthModel) {
			_, e := s.entry(t, "conv_pw_4/kernel")
			e["shape"] = []int{1, -1, 32, 64}
		}},
		{"huge dims", `impossible shape`, func(t *testing.T, s *synthModel) {
			_, e := s.entry(t, "conv_pw_4/kernel")
			e["shape"] = []int{1 << 20, 1 << 20, 1 << 20, 1 << 20}
		}},
		{"duplicate", `"conv1/kernel" appears twice`, func(t *testing.T, s *synthModel) {
			g, _ := s.entry(t, "conv1/kernel")
			g["weights"] = append(g["weights"].([]any), g["weights"].([]any)[0])
		}},
		{"odd alpha", `conv1 has 10 output channels`, func(t *testing.T, s *synthModel) {
			_, e := s.entry(t, "conv1/kernel")
			e["shape"] = []int{3, 3, 3, 10}
		}},
		{"no conv1", `no conv1/kernel`, func(t *testing.T, s *synthModel) {
			_, e := s.entry(t, "conv1/kernel")
			e["name"] = "stem/kernel"
		}},
		{"non-square input", `not a square`, func(t *testing.T, s *synthModel) {
			layers := s.topology["model_config"].(map[string]any)["config"].(map[string]any)["layers"].([]any)
			layers[0].(map[string]any)["config"].(map[string]any)["batch_input_shape"] = []any{nil, 224, 192, 3}
		}},
		{"bad size", `input size 100`, func(t *testing.T, s *synthModel) {
			layers := s.topology["model_config"].(map[string]any)["config"].(map[string]any)["layers"].([]any)
			layers[0].(map[string]any)["config"].(map[string]any)["batch_input_shape"] = []any{nil, 100, 100, 3}
		}},
		{"epsilon", `BatchNorm epsilon 1e-05`, func(t *testing.T, s *synthModel) {
			layers := s.topology["model_config"].(map[string]any)["config"].(map[string]any)["layers"].([]any)
			layers[3].(map[string]any)["config"].(map[string]any)["epsilon"] = 1e-5
		}},
		{"NaN value", `weight "conv1/kernel"[2] is NaN`, func(t *testing.T, s *synthModel) {
			b := append([]byte(nil), s.files["group1-shard1of1"]...)
			binary.LittleEndian.PutUint32(b[8:], 0x7fc00000)
			s.files["group1-shard1of1"] = b
		}},
		{"negative variance", `conv1_bn/moving_variance[1] = -1 is negative`, func(t *testing.T, s *synthModel) {
			b := append([]byte(nil), s.files["group2-shard1of1"]...)
			binary.LittleEndian.PutUint32(b[4*(3*8+1):], math.Float32bits(-1))
			s.files["group2-shard1of1"] = b
		}},
		{"no paths", `has weights but no shard paths`, func(t *testing.T, s *synthModel) {
			g, _ := s.entry(t, "conv1/kernel")
			g["paths"] = []any{}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSynthModel(t, 0.25, 224, 3, false)
			tc.edit(t, s)
			_, err := ParseTFJS(s.modelJSON(t), s.readFile)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
	for _, bad := range []string{"", "{", "[]", `{"weightsManifest": []}`, `{"weightsManifest": 3}`, `{"modelTopology": [1], "weightsManifest": [{"paths":["a"], "weights":[]}]}`} {
		if _, err := ParseTFJS([]byte(bad), func(string) ([]byte, error) { return nil, nil }); err == nil {
			t.Errorf("model.json %q: no error", bad)
		}
	}
	if _, err := ParseTFJS([]byte(`{}`), nil); err == nil {
		t.Error("nil readFile: no error")
	}
}

// TestLoadRealModelAllocations: the importer reads each shard once and decodes it into
// the final float32 slices, so loading allocates about twice the model's bytes
// (file bytes + floats), not a multiple of that.
func TestLoadRealModelAllocations(t *testing.T) {
	dir := realModelDir(t)
	var files int64
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && e.Name() != "model.json" {
			files += fi.Size()
		}
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := Load(dir); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	alloc := int64(after.TotalAlloc - before.TotalAlloc)
	t.Logf("shards %d bytes, Load allocated %d bytes (%.2fx)", files, alloc, float64(alloc)/float64(files))
	if alloc > files*5/2 {
		t.Errorf("Load allocated %d bytes for %d bytes of shards: more than 2.5x", alloc, files)
	}
}
