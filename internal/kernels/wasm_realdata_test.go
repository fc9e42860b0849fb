//go:build goexperiment.simd && wasm

package kernels_test

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/kernels"
	"github.com/mobilenet-go/mobilenet/weights"
)

// TestWasmRealModel runs the real MobileNet v1 0.75 on real photos with the wasm SIMD
// kernels: its logits must match the generic kernels' on the same input tensors,
// and its top-1 must be right about as often as TF.js is (85% on the whole set).
func TestWasmRealModel(t *testing.T) {
	shared := os.Getenv("SHARED")
	if shared == "" {
		shared = "../../../shared"
	}
	modelDir := filepath.Join(shared, "models", "mobilenet_v1_0.75_224")
	manifest, err := os.Open(filepath.Join(shared, "imagenet-samples", "manifest.csv"))
	if err != nil {
		t.Skipf("shared data not available (%v); set SHARED", err)
	}
	defer manifest.Close()
	rows, err := csv.NewReader(manifest).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	w, err := weights.Load(modelDir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := core.NewModel(w, 224)
	if err != nil {
		t.Fatal(err)
	}
	const images, compared = 40, 2
	in := make([]float32, m.InputLen())
	right := 0
	for i, row := range rows[1 : images+1] {
		data, err := os.ReadFile(filepath.Join(shared, "imagenet-samples", row[0]))
		if err != nil {
			t.Fatal(err)
		}
		img, err := core.DecodeImage(data)
		if err != nil {
			t.Fatal(err)
		}
		if err := core.PreprocessImage(in, img, 224, 0.875); err != nil {
			t.Fatal(err)
		}
		logits, err := m.Forward(in)
		if err != nil {
			t.Fatal(err)
		}
		class, _ := strconv.Atoi(row[1])
		if argmax(logits) == class {
			right++
		}
		if i < compared {
			simd := append([]float32(nil), logits...)
			restore := kernels.UseGenericKernels()
			generic, err := m.Forward(in)
			restore()
			if err != nil {
				t.Fatal(err)
			}
			for j := range simd {
				if d := math.Abs(float64(simd[j] - generic[j])); d > 1e-3*(1+math.Abs(float64(generic[j]))) {
					t.Fatalf("%s: logit %d = %v with %s kernels, %v with generic", row[0], j, simd[j], kernels.Active().Name, generic[j])
				}
			}
		}
	}
	t.Logf("top-1 %d/%d with %s kernels", right, images, kernels.Active().Name)
	if right < images*3/4 {
		t.Fatalf("top-1 %d/%d, want at least 75%% (TF.js: 85%% on all 500)", right, images)
	}
}

func argmax(s []float32) int {
	best := 0
	for i, v := range s {
		if v > s[best] {
			best = i
		}
	}
	return best
}
