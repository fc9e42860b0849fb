package weights

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mobilenet-go/mobilenet/internal/limits"
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
