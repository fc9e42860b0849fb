package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// naiveSame3x3 is an independent oracle: a 3x3 conv over an unpadded [h][w][ic] input
// with TF 'same' padding computed from TF's formula and explicit bounds checks.
// depthwise selects per-channel kernels [3][3][c] instead of [3][3][ic][oc].
func naiveSame3x3(in []float32, h, w, ic, oc, s int, k, bias []float32, depthwise bool) (out []float32, oh, ow int) {
	oh, ow = (h+s-1)/s, (w+s-1)/s
	padT := max((oh-1)*s+3-h, 0) / 2
	padL := max((ow-1)*s+3-w, 0) / 2
	out = make([]float32, oh*ow*oc)
	for y := 0; y < oh; y++ {
		for x := 0; x < ow; x++ {
			for o := 0; o < oc; o++ {
				acc := float64(bias[o])
				for ky := 0; ky < 3; ky++ {
					for kx := 0; kx < 3; kx++ {
						iy, ix := y*s+ky-padT, x*s+kx-padL
						if iy < 0 || iy >= h || ix < 0 || ix >= w {
							continue
						}
						if depthwise {
							acc += float64(in[(iy*w+ix)*ic+o]) * float64(k[(ky*3+kx)*oc+o])
							continue
						}
						for i := 0; i < ic; i++ {
							acc += float64(in[(iy*w+ix)*ic+i]) * float64(k[((ky*3+kx)*ic+i)*oc+o])
						}
					}
				}
				out[(y*ow+x)*oc+o] = float32(min(max(acc, 0), 6))
			}
		}
	}
	return
}

func randSlice(r *rand.Rand, n int, scale float32) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = (r.Float32()*2 - 1) * scale
	}
	return s
}

// border copies a dense [h][w][c] activation into a zero-bordered one.
func border(in []float32, h, w, c int) []float32 {
	b := make([]float32, (h+2)*(w+2)*c)
	for y := 0; y < h; y++ {
		copy(b[((y+1)*(w+2)+1)*c:], in[y*w*c:(y+1)*w*c])
	}
	return b
}

func closeEnough(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: len %d, want %d", what, len(got), len(want))
	}
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); d > tol*(1+math.Abs(float64(want[i]))) || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s: [%d] = %v, want %v (|diff| %g)", what, i, got[i], want[i], d)
		}
	}
}

// shapes covers odd sizes, stride 2 with odd and even input, and channel counts
// that are not multiples of any SIMD tile (alpha 0.25 gives 8, 16, 32, 64, 128, 256).
var convShapes = []struct{ h, w, c, s int }{
	{1, 1, 1, 1}, {3, 5, 3, 1}, {7, 7, 8, 2}, {8, 8, 8, 2}, {9, 11, 13, 2}, {14, 14, 17, 1},
	{16, 16, 24, 2}, {5, 4, 33, 1}, {28, 28, 64, 2}, {7, 7, 256, 1}, {13, 6, 7, 2},
}

func TestConv3x3AgainstNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, sh := range convShapes {
		for _, oc := range []int{1, 8, 24, 19, 32} {
			in := randSlice(r, sh.h*sh.w*3, 1)
			k, bias := randSlice(r, 27*oc, 0.5), randSlice(r, oc, 0.5)
			want, oh, ow := naiveSame3x3(in, sh.h, sh.w, 3, oc, sh.s, k, bias, false)
			w := NewConv(k, bias, 3, oc)
			g := SameGeom(sh.h, sh.w, sh.s)
			name := fmt.Sprintf("conv %dx%dx3->%d s%d", sh.h, sh.w, oc, sh.s)
			for _, f := range []struct {
				impl string
				fn   func(Out, []float32, *ConvWeights, Geom, int, int)
			}{{"generic", Conv3x3Generic}, {Active().Name, Conv3x3}} {
				got := make([]float32, oh*ow*oc)
				out := Out{Buf: got, RowStride: ow * oc}
				// Two row ranges, as a parallel split would call it.
				f.fn(out, border(in, sh.h, sh.w, 3), w, g, 0, oh/2)
				f.fn(out, border(in, sh.h, sh.w, 3), w, g, oh/2, oh)
				closeEnough(t, name+" "+f.impl, got, want, 1e-5)
			}
		}
	}
}

