package oracle

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/weights"
)

// TestRealModelAgainstTFJS decodes and resizes every 10th shared photo (50 of 500,
// spread over all classes) with our preprocessing, runs our engine on the real 0.75
// model and runs TF.js's layers model (the published artefact, 'cpu' backend) on the
// very same tensors: logits must agree within 1e-3 and top-1 on every photo.
func TestRealModelAgainstTFJS(t *testing.T) {
	shared := sharedDir(t)
	modelDir := os.Getenv("TFJS_MODEL_DIR")
	if modelDir == "" {
		modelDir = filepath.Join(shared, "models", "mobilenet_v1_0.75_224")
	}
	modelDir, _ = filepath.Abs(modelDir)
	samples := filepath.Join(shared, "imagenet-samples")
	f, err := os.Open(filepath.Join(samples, "manifest.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	rows = rows[1:] // header: file,class_index,wnid,name

	w, err := weights.Load(modelDir)
	if err != nil {
		t.Fatal(err)
	}
	const size = 224
	m, err := core.NewModel(w, size)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var inputs, ours []float32
	correct := 0
	x := make([]float32, m.InputLen())
	for i := 0; i < len(rows); i += 10 {
		file, label := rows[i][0], rows[i][1]
		data, err := os.ReadFile(filepath.Join(samples, file))
		if err != nil {
			t.Fatal(err)
		}
		img, err := core.DecodeImage(data)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if err := core.PreprocessImage(x, img, size, 0); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		logits, err := m.Forward(x)
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := strconv.Atoi(label); argmax(logits) == want {
			correct++
		}
		names = append(names, file)
		inputs = append(inputs, x...)
		ours = append(ours, logits...)
	}
	if len(names) < 50 {
		t.Fatalf("only %d photos selected from %s, want >= 50", len(names), samples)
	}
	dir := t.TempDir()
	writeFloats(t, filepath.Join(dir, "in.f32"), inputs)
	runNode(t, "tfjs_logits.mjs", modelDir, filepath.Join(dir, "in.f32"), strconv.Itoa(size), filepath.Join(dir, "out.f32"))
	theirs := readFloats(t, filepath.Join(dir, "out.f32"), len(names)*core.NumClasses)
	compareLogits(t, "mobilenet_v1_0.75_224", ours, theirs, names, 1e-3)
	t.Logf("our top-1 against the manifest labels: %d/%d", correct, len(names))
}
