package q8

// PW is a pointwise layer's weights as the platform's kernel wants them: the kernel
// in core's [K][N] layout for the reference, and packed panels where a fast kernel
// exists (pointwise_wasm.go).
type PW struct {
	K, N    int
	Kernel  []int8 // [K][N]
	M, B    []float32
	packed  []int8    // the fast kernel's layout; nil where the reference runs
	mb      []float32 // the fast kernel's factors, per panel
	scratch []int32   // RunLogits' accumulators where the reference runs

	// A byte-input kernel's (pointwise_bytes.go: relaxed SIMD for NewPW7, AVX-512
	// VNNI for NewPW7 and NewPWU8); nil elsewhere.
	bytePanels []int8    // panels [K/4][bytesNR][4]
	own        Workspace // Run's (a Model passes its goroutine's to RunWith)
}

// NewPW binds a pointwise kernel to its requantization factors and packs it.
func NewPW(kernel []int8, m, b []float32, k, n int) *PW {
	w := &PW{K: k, N: n, Kernel: kernel, M: m, B: b}
	packPW(w)
	return w
}

// NewPWU8 is NewPW for a layer whose inputs all lie in 0..ActMax (unsigned: every
// pointwise layer's, not conv1's): where AVX-512 VNNI is present its vpdpbusd
// (u8 x s8) runs it; elsewhere it is NewPW.
func NewPWU8(kernel []int8, m, b []float32, k, n int) *PW {
	w := &PW{K: k, N: n, Kernel: kernel, M: m, B: b}
	if !packU8(w) {
		packPW(w)
	}
	return w
}

// NewPW7 is NewPW for a layer whose inputs all lie in 0..Act7Max (the pointwise
// layers of blocks Act7FirstBlock..13): where relaxed SIMD is built in, its 8-bit
// dot product runs them (i32x4.relaxed_dot_i8x16_i7x16_add_s is deterministic only
// for such inputs), or AVX-512 VNNI as NewPWU8; elsewhere it is NewPW.
func NewPW7(kernel []int8, m, b []float32, k, n int) *PW {
	w := &PW{K: k, N: n, Kernel: kernel, M: m, B: b}
	if !pack7(w) {
		packPW(w)
	}
	return w
}

// Workspace is the scratch memory the kernels use per call, grown on first use and
// then reused: one per goroutine that runs layers at the same time (a Model keeps
// one per thread), so that goroutines running rows of the same layer share none.
type Workspace struct {
	a8   []uint8 // a byte-input pointwise kernel's input narrowed to bytes
	tail []int16 // its outputs of the last panel's and pixels' partial tiles
	pad  []int16 // the depthwise kernels' zero-framed input (DW.padded)
	// conv1's input patches (Im2col) of the rows being run, [rows][OutW][27]
	patches []int16
}

// grow returns (*buf)[:n], reallocating *buf only when it is shorter: after the
// first frame at a size, no allocation.
func grow[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	return (*buf)[:n]
}

// Run computes p pixels: dst[i*N+c] = Requant(sum_j src[i*K+j]*Kernel[j*N+c], M[c], B[c]).
// src must have at least one readable value past p*K (see slack).
func (w *PW) Run(dst, src []int16, p int) { w.RunWith(dst, src, p, &w.own) }

// reserve grows ws so that RunWith on up to p pixels allocates nothing.
func (w *PW) reserve(ws *Workspace, p int) {
	if w.bytePanels != nil {
		a8, tail := byteNeeds(w, p)
		grow(&ws.a8, a8)
		grow(&ws.tail, tail)
	}
}

// RunWith is Run with the caller's workspace.
func (w *PW) RunWith(dst, src []int16, p int, ws *Workspace) {
	if w.bytePanels != nil {
		pointwiseBytes(dst, src, p, w, ws)
		return
	}
	if w.packed == nil {
		Pointwise(dst, src, p, w.K, w.N, w.Kernel, w.M, w.B)
		return
	}
	pointwiseFast(dst, src, p, w)
}

// NewLogits binds the classifier's kernel to its logit scales and biases
// (Classifier's scale and bias) and packs it like a pointwise layer.
func NewLogits(kernel []int8, scale, bias []float32, k, n int) *PW {
	return NewPW(kernel, scale, bias, k, n)
}

// RunLogits is Classifier on one pooled vector: dst[c] = float32(sum_j
// src[j]*Kernel[j*N+c])*M[c] + B[c]. src must have one readable value past K.
func (w *PW) RunLogits(dst []float32, src []int16) {
	if w.packed == nil {
		Classifier(dst, src, w.K, w.N, w.Kernel, w.M, w.B, w.acc())
		return
	}
	logitsFast(dst, src, w)
}

// acc is the reference classifier's scratch, made once.
func (w *PW) acc() []int32 {
	if w.scratch == nil {
		w.scratch = make([]int32, w.N)
	}
	return w.scratch
}
