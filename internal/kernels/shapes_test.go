package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// The shape sweeps below hit every tail of the SIMD tiles: output channels N around
// multiples of 8, 16 and 32 (panel widths), pixel counts M around multiples of the
// 4-pixel tile (with tiles crossing output rows), and K around the k-block sizes
// (128 and 256), for every kernel set in Sets.

func TestPointwiseTails(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	type shape struct{ h, w, k, n int }
	var shapes []shape
	for _, n := range []int{1, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 40, 47, 48, 63, 64, 65, 100} {
		for _, hw := range [][2]int{{1, 1}, {1, 3}, {2, 2}, {1, 5}, {3, 3}, {2, 7}} {
			shapes = append(shapes, shape{hw[0], hw[1], 5, n})
		}
	}
	for _, k := range []int{1, 2, 127, 128, 129, 255, 256, 257, 383, 384, 385, 513} {
		shapes = append(shapes, shape{3, 3, k, 33}, shape{1, 2, k, 16})
	}
	for _, sh := range shapes {
		m := sh.h * sh.w
		in := randSlice(r, m*sh.k, 2)
		wt, bias := randSlice(r, sh.k*sh.n, 0.3), randSlice(r, sh.n, 1)
		relu := sh.n%2 == 1
		want := naivePointwise(in, m, sh.k, sh.n, wt, bias, relu)
		for _, ks := range Sets() {
			w := ks.NewPW(wt, bias, sh.k, sh.n, relu)
			// Write into the interior of a zero-bordered buffer (as a layer feeding a
			// depthwise one does) with a guard frame that must stay untouched.
			got := runBordered(t, sh.h, sh.w, sh.n, func(out Out, y0, y1 int) { ks.Pointwise(out, in, w, sh.w, y0, y1) })
			closeEnough(t, fmt.Sprintf("pw %v relu=%v %s", sh, relu, ks.Name), got, want, 1e-4)
		}
	}
}

func TestDepthwiseTails(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, c := range []int{1, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 48, 72} {
		for _, sh := range [][3]int{{1, 1, 1}, {2, 3, 1}, {5, 4, 2}, {6, 6, 2}, {7, 5, 1}, {4, 9, 2}} {
			h, wd, s := sh[0], sh[1], sh[2]
			in := randSlice(r, h*wd*c, 3)
			k, bias := randSlice(r, 9*c, 1), randSlice(r, c, 1)
			want, oh, ow := naiveSame3x3(in, h, wd, c, c, s, k, bias, true)
			src := border(in, h, wd, c)
			for _, ks := range Sets() {
				w := ks.NewDW(k, bias, c)
				got := runBordered(t, oh, ow, c, func(out Out, y0, y1 int) { ks.Depthwise(out, src, w, SameGeom(h, wd, s), y0, y1) })
				closeEnough(t, fmt.Sprintf("dw %dx%dx%d s%d %s", h, wd, c, s, ks.Name), got, want, 1e-5)
			}
		}
	}
}

func TestConv3x3Tails(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for _, oc := range []int{1, 7, 8, 9, 15, 16, 17, 24, 32, 33} {
		for _, ic := range []int{3, 1, 4} {
			for _, sh := range [][3]int{{1, 1, 2}, {5, 4, 2}, {6, 6, 2}, {7, 5, 1}} {
				h, wd, s := sh[0], sh[1], sh[2]
				in := randSlice(r, h*wd*ic, 1)
				k, bias := randSlice(r, 9*ic*oc, 0.5), randSlice(r, oc, 0.5)
				want, oh, ow := naiveSame3x3(in, h, wd, ic, oc, s, k, bias, false)
				src := border(in, h, wd, ic)
				for _, ks := range Sets() {
					w := ks.NewConv(k, bias, ic, oc)
					got := runBordered(t, oh, ow, oc, func(out Out, y0, y1 int) { ks.Conv3x3(out, src, w, SameGeom(h, wd, s), y0, y1) })
					closeEnough(t, fmt.Sprintf("conv %dx%dx%d->%d s%d %s", h, wd, ic, oc, s, ks.Name), got, want, 1e-5)
				}
			}
		}
	}
}

// runBordered runs a kernel producing an h x w x c output into the interior of a
// bordered buffer filled with a guard value, in three row ranges (as a parallel
// split calls it), checks the frame is untouched and returns the dense interior.
func runBordered(t *testing.T, h, w, c int, run func(out Out, y0, y1 int)) []float32 {
	t.Helper()
	const guard = -7
	buf := make([]float32, (h+2)*(w+2)*c)
	for i := range buf {
		buf[i] = guard
	}
	out := Out{Buf: buf, Off: (w + 3) * c, RowStride: (w + 2) * c}
	a, b := h/3, 2*h/3
	run(out, 0, a)
	run(out, a, b)
	run(out, b, h)
	got := make([]float32, 0, h*w*c)
	for y := 0; y < h+2; y++ {
		for x := 0; x < w+2; x++ {
			px := buf[(y*(w+2)+x)*c:][:c]
			if y == 0 || x == 0 || y == h+1 || x == w+1 {
				for _, v := range px {
					if v != guard {
						t.Fatalf("kernel wrote outside its %dx%dx%d output at bordered (%d,%d)", h, w, c, y, x)
					}
				}
				continue
			}
			got = append(got, px...)
		}
	}
	return got
}
