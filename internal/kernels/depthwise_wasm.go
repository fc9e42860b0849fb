//go:build goexperiment.simd && wasm

package kernels

import (
	"math"
	"simd/archsimd"
	"unsafe"
)

// Depthwise 3x3 on wasm, vectorised over 4 channels. The inner loop reads through
// unsafe pointers: Go's bounds checks there (9 taps x 2 pixels) cost more than the
// arithmetic; each pointer's range is checked once per pixel instead.

const dwBlock = 4 + 9*4 // packed floats per channel block: bias[4], then K[tap][4]

// packDWWasm lays out each full block of 4 channels as [bias[4], K[0][4], ..., K[8][4]]
// so a block's constants are one contiguous run. Channels past the last full block
// (C % 4) are read from K and Bias by the scalar tail.
func packDWWasm(w *DWWeights) {
	nb := w.C / 4
	p := make([]float32, nb*dwBlock)
	for b := 0; b < nb; b++ {
		blk := p[b*dwBlock:][:dwBlock]
		copy(blk[:4], w.Bias[b*4:])
		for t := 0; t < 9; t++ {
			copy(blk[4+t*4:][:4], w.K[t*w.C+b*4:])
		}
	}
	w.Packed = p
}

// depthwiseWasmTile2x1 implements Depthwise3x3Generic:
//
//	out(y, x, c) = relu6(bias[c] + sum over ky, kx of
//	               src(y*s+ky+StartY, x*s+kx+StartX, c) * K[ky][kx][c])
//
// 2 output pixels x 4 channels per step, channels innermost so each pixel's 9 taps
// are read as 9 sequential streams; each kernel vector is loaded once for both
// pixels. An odd last pixel is paired with itself (same values stored twice).
func depthwiseWasmTile2x1(out Out, src []float32, w *DWWeights, g Geom, y0, y1 int) {
	C, s := w.C, g.Stride
	C4 := C &^ 3
	if C4 == 0 {
		depthwiseTail(out, src, w, g, y0, y1, 0)
		return
	}
	sw := (g.InW + 2) * C // bordered row stride
	zero, six := archsimd.BroadcastInt32x4(0), archsimd.BroadcastInt32x4(int32(math.Float32bits(6)))
	pk := unsafe.Pointer(&w.Packed[:C4/4*dwBlock][0])
	for y := y0; y < y1; y++ {
		r0 := src[(y*s+g.StartY)*sw+g.StartX*C:]
		r1 := src[(y*s+g.StartY+1)*sw+g.StartX*C:]
		r2 := src[(y*s+g.StartY+2)*sw+g.StartX*C:]
		dst := out.Buf[out.Off+y*out.RowStride:][:g.OutW*C]
		x := 0
		if s == 1 {
			x = dwRowS1Pix4(dst, r0, r1, r2, pk, C, C4, g.OutW)
		}
		for ; x < g.OutW; x += 2 {
			xb := min(x+1, g.OutW-1)
			// The checked slices cover every unchecked load below: taps at
			// {0, C, 2C} + c with c+4 <= C4 <= C, stores at c with c+4 <= C.
			o, ob := x*s*C, xb*s*C
			p0 := unsafe.Pointer(&r0[o:][:3*C][0])
			p1 := unsafe.Pointer(&r1[o:][:3*C][0])
			p2 := unsafe.Pointer(&r2[o:][:3*C][0])
			q0 := unsafe.Pointer(&r0[ob:][:3*C][0])
			q1 := unsafe.Pointer(&r1[ob:][:3*C][0])
			q2 := unsafe.Pointer(&r2[ob:][:3*C][0])
			d := unsafe.Pointer(&dst[x*C:][:C][0])
			db := unsafe.Pointer(&dst[xb*C:][:C][0])
			for c := 0; c < C4; c += 4 {
				kp := unsafe.Add(pk, c*dwBlock) // block c/4, in bytes
				b, k := ld4(kp, 0), ld4(kp, 4)
				a, e := b.Add(ld4(p0, c).Mul(k)), b.Add(ld4(q0, c).Mul(k))
				k = ld4(kp, 8)
				a, e = a.Add(ld4(p0, C+c).Mul(k)), e.Add(ld4(q0, C+c).Mul(k))
				k = ld4(kp, 12)
				a, e = a.Add(ld4(p0, 2*C+c).Mul(k)), e.Add(ld4(q0, 2*C+c).Mul(k))
				k = ld4(kp, 16)
				a, e = a.Add(ld4(p1, c).Mul(k)), e.Add(ld4(q1, c).Mul(k))
				k = ld4(kp, 20)
				a, e = a.Add(ld4(p1, C+c).Mul(k)), e.Add(ld4(q1, C+c).Mul(k))
				k = ld4(kp, 24)
				a, e = a.Add(ld4(p1, 2*C+c).Mul(k)), e.Add(ld4(q1, 2*C+c).Mul(k))
				k = ld4(kp, 28)
				a, e = a.Add(ld4(p2, c).Mul(k)), e.Add(ld4(q2, c).Mul(k))
				k = ld4(kp, 32)
				a, e = a.Add(ld4(p2, C+c).Mul(k)), e.Add(ld4(q2, C+c).Mul(k))
				k = ld4(kp, 36)
				a, e = a.Add(ld4(p2, 2*C+c).Mul(k)), e.Add(ld4(q2, 2*C+c).Mul(k))
				st4(relu6F32x4(a, zero, six), d, c)
				st4(relu6F32x4(e, zero, six), db, c)
			}
		}
	}
	if C4 < C {
		depthwiseTail(out, src, w, g, y0, y1, C4)
	}
}

