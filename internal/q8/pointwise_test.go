package q8

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// PW.Run (the platform's fast kernel: wasm's i32x4.dot_i16x8_s tiles under js/wasm)
// against the reference Pointwise, bit for bit, on every tail of its 4-pixel x
// 8-channel tile and k pairs (odd K), on MobileNet's real shapes, and with a guard
// past the output that must stay untouched.
func TestPWMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	shapes := [][3]int{ // pixels, K, N
		{12544, 32, 64}, {3136, 128, 128}, {196, 512, 512}, {49, 1024, 1024}, {784, 24, 48}, {49, 768, 768},
		{1, 1, 1}, {1, 2, 8}, {4, 8, 8}, {5, 9, 9}, {3, 3, 17}, {7, 255, 15}, {8, 256, 16}, {9, 257, 23}, {13, 64, 1000},
	}
	for range 20 {
		shapes = append(shapes, [3]int{1 + r.IntN(30), 1 + r.IntN(200), 1 + r.IntN(50)})
	}
	for _, s := range shapes {
		p, k, n := s[0], s[1], s[2]
		src := randActs(r, p*k+slack, false)
		kern := randKernel(r, k*n)
		m, b := randFactors(r, n, k)
		w := NewPW(kern, m, b, k, n)
		want := make([]int16, p*n)
		Pointwise(want, src, p, k, n, kern, m, b)
		got := make([]int16, p*n+16)
		for i := range got {
			got[i] = -7
		}
		w.Run(got, src, p)
		equal16(t, fmt.Sprintf("pointwise %v (%s)", s, KernelName), got[:p*n], want)
		for i, v := range got[p*n:] {
			if v != -7 {
				t.Fatalf("pointwise %v: wrote past the output at +%d", s, i)
			}
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
