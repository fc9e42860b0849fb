//go:build goexperiment.simd && amd64

package kernels

import "simd/archsimd"

// Pointwise on amd64: a register tile of 4 pixels x 2 vectors of output channels.
// Weights are packed once into panels of 2 vectors' worth of output channels
// (packPWPanels), so the inner loop reads one contiguous row per k and every load
// is a full vector; the panel past N is zero-padded and only the stores are partial.
// K is processed in blocks of pwKC so the block of the panel being swept over all
// pixels stays in L1 (K reaches 1024: a whole 32-wide panel is then 128 KiB).

const (
	pwNR16 = 32  // output channels per AVX-512 panel: two Float32x16
	pwNR8  = 16  // output channels per AVX2 panel: two Float32x8
	pwKC   = 128 // k rows per block: 16 KiB of an AVX-512 panel
)

// packPWPanels lays w.W out as ceil(N/nr) panels of [K+1][nr] floats each: row 0
// is the bias, row k+1 is W[k][n0:n0+nr], zero past N.
func packPWPanels(w *PWWeights, nr int) {
	np := (w.N + nr - 1) / nr
	stride := (w.K + 1) * nr
	p := make([]float32, np*stride)
	for j := 0; j < np; j++ {
		n0, n1 := j*nr, min(j*nr+nr, w.N)
		panel := p[j*stride:][:stride]
		copy(panel[:n1-n0], w.Bias[n0:n1])
		for k := 0; k < w.K; k++ {
			copy(panel[(k+1)*nr:][:n1-n0], w.W[k*w.N+n0:k*w.N+n1])
		}
	}
	w.Packed = p
}

func packPW16(w *PWWeights) { packPWPanels(w, pwNR16) }
func packPW8(w *PWWeights)  { packPWPanels(w, pwNR8) }

// pixelCursor walks the output pixels of dense rows of the given width, tracking
// where each starts in an Out without dividing per pixel.
type pixelCursor struct {
	off, x, width, n, rowStride int
}

func newPixelCursor(out Out, p, width, n int) pixelCursor {
	return pixelCursor{off: out.Off + p/width*out.RowStride + p%width*n, x: p % width, width: width, n: n, rowStride: out.RowStride}
}

// tile returns the offsets of 4 consecutive pixels starting at the cursor's, the
// ones at or past pixel `left` (counted from the cursor) repeating the last real
// one, and moves the cursor 4 pixels on.
func (c *pixelCursor) tile(left int) (o0, o1, o2, o3 int) {
	o0 = c.off
	c.next()
	o1, o2, o3 = o0, o0, o0
	if left > 1 {
		o1 = c.off
		c.next()
		o2, o3 = o1, o1
	}
	if left > 2 {
		o2 = c.off
		c.next()
		o3 = o2
	}
	if left > 3 {
		o3 = c.off
		c.next()
	}
	return
}

func (c *pixelCursor) next() {
	c.x++
	c.off += c.n
	if c.x == c.width {
		c.x = 0
		c.off += c.rowStride - c.width*c.n
	}
}

