package weights

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/limits"
	"github.com/mobilenet-go/mobilenet/internal/q8"
	"github.com/mobilenet-go/mobilenet/weights/mnw"
)

// writeDir writes a synthetic model to a temporary directory.
func writeDir(t *testing.T, s *synthModel) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "model.json"), s.modelJSON(t), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, data := range s.files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadLocal(t *testing.T) {
	s := newSynthModel(t, 0.25, 128, 11, true)
	dir := writeDir(t, s)
	want, err := ParseTFJS(s.modelJSON(t), s.readFile)
	if err != nil {
		t.Fatal(err)
	}
	mnw := filepath.Join(dir, "m.mnw")
	if err := os.WriteFile(mnw, encode(t, want, false), 0o644); err != nil {
		t.Fatal(err)
	}
	// A .mnw under another name is still recognised by its magic.
	renamed := filepath.Join(dir, "weights.bin")
	if err := os.WriteFile(renamed, encode(t, want, false), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{dir, filepath.Join(dir, "model.json"), mnw, renamed} {
		got, err := Load(src)
		if err != nil {
			t.Fatalf("Load(%s): %v", src, err)
		}
		if got.Alpha != 0.25 || got.Size != 128 || got.Layers[9].Kernel[5] != want.Layers[9].Kernel[5] ||
			got.Layers[27].Bias[999] != want.Layers[27].Bias[999] {
			t.Fatalf("Load(%s) differs from ParseTFJS", src)
		}
	}
}

func TestLoadLocalErrors(t *testing.T) {
	s := newSynthModel(t, 0.25, 128, 12, false)
	dir := writeDir(t, s)
	os.Remove(filepath.Join(dir, "group7-shard1of1"))
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), `shard "group7-shard1of1"`) ||
		!strings.Contains(err.Error(), dir) {
		t.Errorf("missing shard: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "nope")); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("missing file: %v", err)
	}
	// A manifest naming a shard outside the model directory is refused.
	s.manifest[0]["paths"] = []any{"../escape"}
	dir2 := writeDir(t, s)
	if _, err := Load(dir2); err == nil || !strings.Contains(err.Error(), "leaves the model's folder") {
		t.Errorf("path traversal: %v", err)
	}
	bad := filepath.Join(dir, "bad.mnw")
	os.WriteFile(bad, []byte("MNW\x1a short"), 0o644)
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), "truncated") || !strings.Contains(err.Error(), "bad.mnw") {
		t.Errorf("truncated .mnw: %v", err)
	}
	big := filepath.Join(dir, "big.json")
	os.WriteFile(big, append([]byte("{"), bytes.Repeat([]byte(" "), limits.MaxModelJSONBytes)...), 0o644)
	if _, err := Load(big); !errors.Is(err, errTooBig) || !strings.Contains(err.Error(), "model.json may be") {
		t.Errorf("size limit: %v", err)
	}
}

// LoadInt8 returns an int8 file's stored weights, not a re-quantization of the
// floats they stand for: with a layer's codes halved (max |q| 63, not 127), the
// re-quantized scale and codes would differ from the stored ones.
func TestLoadInt8KeepsStoredWeights(t *testing.T) {
	w, err := core.RandomWeights(0.25, 128, 5)
	if err != nil {
		t.Fatal(err)
	}
	q, err := q8.Quantize(w)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range q.Layers[0].Kernel {
		q.Layers[0].Kernel[i] = v / 2
	}
	var buf bytes.Buffer
	if err := mnw.EncodeInt8(&buf, q); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.mnw")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := LoadInt8(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range q.Layers {
		if !slices.Equal(got.Layers[i].Kernel, q.Layers[i].Kernel) || !slices.Equal(got.Layers[i].Scale, q.Layers[i].Scale) {
			t.Fatalf("layer %d: LoadInt8 changed the stored int8 weights", i)
		}
	}
	// A float model is quantized as q8.Quantize does.
	fpath := filepath.Join(t.TempDir(), "f.mnw")
	if err := os.WriteFile(fpath, encode(t, w, false), 0o644); err != nil {
		t.Fatal(err)
	}
	fq, err := LoadInt8(fpath)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := q8.Quantize(w); !slices.Equal(fq.Layers[3].Kernel, want.Layers[3].Kernel) {
		t.Fatal("LoadInt8 of a float file differs from q8.Quantize")
	}
}
