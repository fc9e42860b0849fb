//go:build goexperiment.simd && wasm

package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// Tails specific to the wasm tiles, calling them directly (not through dispatch):
// K around the 8-step unrolling, N around the 16-channel panel, odd pixel counts
// (the last pixel pair repeats a pixel), and row ranges that must not write outside
// their own rows.

func TestWasmPointwiseUnrollAndPanelTails(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, k := range []int{1, 7, 8, 9, 15, 16, 17, 24, 25, 32, 40, 48, 64, 65, 96} {
		for _, n := range []int{1, 4, 15, 16, 17, 32, 33, 48} {
			for _, hw := range [][2]int{{1, 1}, {3, 3}, {2, 5}} {
				h, wd := hw[0], hw[1]
				in := randSlice(r, h*wd*k, 2)
				wt, bias := randSlice(r, k*n, 0.3), randSlice(r, n, 1)
				for _, relu := range []bool{false, true} {
					want := naivePointwise(in, h*wd, k, n, wt, bias, relu)
					w := &PWWeights{K: k, N: n, W: wt, Bias: bias, ReLU6: relu}
					packPWWasm(w)
					got := runBordered(t, h, wd, n, func(out Out, y0, y1 int) { pointwiseWasmTile2x4(out, in, w, wd, y0, y1) })
					closeEnough(t, fmt.Sprintf("pw %dx%dx%d->%d relu=%v", h, wd, k, n, relu), got, want, 1e-4)
				}
			}
		}
	}
}

// TestWasmKernelsStayInTheirRows runs one middle row range and checks every other
// output row is untouched: a parallel split gives each worker its own rows.
func TestWasmKernelsStayInTheirRows(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	const h, wd, c, guard = 5, 7, 20, -7
	y0, y1 := 2, 3
	check := func(name string, buf []float32, rowLen int) {
		t.Helper()
		for y := 0; y < h; y++ {
			row := buf[y*rowLen:][:rowLen]
			for i, v := range row {
				if inside := y >= y0 && y < y1; inside == (v == guard) {
					t.Fatalf("%s: row %d [%d] = %v (rows [%d,%d) computed)", name, y, i, v, y0, y1)
				}
			}
		}
	}
	newOut := func(n int) Out {
		buf := make([]float32, h*wd*n)
		for i := range buf {
			buf[i] = guard
		}
		return Out{Buf: buf, RowStride: wd * n}
	}

	pw := &PWWeights{K: 9, N: c, W: randSlice(r, 9*c, 1), Bias: randSlice(r, c, 1) /* no ReLU: no zeros */}
	packPWWasm(pw)
	out := newOut(c)
	pointwiseWasmTile2x4(out, randSlice(r, h*wd*9, 1), pw, wd, y0, y1)
	check("pointwise", out.Buf, wd*c)

	// ReLU6 outputs are never -7, so a guard value left inside the rows is a miss.
	g := SameGeom(h, wd, 1)
	dw := &DWWeights{C: c, K: randSlice(r, 9*c, 1), Bias: randSlice(r, c, 1)}
	packDWWasm(dw)
	out = newOut(c)
	depthwiseWasmTile2x1(out, randSlice(r, (h+2)*(wd+2)*c, 1), dw, g, y0, y1)
	check("depthwise", out.Buf, wd*c)

	cv := &ConvWeights{InC: 3, OutC: c, K: randSlice(r, 27*c, 1), Bias: randSlice(r, c, 1)}
	packConvWasm(cv)
	out = newOut(c)
	conv3x3WasmTile4x2(out, randSlice(r, (h+2)*(wd+2)*3, 1), cv, g, y0, y1)
	check("conv3x3", out.Buf, wd*c)
}

