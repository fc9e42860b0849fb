package oracle

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/mobilenet-go/mobilenet/internal/kernels"
)

// opCase is one convolution for tfjs_ops.mjs; JSON names match the script.
type opCase struct {
	Op     string    `json:"op"`
	H      int       `json:"h"`
	W      int       `json:"w"`
	InC    int       `json:"inC"`
	OutC   int       `json:"outC"`
	Stride int       `json:"stride"`
	X      []float32 `json:"x"`
	K      []float32 `json:"k"`
	B      []float32 `json:"b"`
}

type opResult struct {
	Shape []int     `json:"shape"`
	Y     []float32 `json:"y"`
}

// TestKernelsAgainstTFJSOps runs the selected kernels (SIMD when built with it) on
// small random tensors, including odd sizes with stride 2, where TF's 'same' padding
// is asymmetric, and channel counts off every SIMD tile, against TF.js's own ops.
func TestKernelsAgainstTFJSOps(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	rnd := func(n int, scale float64) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32((2*r.Float64() - 1) * scale)
		}
		return v
	}
	var cases []opCase
	for _, s := range []struct{ h, w, inC, outC, stride int }{
		{7, 9, 3, 8, 2}, {8, 8, 3, 5, 2}, {5, 5, 3, 17, 1}, {11, 6, 3, 24, 2},
	} {
		cases = append(cases, opCase{Op: "conv", H: s.h, W: s.w, InC: s.inC, OutC: s.outC, Stride: s.stride,
			X: rnd(s.h*s.w*s.inC, 1), K: rnd(9*s.inC*s.outC, 0.5), B: rnd(s.outC, 0.2)})
	}
	for _, s := range []struct{ h, w, c, stride int }{{7, 7, 5, 2}, {6, 6, 8, 2}, {5, 9, 19, 1}, {9, 4, 33, 2}, {3, 3, 64, 1}} {
		cases = append(cases, opCase{Op: "dw", H: s.h, W: s.w, InC: s.c, OutC: s.c, Stride: s.stride,
			X: rnd(s.h*s.w*s.c, 3), K: rnd(9*s.c, 0.5), B: rnd(s.c, 0.2)})
	}
	for _, s := range []struct{ h, w, inC, outC int }{{3, 5, 8, 16}, {7, 7, 24, 37}, {2, 2, 129, 65}} {
		cases = append(cases, opCase{Op: "pw", H: s.h, W: s.w, InC: s.inC, OutC: s.outC, Stride: 1,
			X: rnd(s.h*s.w*s.inC, 3), K: rnd(s.inC*s.outC, 0.3), B: rnd(s.outC, 0.2)})
	}
	dir := t.TempDir()
	js, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cases.json"), js, 0o644); err != nil {
		t.Fatal(err)
	}
	runNode(t, "tfjs_ops.mjs", filepath.Join(dir, "cases.json"), filepath.Join(dir, "out.json"))
	raw, err := os.ReadFile(filepath.Join(dir, "out.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want []opResult
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) != len(cases) {
		t.Fatalf("TF.js returned %d results for %d cases", len(want), len(cases))
	}
	for i, c := range cases {
		name := fmt.Sprintf("%s %dx%dx%d->%d stride %d", c.Op, c.H, c.W, c.InC, c.OutC, c.Stride)
		got, oh, ow := runKernel(c)
		if w := want[i].Shape; len(w) != 3 || w[0] != oh || w[1] != ow || w[2] != c.OutC {
			t.Errorf("%s: our output is %dx%dx%d, TF.js's %v", name, oh, ow, c.OutC, w)
			continue
		}
		d := 0.0
		for j := range got {
			d = max(d, math.Abs(float64(got[j])-float64(want[i].Y[j])))
		}
		if d > 1e-5 || math.IsNaN(d) {
			t.Errorf("%s (kernels %s): max |diff| %.3g > 1e-5", name, kernels.Active().Name, d)
		}
	}
	t.Logf("%d ops (kernels %s) agree with TF.js within 1e-5", len(cases), kernels.Active().Name)
}

// runKernel computes one case with our dispatched kernels.
func runKernel(c opCase) (out []float32, oh, ow int) {
	if c.Op == "pw" {
		out = make([]float32, c.H*c.W*c.OutC)
		w := kernels.NewPW(c.K, c.B, c.InC, c.OutC, true)
		kernels.Pointwise(kernels.Out{Buf: out, RowStride: c.W * c.OutC}, c.X, w, c.W, 0, c.H)
		return out, c.H, c.W
	}
	g := kernels.SameGeom(c.H, c.W, c.Stride)
	src := make([]float32, (c.H+2)*(c.W+2)*c.InC) // zero-bordered copy of x
	for y := 0; y < c.H; y++ {
		copy(src[((y+1)*(c.W+2)+1)*c.InC:], c.X[y*c.W*c.InC:][:c.W*c.InC])
	}
	out = make([]float32, g.OutH*g.OutW*c.OutC)
	o := kernels.Out{Buf: out, RowStride: g.OutW * c.OutC}
	if c.Op == "conv" {
		kernels.Conv3x3(o, src, kernels.NewConv(c.K, c.B, c.InC, c.OutC), g, 0, g.OutH)
	} else {
		kernels.Depthwise3x3(o, src, kernels.NewDW(c.K, c.B, c.InC), g, 0, g.OutH)
	}
	return out, g.OutH, g.OutW
}