// pointwiseF32x16Tile4x2 implements PointwiseGeneric with AVX-512:
//
//	for each pixel p in rows [y0, y1), each n < N:
//		out(p, n) = act(bias[n] + sum over k < K of src[p*K+k] * W[k*N+n])
//
// Pixels are taken 4 at a time across row boundaries (src is dense); a short last
// tile repeats its last pixel, which only rewrites the same values. For K > pwKC the
// partial sums of earlier k blocks are kept in out and reloaded.
func pointwiseF32x16Tile4x2(out Out, src []float32, w *PWWeights, width, y0, y1 int) {
	K, N := w.K, w.N
	m0, m1 := y0*width, y1*width
	if m0 >= m1 || N == 0 {
		return
	}
	src = src[:m1*K]
	stride := (K + 1) * pwNR16
	zero, six := archsimd.BroadcastFloat32x16(0), archsimd.BroadcastFloat32x16(6)
	for k0 := 0; k0 == 0 || k0 < K; k0 += pwKC {
		k1 := min(k0+pwKC, K)
		kn := k1 - k0
		first, clamp := k0 == 0, k1 == K && w.ReLU6
		for n0 := 0; n0 < N; n0 += pwNR16 {
			panel := w.Packed[n0/pwNR16*stride:][:stride]
			wk := panel[pwNR16*(1+k0) : pwNR16*(1+k1)]
			nn := min(pwNR16, N-n0)
			cur := newPixelCursor(out, m0, width, N)
			for p := m0; p < m1; p += 4 {
				p1, p2, p3 := min(p+1, m1-1), min(p+2, m1-1), min(p+3, m1-1)
				f0, f1, f2, f3 := cur.tile(m1 - p)
				o0 := out.Buf[f0+n0:][:nn]
				o1 := out.Buf[f1+n0:][:nn]
				o2 := out.Buf[f2+n0:][:nn]
				o3 := out.Buf[f3+n0:][:nn]
				var c00, c01, c10, c11, c20, c21, c30, c31 archsimd.Float32x16
				if first {
					c00 = archsimd.LoadFloat32x16(panel[:16])
					c01 = archsimd.LoadFloat32x16(panel[16:32])
					c10, c11, c20, c21, c30, c31 = c00, c01, c00, c01, c00, c01
				} else {
					c00, c01 = load2F32x16(o0)
					c10, c11 = load2F32x16(o1)
					c20, c21 = load2F32x16(o2)
					c30, c31 = load2F32x16(o3)
				}
				a0 := src[p*K+k0:][:kn]
				a1 := src[p1*K+k0:][:kn]
				a2 := src[p2*K+k0:][:kn]
				a3 := src[p3*K+k0:][:kn]
				wr := wk // len(wk) = 32*kn: the loop test lets the compiler drop bounds checks
				for i := 0; i < len(a0) && len(wr) >= 32; i++ {
					w0 := archsimd.LoadFloat32x16(wr[:16])
					w1 := archsimd.LoadFloat32x16(wr[16:32])
					wr = wr[32:]
					v := archsimd.BroadcastFloat32x16(a0[i])
					c00 = v.MulAdd(w0, c00)
					c01 = v.MulAdd(w1, c01)
					v = archsimd.BroadcastFloat32x16(a1[i])
					c10 = v.MulAdd(w0, c10)
					c11 = v.MulAdd(w1, c11)
					v = archsimd.BroadcastFloat32x16(a2[i])
					c20 = v.MulAdd(w0, c20)
					c21 = v.MulAdd(w1, c21)
					v = archsimd.BroadcastFloat32x16(a3[i])
					c30 = v.MulAdd(w0, c30)
					c31 = v.MulAdd(w1, c31)
				}
				if clamp {
					c00, c01 = c00.Max(zero).Min(six), c01.Max(zero).Min(six)
					c10, c11 = c10.Max(zero).Min(six), c11.Max(zero).Min(six)
					c20, c21 = c20.Max(zero).Min(six), c21.Max(zero).Min(six)
					c30, c31 = c30.Max(zero).Min(six), c31.Max(zero).Min(six)
				}
				// Store the repeated pixels first so the real ones are written last
				// (they hold the same values either way).
				store2F32x16(o3, c30, c31)
				store2F32x16(o2, c20, c21)
				store2F32x16(o1, c10, c11)
				store2F32x16(o0, c00, c01)
			}
		}
	}
}

// load2F32x16 loads up to 32 floats into two vectors, zero past len(s).
func load2F32x16(s []float32) (lo, hi archsimd.Float32x16) {
	if len(s) == 32 {
		return archsimd.LoadFloat32x16(s[:16]), archsimd.LoadFloat32x16(s[16:32])
	}
	lo, n := archsimd.LoadFloat32x16Part(s)
	hi, _ = archsimd.LoadFloat32x16Part(s[n:])
	return lo, hi
}

// store2F32x16 stores the first len(s) (at most 32) lanes of lo, hi.
func store2F32x16(s []float32, lo, hi archsimd.Float32x16) {
	if len(s) == 32 {
		lo.Store(s[:16])
		hi.Store(s[16:32])
		return
	}
	n := lo.StorePart(s)
	hi.StorePart(s[n:])
}