// TestWasmConvUnrolledMatchesLoop checks the RGB-unrolled conv path against the same
// kernel on a 4-channel input whose 4th channel has zero weights.
func TestWasmConvUnrolledMatchesLoop(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	const h, wd, oc = 9, 11, 24
	in3 := randSlice(r, h*wd*3, 1)
	k3, bias := randSlice(r, 27*oc, 0.5), randSlice(r, oc, 0.5)
	in4 := make([]float32, h*wd*4)
	k4 := make([]float32, 36*oc)
	for p := 0; p < h*wd; p++ {
		copy(in4[p*4:][:3], in3[p*3:][:3])
		in4[p*4+3] = 100 // must be ignored: its weights are zero
	}
	for tap := 0; tap < 9; tap++ {
		copy(k4[tap*4*oc:][:3*oc], k3[tap*3*oc:][:3*oc])
	}
	for _, s := range []int{1, 2} {
		g := SameGeom(h, wd, s)
		w3, w4 := &ConvWeights{InC: 3, OutC: oc, K: k3, Bias: bias}, &ConvWeights{InC: 4, OutC: oc, K: k4, Bias: bias}
		packConvWasm(w3)
		packConvWasm(w4)
		got := make([]float32, g.OutH*g.OutW*oc)
		want := make([]float32, len(got))
		conv3x3WasmTile4x2(Out{Buf: got, RowStride: g.OutW * oc}, border(in3, h, wd, 3), w3, g, 0, g.OutH)
		conv3x3WasmTile4x2(Out{Buf: want, RowStride: g.OutW * oc}, border(in4, h, wd, 4), w4, g, 0, g.OutH)
		closeEnough(t, fmt.Sprintf("conv s%d", s), got, want, 1e-5)
	}
}

// TestWasmKernelsKeepNonFinite feeds NaN and ±Inf through each wasm kernel: a NaN
// output where the reference has one (relu6 keeps NaN), the same clamped value
// elsewhere. The depthwise activation works on the floats' bits (relu6F32x4), so this
// is its check that no NaN turns into a finite number.
func TestWasmKernelsKeepNonFinite(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 28))
	special := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.Copysign(0, -1))}
	spoil := func(in []float32) []float32 {
		for i := range 12 {
			in[r.IntN(len(in))] = special[i%len(special)]
		}
		return in
	}
	same := func(what string, got, want []float32) {
		t.Helper()
		for i := range want {
			g, w := float64(got[i]), float64(want[i])
			if math.IsNaN(w) != math.IsNaN(g) || (!math.IsNaN(w) && math.Abs(g-w) > 1e-4*(1+math.Abs(w))) {
				t.Fatalf("%s: [%d] = %v, want %v", what, i, got[i], want[i])
			}
		}
	}
	for _, s := range []int{1, 2} {
		const h, wd, c = 6, 11, 12
		in := spoil(randSlice(r, h*wd*c, 1))
		w := NewDW(randSlice(r, 9*c, 0.5), randSlice(r, c, 0.5), c)
		g := SameGeom(h, wd, s)
		want := make([]float32, g.OutH*g.OutW*c)
		got := make([]float32, len(want))
		Depthwise3x3Generic(Out{Buf: want, RowStride: g.OutW * c}, border(in, h, wd, c), w, g, 0, g.OutH)
		depthwiseWasmTile2x1(Out{Buf: got, RowStride: g.OutW * c}, border(in, h, wd, c), w, g, 0, g.OutH)
		same(fmt.Sprintf("depthwise s%d", s), got, want)
	}
	{
		const h, wd, k, n = 3, 5, 32, 32
		in := spoil(randSlice(r, h*wd*k, 1))
		w := NewPW(randSlice(r, k*n, 0.3), randSlice(r, n, 1), k, n, true)
		want := make([]float32, h*wd*n)
		got := make([]float32, len(want))
		PointwiseGeneric(Out{Buf: want, RowStride: wd * n}, in, w, wd, 0, h)
		pointwiseWasmTile2x4(Out{Buf: got, RowStride: wd * n}, in, w, wd, 0, h)
		same("pointwise", got, want)
	}
	{
		const h, wd, oc = 8, 16, 16
		in := spoil(randSlice(r, h*wd*3, 1))
		w := NewConv(randSlice(r, 27*oc, 0.5), randSlice(r, oc, 0.5), 3, oc)
		g := SameGeom(h, wd, 2)
		want := make([]float32, g.OutH*g.OutW*oc)
		got := make([]float32, len(want))
		Conv3x3Generic(Out{Buf: want, RowStride: g.OutW * oc}, border(in, h, wd, 3), w, g, 0, g.OutH)
		conv3x3WasmTile4x2(Out{Buf: got, RowStride: g.OutW * oc}, border(in, h, wd, 3), w, g, 0, g.OutH)
		same("conv", got, want)
	}
}
