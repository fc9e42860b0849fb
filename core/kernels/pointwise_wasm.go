//go:build goexperiment.simd && wasm

package kernels

import "simd/archsimd"

// Pointwise on wasm: a 2 pixels x 16 output channels register tile (8 Float32x4
// accumulators). Weights are packed once (packPWF32x4) into panels of 16 output
// channels, [K][16] each, so the inner loop reads one contiguous 64-byte row per k.
// Measured in Chromium against 4x2 (4 pixels x 8 channels) and 6x2 tiles, 2x4 was the
// fastest: it needs 2 scalar broadcasts per k instead of 4, and 8 accumulators leave
// V8 enough of its 16 xmm registers (12 accumulators spill).

const (
	pwNR = 16 // output channels per panel (four Float32x4)
	pwMR = 2  // pixels per register tile
	// pwUnroll is the inner loop's unrolling over K.
	pwUnroll = 32
	// pwBlockFloats bounds the input rows one panel sweep reads (K floats per pixel),
	// so they stay in L2 while every panel of the weights passes over them.
	pwBlockFloats = 32 << 10
)

// packPWF32x4 lays w.W out as Packed = [bias padded to P*16] ++ P panels of [K][16],
// P = ceil(N/16), zero-padded past N so tail panels need no special inner loop.
func packPWF32x4(w *PWWeights) {
	np := (w.N + pwNR - 1) / pwNR
	p := make([]float32, np*pwNR+np*w.K*pwNR)
	copy(p, w.Bias)
	panels := p[np*pwNR:]
	for j := 0; j < np; j++ {
		n0, n1 := j*pwNR, min(j*pwNR+pwNR, w.N)
		for k := 0; k < w.K; k++ {
			copy(panels[(j*w.K+k)*pwNR:][:pwNR], w.W[k*w.N+n0:k*w.N+n1])
		}
	}
	w.Packed = p
}

// pointwiseF32x4Tile2x4 implements PointwiseGeneric:
//
//	for each pixel p in rows [y0, y1), each n < N:
//		out(p, n) = act(bias[n] + sum over k < K of src[p*K+k] * W[k*N+n])
//
// Pixels are taken 2 at a time across row boundaries (src is dense); an odd last
// pixel is paired with itself, which only rewrites the same values.
func pointwiseF32x4Tile2x4(out Out, src []float32, w *PWWeights, width, y0, y1 int) {
	K, N := w.K, w.N
	if K == 0 || y0 >= y1 || width <= 0 {
		pointwiseEmptyK(out, w, width, y0, y1)
		return
	}
	np := (N + pwNR - 1) / pwNR
	bias, panels := w.Packed[:np*pwNR], w.Packed[np*pwNR:]
	m0, m1 := y0*width, y1*width
	src = src[:m1*K]
	mc := max(pwMR, pwBlockFloats/K/pwMR*pwMR)
	var t [pwMR][pwNR]float32 // a tail panel's results land here first
	for b0 := m0; b0 < m1; b0 += mc {
		b1 := min(b0+mc, m1)
		for j := 0; j < np; j++ {
			panel := panels[j*K*pwNR:][:K*pwNR]
			bj := (*[pwNR]float32)(bias[j*pwNR:])
			nv := min(pwNR, N-j*pwNR)
			// (y, x) of pixel p, stepped without dividing (a division per tile
			// costs as much as several k steps when K is small).
			y, x := b0/width, b0%width
			for p := b0; p < b1; p += pwMR {
				p1, y1, x1 := p+1, y, x+1
				if x1 == width {
					y1, x1 = y+1, 0
				}
				if p1 == b1 {
					p1, y1, x1 = p, y, x
				}
				o0 := out.Off + y*out.RowStride + x*N + j*pwNR
				o1 := out.Off + y1*out.RowStride + x1*N + j*pwNR
				if y, x = y1, x1+1; x == width {
					y, x = y+1, 0
				}
				if nv == pwNR {
					pwTile2x4((*[pwNR]float32)(out.Buf[o0:]), (*[pwNR]float32)(out.Buf[o1:]),
						src[p*K:][:K], src[p1*K:][:K], panel, bj, w.ReLU6)
					continue
				}
				pwTile2x4(&t[0], &t[1], src[p*K:][:K], src[p1*K:][:K], panel, bj, w.ReLU6)
				copy(out.Buf[o0:][:nv], t[0][:nv])
				copy(out.Buf[o1:][:nv], t[1][:nv])
			}
		}
	}
}