// pointwiseF32x8Tile4x2 is pointwiseF32x16Tile4x2 with AVX2 + FMA vectors: the
// same loop (see there) over panels of 16 output channels.
func pointwiseF32x8Tile4x2(out Out, src []float32, w *PWWeights, width, y0, y1 int) {
	K, N := w.K, w.N
	m0, m1 := y0*width, y1*width
	if m0 >= m1 || N == 0 {
		return
	}
	src = src[:m1*K]
	stride := (K + 1) * pwNR8
	zero, six := archsimd.BroadcastFloat32x8(0), archsimd.BroadcastFloat32x8(6)
	for k0 := 0; k0 == 0 || k0 < K; k0 += 2 * pwKC {
		k1 := min(k0+2*pwKC, K)
		kn := k1 - k0
		first, clamp := k0 == 0, k1 == K && w.ReLU6
		for n0 := 0; n0 < N; n0 += pwNR8 {
			panel := w.Packed[n0/pwNR8*stride:][:stride]
			wk := panel[pwNR8*(1+k0) : pwNR8*(1+k1)]
			nn := min(pwNR8, N-n0)
			cur := newPixelCursor(out, m0, width, N)
			for p := m0; p < m1; p += 4 {
				p1, p2, p3 := min(p+1, m1-1), min(p+2, m1-1), min(p+3, m1-1)
				f0, f1, f2, f3 := cur.tile(m1 - p)
				o0 := out.Buf[f0+n0:][:nn]
				o1 := out.Buf[f1+n0:][:nn]
				o2 := out.Buf[f2+n0:][:nn]
				o3 := out.Buf[f3+n0:][:nn]
				var c00, c01, c10, c11, c20, c21, c30, c31 archsimd.Float32x8
				if first {
					c00 = archsimd.LoadFloat32x8(panel[:8])
					c01 = archsimd.LoadFloat32x8(panel[8:16])
					c10, c11, c20, c21, c30, c31 = c00, c01, c00, c01, c00, c01
				} else {
					c00, c01 = load2F32x8(o0)
					c10, c11 = load2F32x8(o1)
					c20, c21 = load2F32x8(o2)
					c30, c31 = load2F32x8(o3)
				}
				a0 := src[p*K+k0:][:kn]
				a1 := src[p1*K+k0:][:kn]
				a2 := src[p2*K+k0:][:kn]
				a3 := src[p3*K+k0:][:kn]
				wr := wk // len(wk) = 16*kn: the loop test lets the compiler drop bounds checks
				for i := 0; i < len(a0) && len(wr) >= 16; i++ {
					w0 := archsimd.LoadFloat32x8(wr[:8])
					w1 := archsimd.LoadFloat32x8(wr[8:16])
					wr = wr[16:]
					v := archsimd.BroadcastFloat32x8(a0[i])
					c00 = v.MulAdd(w0, c00)
					c01 = v.MulAdd(w1, c01)
					v = archsimd.BroadcastFloat32x8(a1[i])
					c10 = v.MulAdd(w0, c10)
					c11 = v.MulAdd(w1, c11)
					v = archsimd.BroadcastFloat32x8(a2[i])
					c20 = v.MulAdd(w0, c20)
					c21 = v.MulAdd(w1, c21)
					v = archsimd.BroadcastFloat32x8(a3[i])
					c30 = v.MulAdd(w0, c30)
					c31 = v.MulAdd(w1, c31)
				}
				if clamp {
					c00, c01 = c00.Max(zero).Min(six), c01.Max(zero).Min(six)
					c10, c11 = c10.Max(zero).Min(six), c11.Max(zero).Min(six)
					c20, c21 = c20.Max(zero).Min(six), c21.Max(zero).Min(six)
					c30, c31 = c30.Max(zero).Min(six), c31.Max(zero).Min(six)
				}
				store2F32x8(o3, c30, c31)
				store2F32x8(o2, c20, c21)
				store2F32x8(o1, c10, c11)
				store2F32x8(o0, c00, c01)
			}
		}
	}
}

// load2F32x8 loads up to 16 floats into two vectors, zero past len(s).
func load2F32x8(s []float32) (lo, hi archsimd.Float32x8) {
	if len(s) == 16 {
		return archsimd.LoadFloat32x8(s[:8]), archsimd.LoadFloat32x8(s[8:16])
	}
	lo, n := archsimd.LoadFloat32x8Part(s)
	hi, _ = archsimd.LoadFloat32x8Part(s[n:])
	return lo, hi
}

// store2F32x8 stores the first len(s) (at most 16) lanes of lo, hi.
func store2F32x8(s []float32, lo, hi archsimd.Float32x8) {
	if len(s) == 16 {
		lo.Store(s[:8])
		hi.Store(s[8:16])
		return
	}
	n := lo.StorePart(s)
	hi.StorePart(s[n:])
}
