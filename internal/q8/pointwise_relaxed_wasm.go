//go:build goexperiment.simd && wasm && relaxed

package q8

// The relaxed-SIMD build (-tags relaxed, web/classifier-relaxed.wasm): the pointwise
// layers whose inputs are 7-bit (NewPW7) run i32x4.relaxed_dot_i8x16_i7x16_add_s,
// 16 multiply-adds per instruction against dot_i16x8_s's 8 (VNNI's vpdpbusd where
// the CPU has it). Its result is the exact integer dot product for a second
// operand in 0..127, so the kernel is bit for bit the reference there; for other
// inputs engines differ (Node 20's V8 computed 41,614 of 100,352 outputs of one
// layer differently from Chromium 156's), which is why only these layers use it.

// KernelName is the int8 kernel set this build runs.
const KernelName = "int8-wasm-relaxed"

// pwRow4x8RelaxedI7 and narrow16x8 are in pwrelaxed_wasm.s.
//
//go:noescape
func pwRow4x8RelaxedI7(d *int16, a *uint8, tiles, kb, nb int, panel *int8, kquads int, mb *float32)

//go:noescape
func narrow16x8(d *uint8, s *int16, blocks int)

// pack7 lays the kernel out as panels of 8 output channels, one 32-byte row per k
// quad: [w(k..k+3, c)] for c = 0..7 (zero past K and N), the factors as packPW's.
func pack7(w *PW) bool {
	if w.K == 0 || w.N == 0 {
		return false
	}
	kq, np := (w.K+3)/4, (w.N+pwNR-1)/pwNR
	w.relaxed = make([]int8, np*kq*32)
	packFactors(w)
	for n := range w.N {
		j, c := n/pwNR, n%pwNR
		for k := range w.K {
			w.relaxed[(j*kq+k/4)*32+4*c+k%4] = w.Kernel[k*w.N+n]
		}
	}
	return true
}

// pointwise7 narrows the p x K input to bytes (the kernel reads 4 per load), then
// sweeps blocks of pixels with every panel in turn, as pointwiseFast does. Whole
// tiles are written in place; the last panel when N is not a multiple of 8 and the
// last tile when p is not a multiple of 4 are written to w.tail and copied out.
func pointwise7(dst, src []int16, p int, w *PW) {
	if p <= 0 {
		return
	}
	K, N := w.K, w.N
	n := p * K
	_, _ = src[n-1], dst[p*N-1] // the kernels write and read without bounds checks
	// Pixels past p (the last tile's) and 3 bytes past K*p (the last k quad of a K
	// that is not a multiple of 4, multiplied by zero weights) read zeros.
	a := grow(&w.a8, (p+pwMR-1)/pwMR*pwMR*K+3)
	if b := n / 16; b > 0 {
		narrow16x8(&a[0], &src[0], b)
	}
	for i := n &^ 15; i < n; i++ {
		a[i] = uint8(src[i])
	}
	clear(a[n:])
	kq, np := (K+3)/4, (N+pwNR-1)/pwNR
	block := max(pwBlockBytes/K/pwMR*pwMR, pwMR)
	for b0 := 0; b0 < p; b0 += block {
		b1 := min(b0+block, p)
		whole := (b1 - b0) / pwMR
		for j := range np {
			n0 := j * pwNR
			panel, mb := &w.relaxed[j*kq*32], &w.mb[j*16]
			i := b0
			if n0+pwNR <= N && whole > 0 {
				pwRow4x8RelaxedI7(&dst[b0*N+n0], &a[b0*K], whole, K, 2*N, panel, kq, mb)
				i += whole * pwMR
			}
			if i == b1 {
				continue
			}
			tiles := (b1 - i + pwMR - 1) / pwMR
			t := grow(&w.tail, tiles*pwMR*pwNR)
			pwRow4x8RelaxedI7(&t[0], &a[i*K], tiles, K, 2*pwNR, panel, kq, mb)
			for r := i; r < b1; r++ {
				copy(dst[r*N+n0:r*N+min(n0+pwNR, N)], t[(r-i)*pwNR:])
			}
		}
	}
}

// grow returns (*buf)[:n], reallocating *buf only when it is shorter: after the
// first frame at a size, no allocation.
func grow[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	return (*buf)[:n]
}
