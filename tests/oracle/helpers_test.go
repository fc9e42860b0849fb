// Package oracle checks our engine against TensorFlow.js (the reference runtime the
// model was published for) on identical input tensors. Node and node_modules
// (@tensorflow/tfjs, pinned in package.json) must be installed: `npm ci`.
package oracle

import (
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mobilenet-go/mobilenet/core"
)

// sharedDir is the read-only data directory: $SHARED, else the repo's ../shared.
// The test skips only when it is absent.
func sharedDir(t *testing.T) string {
	dir := os.Getenv("SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared data directory %s not found (set SHARED): %v", dir, err)
	}
	return dir
}

// runNode runs a Node script from this directory, failing the test with its output.
func runNode(t *testing.T, args ...string) {
	t.Helper()
	node := os.Getenv("NODE")
	if node == "" {
		node = "node"
	}
	if _, err := os.Stat(filepath.Join("..", "..", "node_modules", "@tensorflow", "tfjs")); err != nil {
		t.Fatalf("@tensorflow/tfjs is not installed (run `npm ci` at the repo root): %v", err)
	}
	cmd := exec.Command(node, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", node, args, err, out)
	}
	if len(out) > 0 {
		t.Logf("%s", out)
	}
}

func writeFloats(t *testing.T, path string, v []float32) {
	t.Helper()
	b := make([]byte, 0, 4*len(v))
	for _, f := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFloats(t *testing.T, path string, want int) []float32 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 4*want {
		t.Fatalf("%s: %d bytes, want %d float32", path, len(b), want)
	}
	v := make([]float32, want)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}

// argmax is the top-1 class of a logit vector (the lowest index on ties).
func argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// compareLogits checks top-1 agreement and max |diff| over n images of 1000 logits,
// returning the max diff. ours and theirs are n*1000 long.
func compareLogits(t *testing.T, what string, ours, theirs []float32, names []string, tol float64) float64 {
	t.Helper()
	maxDiff, agree := 0.0, 0
	for i := range names {
		o, r := ours[i*core.NumClasses:][:core.NumClasses], theirs[i*core.NumClasses:][:core.NumClasses]
		d := 0.0
		for c := range o {
			d = max(d, math.Abs(float64(o[c])-float64(r[c])))
		}
		maxDiff = max(maxDiff, d)
		if argmax(o) == argmax(r) {
			agree++
		} else {
			t.Errorf("%s %s: top-1 differs: ours %d (%.4f), TF.js %d (%.4f)", what, names[i],
				argmax(o), o[argmax(o)], argmax(r), r[argmax(r)])
		}
		if d > tol || math.IsNaN(d) {
			t.Errorf("%s %s: max |logit diff| %.3g > %g", what, names[i], d, tol)
		}
	}
	t.Logf("%s: top-1 agrees on %d/%d inputs, max |logit diff| = %.3g (tolerance %g)", what, agree, len(names), maxDiff, tol)
	return maxDiff
}
