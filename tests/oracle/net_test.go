package oracle

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/weights"
)

// TestRandomNetsAgainstTFJSOps runs seeded random weights at the other widths (their
// channel counts and feature-map sizes differ from the shipped 0.75 model) through
// our engine and through the same network built from TF.js ops: the benchmark uses
// that TF.js network, so this also proves the benchmark compares equal work.
func TestRandomNetsAgainstTFJSOps(t *testing.T) {
	for _, c := range []struct {
		alpha float64
		size  int
	}{{1.0, 96}, {0.5, 160}, {0.25, 128}} {
		t.Run(fmt.Sprintf("%.2f-%d", c.alpha, c.size), func(t *testing.T) {
			w, err := core.RandomWeights(c.alpha, c.size, 7)
			if err != nil {
				t.Fatal(err)
			}
			m, err := core.NewModel(w, c.size)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var mnw bytes.Buffer // float32: TF.js gets exactly our values
			if err := weights.EncodePacked(&mnw, w, false); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "net.mnw"), mnw.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			const n = 2
			r := rand.New(rand.NewPCG(uint64(c.size), 1))
			in := make([]float32, n*m.InputLen())
			for i := range in {
				in[i] = float32(2*r.Float64() - 1)
			}
			ours := make([]float32, 0, n*core.NumClasses)
			names := make([]string, n)
			for i := range n {
				logits, err := m.Forward(in[i*m.InputLen():][:m.InputLen()])
				if err != nil {
					t.Fatal(err)
				}
				ours = append(ours, logits...)
				names[i] = fmt.Sprintf("random input %d", i)
			}
			writeFloats(t, filepath.Join(dir, "in.f32"), in)
			runNode(t, "tfjs_net_logits.mjs", filepath.Join(dir, "net.mnw"), filepath.Join(dir, "in.f32"), filepath.Join(dir, "out.f32"))
			theirs := readFloats(t, filepath.Join(dir, "out.f32"), n*core.NumClasses)
			compareLogits(t, "random weights", ours, theirs, names, 1e-3)
			lo, hi := ours[0], ours[0]
			for _, v := range ours {
				lo, hi = min(lo, v), max(hi, v)
			}
			t.Logf("our logits range [%.2f, %.2f]", lo, hi)
		})
	}
}
