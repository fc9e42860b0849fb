package q8

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// PW.Run (the platform's fast kernel: wasm's i32x4.dot_i16x8_s tiles under js/wasm)
// against the reference Pointwise, bit for bit, on every tail of its 4-pixel x
// 8-channel tile and k pairs (odd K), on MobileNet's real shapes, and with a guard
// past the output that must stay untouched. NewPWU8 likewise (AVX-512 VNNI's
// 8 x 32 tile on amd64 where present: every tail of it and of its k quads too), NewPW7 likewise with inputs in 0..127
// (the relaxed-SIMD kernel with -tags relaxed: k quads, K not a multiple of 4),
// including the extreme products 127 x ±127 throughout.
func TestPWMatchesReference(t *testing.T) { checkPWShapes(t) }

func checkPWShapes(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	shapes := [][3]int{ // pixels, K, N
		{12544, 32, 64}, {3136, 128, 128}, {196, 512, 512}, {49, 1024, 1024}, {784, 24, 48}, {49, 768, 768},
		{1, 1, 1}, {1, 2, 8}, {4, 8, 8}, {5, 9, 9}, {3, 3, 17}, {7, 255, 15}, {8, 256, 16}, {9, 257, 23}, {13, 64, 1000},
	}
	for range 20 {
		shapes = append(shapes, [3]int{1 + r.IntN(30), 1 + r.IntN(200), 1 + r.IntN(50)})
	}
	for i, s := range shapes {
		p, k, n := s[0], s[1], s[2]
		src := randActs(r, p*k+slack, false)
		kern := randKernel(r, k*n)
		m, b := randFactors(r, n, k)
		checkPW(t, fmt.Sprintf("pointwise %v (%s)", s, KernelName), NewPW(kern, m, b, k, n), src, p)
		checkPW(t, fmt.Sprintf("pointwise u8 %v (%s)", s, KernelName), NewPWU8(kern, m, b, k, n), src, p)
		src7 := acts7(src)
		if i == 0 {
			for j := range src7 {
				src7[j] = 127
			}
			for j := range kern {
				kern[j] = int8(127 - 254*(j%2))
			}
		}
		checkPW(t, fmt.Sprintf("pointwise7 %v (%s)", s, KernelName), NewPW7(kern, m, b, k, n), src7, p)
	}
	// The largest sums an 8-bit layer can reach: 255 x ±127, K = 1024, every sign
	// the same or alternating.
	const p, k, n = 13, 1024, 40
	src := make([]int16, p*k+slack)
	for i := range src {
		src[i] = ActMax
	}
	m, b := randFactors(r, n, k)
	for _, alt := range []bool{false, true} {
		kern := make([]int8, k*n)
		for j := range kern {
			kern[j] = 127
			if alt && j%2 == 1 || !alt && j%n >= n/2 {
				kern[j] = -127
			}
		}
		checkPW(t, fmt.Sprintf("pointwise u8 extremes (%s)", KernelName), NewPWU8(kern, m, b, k, n), src, p)
	}
}

// acts7 halves 8-bit activations to 7 bits (0..127, as often 0 or 127).
func acts7(a []int16) []int16 {
	b := make([]int16, len(a))
	for i, v := range a {
		b[i] = v >> 1
	}
	return b
}

// checkPW runs w on p pixels of src against the reference, bit for bit, and checks
// nothing past the output was written.
func checkPW(t *testing.T, what string, w *PW, src []int16, p int) {
	t.Helper()
	want := make([]int16, p*w.N)
	Pointwise(want, src, p, w.K, w.N, w.Kernel, w.M, w.B)
	got := make([]int16, p*w.N+16)
	for i := range got {
		got[i] = -7
	}
	w.Run(got, src, p)
	equal16(t, what, got[:p*w.N], want)
	for i, v := range got[p*w.N:] {
		if v != -7 {
			t.Fatalf("%s: wrote past the output at +%d", what, i)
		}
	}
}

func TestPWAllocatesNothing(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	const p, k, n = 50, 64, 40
	src := randActs(r, p*k+slack, false)
	m, b := randFactors(r, n, k)
	w := NewPW(randKernel(r, k*n), m, b, k, n)
	dst := make([]int16, p*n)
	if a := testing.AllocsPerRun(10, func() { w.Run(dst, src, p) }); a != 0 {
		t.Fatalf("PW.Run allocates %v times per call", a)
	}
	w7, src7 := NewPW7(w.Kernel, m, b, k, n), acts7(src)
	if a := testing.AllocsPerRun(10, func() { w7.Run(dst, src7, p) }); a != 0 {
		t.Fatalf("NewPW7's Run allocates %v times per call", a)
	}
}

// RunLogits (the fast kernels' float-output tile) against the reference
// Classifier, bit for bit.
func TestLogitsMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	for _, s := range [][2]int{{1024, 1000}, {768, 1000}, {256, 1000}, {8, 8}, {9, 13}, {1, 1}, {33, 7}} {
		k, n := s[0], s[1]
		src := randActs(r, k+slack, false)
		kern := randKernel(r, k*n)
		scale, bias := make([]float32, n), make([]float32, n)
		for i := range scale {
			scale[i], bias[i] = float32(r.Float64()*1e-3), float32(r.NormFloat64())
		}
		want := make([]float32, n)
		Classifier(want, src, k, n, kern, scale, bias, make([]int32, n))
		got := make([]float32, n+8)
		got[n] = -7
		NewLogits(kern, scale, bias, k, n).RunLogits(got, src)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("logits %v (%s): %d is %v, want %v", s, KernelName, i, got[i], want[i])
			}
		}
		if got[n] != -7 {
			t.Fatalf("logits %v: wrote past the end", s)
		}
	}
}