// pwTile2x4 computes d_i[0:16] = act(bias + sum over k of a_i[k] * panel[k][0:16]).
func pwTile2x4(d0, d1 *[pwNR]float32, a0, a1, panel []float32, bias *[pwNR]float32, relu bool) {
	c00 := archsimd.LoadFloat32x4Array((*[4]float32)(bias[0:4]))
	c01 := archsimd.LoadFloat32x4Array((*[4]float32)(bias[4:8]))
	c02 := archsimd.LoadFloat32x4Array((*[4]float32)(bias[8:12]))
	c03 := archsimd.LoadFloat32x4Array((*[4]float32)(bias[12:16]))
	c10, c11, c12, c13 := c00, c01, c02, c03
	a1 = a1[:len(a0)]
	wp := panel[:len(a0)*pwNR]
	// Go's wasm backend sends every back edge through a br_table at the function's
	// top, a merge point where V8 spills and reloads the accumulators, so the main
	// loop does pwUnroll = 32 steps per iteration (Go does not unroll loops), and the
	// tails 16, 8 and then 1 at a time (MobileNet's K is a multiple of 8).
	for len(wp) >= pwUnroll*pwNR {
		x0, x1 := (*[pwUnroll]float32)(a0), (*[pwUnroll]float32)(a1)
		w := (*[pwUnroll * pwNR]float32)(wp)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[0:]), x0[:], x1[:], 0)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[16:]), x0[:], x1[:], 1)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[32:]), x0[:], x1[:], 2)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[48:]), x0[:], x1[:], 3)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[64:]), x0[:], x1[:], 4)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[80:]), x0[:], x1[:], 5)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[96:]), x0[:], x1[:], 6)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[112:]), x0[:], x1[:], 7)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[128:]), x0[:], x1[:], 8)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[144:]), x0[:], x1[:], 9)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[160:]), x0[:], x1[:], 10)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[176:]), x0[:], x1[:], 11)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[192:]), x0[:], x1[:], 12)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[208:]), x0[:], x1[:], 13)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[224:]), x0[:], x1[:], 14)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[240:]), x0[:], x1[:], 15)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[256:]), x0[:], x1[:], 16)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[272:]), x0[:], x1[:], 17)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[288:]), x0[:], x1[:], 18)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[304:]), x0[:], x1[:], 19)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[320:]), x0[:], x1[:], 20)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[336:]), x0[:], x1[:], 21)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[352:]), x0[:], x1[:], 22)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[368:]), x0[:], x1[:], 23)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[384:]), x0[:], x1[:], 24)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[400:]), x0[:], x1[:], 25)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[416:]), x0[:], x1[:], 26)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[432:]), x0[:], x1[:], 27)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[448:]), x0[:], x1[:], 28)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[464:]), x0[:], x1[:], 29)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[480:]), x0[:], x1[:], 30)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[496:]), x0[:], x1[:], 31)
		a0, a1, wp = a0[pwUnroll:], a1[pwUnroll:], wp[pwUnroll*pwNR:]
	}
	if len(wp) >= 16*pwNR {
		x0, x1 := (*[16]float32)(a0), (*[16]float32)(a1)
		w := (*[16 * pwNR]float32)(wp)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[0:]), x0[:], x1[:], 0)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[16:]), x0[:], x1[:], 1)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[32:]), x0[:], x1[:], 2)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[48:]), x0[:], x1[:], 3)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[64:]), x0[:], x1[:], 4)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[80:]), x0[:], x1[:], 5)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[96:]), x0[:], x1[:], 6)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[112:]), x0[:], x1[:], 7)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[128:]), x0[:], x1[:], 8)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[144:]), x0[:], x1[:], 9)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[160:]), x0[:], x1[:], 10)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[176:]), x0[:], x1[:], 11)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[192:]), x0[:], x1[:], 12)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[208:]), x0[:], x1[:], 13)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[224:]), x0[:], x1[:], 14)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[240:]), x0[:], x1[:], 15)
		a0, a1, wp = a0[16:], a1[16:], wp[16*pwNR:]
	}
	if len(wp) >= 8*pwNR {
		x0, x1 := (*[8]float32)(a0), (*[8]float32)(a1)
		w := (*[8 * pwNR]float32)(wp)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[0:]), x0[:], x1[:], 0)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[16:]), x0[:], x1[:], 1)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[32:]), x0[:], x1[:], 2)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[48:]), x0[:], x1[:], 3)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[64:]), x0[:], x1[:], 4)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[80:]), x0[:], x1[:], 5)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[96:]), x0[:], x1[:], 6)
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13, (*[pwNR]float32)(w[112:]), x0[:], x1[:], 7)
		a0, a1, wp = a0[8:], a1[8:], wp[8*pwNR:]
	}
	for k := 0; len(wp) >= pwNR; k++ {
		c00, c01, c02, c03, c10, c11, c12, c13 = pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13,
			(*[pwNR]float32)(wp), a0, a1, k)
		wp = wp[pwNR:]
	}
	store8F32x4((*[8]float32)(d0[0:8]), (*[8]float32)(d0[8:16]), (*[8]float32)(d1[0:8]), (*[8]float32)(d1[8:16]),
		c00, c01, c02, c03, c10, c11, c12, c13, relu)
}