// dwRowS1Pix4 computes a stride-1 output row 4 pixels x 4 channels at a time, as far
// as whole groups of 4 go, and returns where it stopped. Neighbouring pixels share
// input columns, so each input vector is loaded once for up to 3 of them: 27 loads
// per 144 mult-adds where the 2-pixel step needs 56.
func dwRowS1Pix4(dst, r0, r1, r2 []float32, pk unsafe.Pointer, C, C4, outW int) int {
	zero, six := archsimd.BroadcastInt32x4(0), archsimd.BroadcastInt32x4(int32(math.Float32bits(6)))
	x := 0
	for ; x+4 <= outW; x += 4 {
		// Checked once: taps at {0..5}*C + c, stores at {0..3}*C + c, c+4 <= C4 <= C.
		p0 := unsafe.Pointer(&r0[x*C:][:6*C][0])
		p1 := unsafe.Pointer(&r1[x*C:][:6*C][0])
		p2 := unsafe.Pointer(&r2[x*C:][:6*C][0])
		d := unsafe.Pointer(&dst[x*C:][:4*C][0])
		for c := 0; c < C4; c += 4 {
			kp := unsafe.Add(pk, c*dwBlock) // block c/4, in bytes
			b := ld4(kp, 0)
			a0, a1, a2, a3 := dwRow4(b, b, b, b, kp, 4, p0, C, c)
			a0, a1, a2, a3 = dwRow4(a0, a1, a2, a3, kp, 16, p1, C, c)
			a0, a1, a2, a3 = dwRow4(a0, a1, a2, a3, kp, 28, p2, C, c)
			st4(relu6F32x4(a0, zero, six), d, c)
			st4(relu6F32x4(a1, zero, six), d, C+c)
			st4(relu6F32x4(a2, zero, six), d, 2*C+c)
			st4(relu6F32x4(a3, zero, six), d, 3*C+c)
		}
	}
	return x
}

// dwRow4 adds one kernel row (its 3 taps at kp+4*ko floats) to 4 neighbouring pixels
// whose windows start at p, p+C, p+2C, p+3C: input columns 0..5 of the row.
func dwRow4(a0, a1, a2, a3 archsimd.Float32x4, kp unsafe.Pointer, ko int, p unsafe.Pointer, C, c int) (_, _, _, _ archsimd.Float32x4) {
	k0, k1, k2 := ld4(kp, ko), ld4(kp, ko+4), ld4(kp, ko+8)
	v := ld4(p, c)
	a0 = a0.Add(v.Mul(k0))
	v = ld4(p, C+c)
	a0, a1 = a0.Add(v.Mul(k1)), a1.Add(v.Mul(k0))
	v = ld4(p, 2*C+c)
	a0, a1, a2 = a0.Add(v.Mul(k2)), a1.Add(v.Mul(k1)), a2.Add(v.Mul(k0))
	v = ld4(p, 3*C+c)
	a1, a2, a3 = a1.Add(v.Mul(k2)), a2.Add(v.Mul(k1)), a3.Add(v.Mul(k0))
	v = ld4(p, 4*C+c)
	a2, a3 = a2.Add(v.Mul(k2)), a3.Add(v.Mul(k1))
	v = ld4(p, 5*C+c)
	return a0, a1, a2, a3.Add(v.Mul(k2))
}

// relu6F32x4 is relu6 (min(max(v, 0), 6)) lane by lane, NaN kept, on the float
// bits as int32: from +0 up, floats order as their bits do, and every negative
// float's bits are negative ints. Two integer min/max, a compare and a bit-select
// for NaN: about half of what V8 emits for wasm's f32x4.max and .min, whose NaN
// and signed-zero rules cost ~8 instructions each. zero and six are the int32 bits
// of 0 and 6.
func relu6F32x4(v archsimd.Float32x4, zero, six archsimd.Int32x4) archsimd.Float32x4 {
	b := v.ToBits().BitsToInt32()
	c := b.Max(zero).Min(six)
	return b.BitSelect(c, v.NotEqual(v).ToInt32x4()).ToBits().BitsToFloat32()
}

// ld4 loads the 4 floats at p + 4*i bytes; st4 stores them. Callers check the range.
func ld4(p unsafe.Pointer, i int) archsimd.Float32x4 {
	return archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(p, i*4)))
}

func st4(v archsimd.Float32x4, p unsafe.Pointer, i int) {
	v.StoreArray((*[4]float32)(unsafe.Add(p, i*4)))
}

// depthwiseTail computes channels [c0, C) in scalar code (the reference loop), for C
// not a multiple of 4.
func depthwiseTail(out Out, src []float32, w *DWWeights, g Geom, y0, y1, c0 int) {
	C, s, sw := w.C, g.Stride, (g.InW+2)*w.C
	for y := y0; y < y1; y++ {
		for x := 0; x < g.OutW; x++ {
			for c := c0; c < C; c++ {
				acc := w.Bias[c]
				for ky := 0; ky < 3; ky++ {
					for kx := 0; kx < 3; kx++ {
						acc += src[(y*s+ky+g.StartY)*sw+(x*s+kx+g.StartX)*C+c] * w.K[(ky*3+kx)*C+c]
					}
				}
				out.Buf[out.Off+y*out.RowStride+x*C+c] = relu6(acc)
			}
		}
	}
}
