package q8

// PW is a pointwise layer's weights as the platform's kernel wants them: the kernel
// in core's [K][N] layout for the reference, and packed panels where a fast kernel
// exists (pointwise_wasm.go).
type PW struct {
	K, N   int
	Kernel []int8 // [K][N]
	M, B   []float32
	packed []int8    // the fast kernel's layout; nil where the reference runs
	mb     []float32 // the fast kernel's factors, per panel
}

// NewPW binds a pointwise kernel to its requantization factors and packs it.
func NewPW(kernel []int8, m, b []float32, k, n int) *PW {
	w := &PW{K: k, N: n, Kernel: kernel, M: m, B: b}
	packPW(w)
	return w
}

// Run computes p pixels: dst[i*N+c] = Requant(sum_j src[i*K+j]*Kernel[j*N+c], M[c], B[c]).
// src must have at least one readable value past p*K (see slack).
func (w *PW) Run(dst, src []int16, p int) {
	if w.packed == nil {
		Pointwise(dst, src, p, w.K, w.N, w.Kernel, w.M, w.B)
		return
	}
	pointwiseFast(dst, src, p, w)
}