// pwStep2x4 adds one k step, x_i * w[0:16], to the 2x4 accumulator tile. The inputs
// are loaded here, not at the call site: Go's scheduler orders values by source
// position, so call-site loads of all unrolled steps would be hoisted to the loop top
// and spilled by V8; loaded here they stay next to their use.
func pwStep2x4(c00, c01, c02, c03, c10, c11, c12, c13 archsimd.Float32x4, w *[pwNR]float32, x0, x1 []float32, i int) (_, _, _, _, _, _, _, _ archsimd.Float32x4) {
	w0 := archsimd.LoadFloat32x4Array((*[4]float32)(w[0:4]))
	w1 := archsimd.LoadFloat32x4Array((*[4]float32)(w[4:8]))
	w2 := archsimd.LoadFloat32x4Array((*[4]float32)(w[8:12]))
	w3 := archsimd.LoadFloat32x4Array((*[4]float32)(w[12:16]))
	x := archsimd.BroadcastFloat32x4(x0[i])
	c00, c01, c02, c03 = c00.Add(x.Mul(w0)), c01.Add(x.Mul(w1)), c02.Add(x.Mul(w2)), c03.Add(x.Mul(w3))
	x = archsimd.BroadcastFloat32x4(x1[i])
	c10, c11, c12, c13 = c10.Add(x.Mul(w0)), c11.Add(x.Mul(w1)), c12.Add(x.Mul(w2)), c13.Add(x.Mul(w3))
	return c00, c01, c02, c03, c10, c11, c12, c13
}

// store8F32x4 stores 8 accumulators, two per destination (v0 v1 to d0, v2 v3 to d1,
// ...), clamped to [0, 6] if relu.
func store8F32x4(d0, d1, d2, d3 *[8]float32, v0, v1, v2, v3, v4, v5, v6, v7 archsimd.Float32x4, relu bool) {
	if relu {
		zero, six := archsimd.BroadcastFloat32x4(0), archsimd.BroadcastFloat32x4(6)
		v0, v1 = v0.Max(zero).Min(six), v1.Max(zero).Min(six)
		v2, v3 = v2.Max(zero).Min(six), v3.Max(zero).Min(six)
		v4, v5 = v4.Max(zero).Min(six), v5.Max(zero).Min(six)
		v6, v7 = v6.Max(zero).Min(six), v7.Max(zero).Min(six)
	}
	v0.StoreArray((*[4]float32)(d0[0:4]))
	v1.StoreArray((*[4]float32)(d0[4:8]))
	v2.StoreArray((*[4]float32)(d1[0:4]))
	v3.StoreArray((*[4]float32)(d1[4:8]))
	v4.StoreArray((*[4]float32)(d2[0:4]))
	v5.StoreArray((*[4]float32)(d2[4:8]))
	v6.StoreArray((*[4]float32)(d3[0:4]))
	v7.StoreArray((*[4]float32)(d3[4:8]))
}

// pointwiseEmptyK handles degenerate calls (K = 0: out = act(bias); no rows).
func pointwiseEmptyK(out Out, w *PWWeights, width, y0, y1 int) {
	for y := y0; y < y1; y++ {
		for x := 0; x < width; x++ {
			dst := out.Buf[out.Off+y*out.RowStride+x*w.N:][:w.N]
			copy(dst, w.Bias)
			if w.ReLU6 {
				for n := range dst {
					dst[n] = relu6(dst[n])
				}
			}
		}
	}
}