func TestDepthwise3x3AgainstNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, sh := range convShapes {
		in := randSlice(r, sh.h*sh.w*sh.c, 3)
		k, bias := randSlice(r, 9*sh.c, 1), randSlice(r, sh.c, 1)
		want, oh, ow := naiveSame3x3(in, sh.h, sh.w, sh.c, sh.c, sh.s, k, bias, true)
		w := NewDW(k, bias, sh.c)
		g := SameGeom(sh.h, sh.w, sh.s)
		for _, f := range []struct {
			impl string
			fn   func(Out, []float32, *DWWeights, Geom, int, int)
		}{{"generic", Depthwise3x3Generic}, {Active().Name, Depthwise3x3}} {
			// Write into the interior of a bordered buffer with a guard frame that must
			// stay untouched.
			buf := make([]float32, (oh+2)*(ow+2)*sh.c)
			for i := range buf {
				buf[i] = -7
			}
			out := Out{Buf: buf, Off: (ow + 3) * sh.c, RowStride: (ow + 2) * sh.c}
			f.fn(out, border(in, sh.h, sh.w, sh.c), w, g, 0, 1)
			f.fn(out, border(in, sh.h, sh.w, sh.c), w, g, 1, oh)
			got := make([]float32, 0, oh*ow*sh.c)
			for y := 0; y < oh+2; y++ {
				for x := 0; x < ow+2; x++ {
					px := buf[(y*(ow+2)+x)*sh.c:][:sh.c]
					if y == 0 || x == 0 || y == oh+1 || x == ow+1 {
						for _, v := range px {
							if v != -7 {
								t.Fatalf("dw %v %s wrote outside its output at (%d,%d)", sh, f.impl, y, x)
							}
						}
						continue
					}
					got = append(got, px...)
				}
			}
			closeEnough(t, fmt.Sprintf("dw %v %s", sh, f.impl), got, want, 1e-5)
		}
	}
}

func naivePointwise(in []float32, m, k, n int, w, bias []float32, relu bool) []float32 {
	out := make([]float32, m*n)
	for p := 0; p < m; p++ {
		for j := 0; j < n; j++ {
			acc := float64(bias[j])
			for i := 0; i < k; i++ {
				acc += float64(in[p*k+i]) * float64(w[i*n+j])
			}
			if relu {
				acc = min(max(acc, 0), 6)
			}
			out[p*n+j] = float32(acc)
		}
	}
	return out
}

func TestPointwiseAgainstNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, sh := range []struct{ h, w, k, n int }{
		{1, 1, 1, 1}, {1, 1, 768, 1000}, {1, 1, 256, 1000}, {3, 5, 7, 9}, {7, 7, 1024, 1024}, {7, 7, 192, 256},
		{14, 14, 64, 128}, {13, 3, 33, 65}, {2, 9, 17, 3}, {28, 28, 24, 48}, {4, 4, 1023, 5},
	} {
		for _, relu := range []bool{true, false} {
			in := randSlice(r, sh.h*sh.w*sh.k, 2)
			wt, bias := randSlice(r, sh.k*sh.n, 0.2), randSlice(r, sh.n, 1)
			want := naivePointwise(in, sh.h*sh.w, sh.k, sh.n, wt, bias, relu)
			w := NewPW(wt, bias, sh.k, sh.n, relu)
			for _, f := range []struct {
				impl string
				fn   func(Out, []float32, *PWWeights, int, int, int)
			}{{"generic", PointwiseGeneric}, {Active().Name, Pointwise}} {
				got := make([]float32, sh.h*sh.w*sh.n)
				out := Out{Buf: got, RowStride: sh.w * sh.n}
				mid := sh.h / 3
				f.fn(out, in, w, sh.w, 0, mid)
				f.fn(out, in, w, sh.w, mid, sh.h)
				closeEnough(t, fmt.Sprintf("pw %v relu=%v %s", sh, relu, f.impl), got, want, 1e-4)
			}
		}
	}
}

func TestAvgPool(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, sh := range []struct{ hw, c int }{{1, 1}, {49, 1024}, {16, 192}, {9, 5}} {
		in := randSlice(r, sh.hw*sh.c, 6)
		got := make([]float32, sh.c)
		AvgPool(got, in, sh.hw, sh.c)
		want := make([]float32, sh.c)
		for c := range want {
			var s float64
			for p := 0; p < sh.hw; p++ {
				s += float64(in[p*sh.c+c])
			}
			want[c] = float32(s / float64(sh.hw))
		}
		closeEnough(t, fmt.Sprint("pool ", sh), got, want, 1e-5)
	}
}
