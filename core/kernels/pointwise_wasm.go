//go:build goexperiment.simd && wasm

package kernels

import "simd/archsimd"

// Pointwise on wasm: a 4 pixels x 8 output channels register tile (8 Float32x4
// accumulators). Weights are packed once (packPWF32x4) into panels of 8 output
// channels, [K][8] each, so the inner loop reads one contiguous 32-byte row per k.
// Wasm SIMD has 16 vector registers in V8; 8 accumulators + 2 weight vectors + a
// broadcast + a product fit, 16 accumulators spill.

const (
	pwNR = 8 // output channels per panel (two Float32x4)
	pwMR = 4 // pixels per register tile
	// pwUnroll is the inner loop's unrolling over K.
	pwUnroll = 8
	// pwBlockFloats bounds the input rows one panel sweep reads (K floats per pixel),
	// so they stay in L2 while every panel of the weights passes over them.
	pwBlockFloats = 32 << 10
)

// packPWF32x4 lays w.W out as Packed = [bias padded to P*8] ++ P panels of [K][8],
// P = ceil(N/8), zero-padded past N so tail panels need no special inner loop.
func packPWF32x4(w *PWWeights) {
	np := (w.N + pwNR - 1) / pwNR
	p := make([]float32, np*pwNR+np*w.K*pwNR)
	copy(p, w.Bias)
	panels := p[np*pwNR:]
	for j := 0; j < np; j++ {
		n0, n1 := j*pwNR, min(j*pwNR+pwNR, w.N)
		panel := panels[j*w.K*pwNR:][:w.K*pwNR]
		for k := 0; k < w.K; k++ {
			copy(panel[k*pwNR:][:pwNR], w.W[k*w.N+n0:k*w.N+n1])
		}
	}
	w.Packed = p
}

// pointwiseF32x4Tile4x2 implements PointwiseGeneric:
//
//	for each pixel p in rows [y0, y1), each n < N:
//		out(p, n) = act(bias[n] + sum over k < K of src[p*K+k] * W[k*N+n])
//
// Pixels are taken 4 at a time across row boundaries (src is dense); a short last
// tile repeats its last pixel, which only rewrites the same values.
func pointwiseF32x4Tile4x2(out Out, src []float32, w *PWWeights, width, y0, y1 int) {
	K, N := w.K, w.N
	if K == 0 || y0 >= y1 {
		pointwiseEmptyK(out, w, width, y0, y1)
		return
	}
	np := (N + pwNR - 1) / pwNR
	bias, panels := w.Packed[:np*pwNR], w.Packed[np*pwNR:]
	m0, m1 := y0*width, y1*width
	src = src[:m1*K]
	mc := max(pwMR, pwBlockFloats/K/pwMR*pwMR)
	for b0 := m0; b0 < m1; b0 += mc {
		b1 := min(b0+mc, m1)
		for j := 0; j < np; j++ {
			panel := panels[j*K*pwNR:][:K*pwNR]
			bj := (*[pwNR]float32)(bias[j*pwNR:])
			nv := min(pwNR, N-j*pwNR)
			for p := b0; p < b1; p += pwMR {
				p1, p2, p3 := min(p+1, b1-1), min(p+2, b1-1), min(p+3, b1-1)
				q := [pwMR]int{p, p1, p2, p3}
				var d [pwMR]*[pwNR]float32
				var t [pwMR][pwNR]float32 // tail panel: stores land here first
				for i := range d {
					d[i] = &t[i]
					if nv == pwNR {
						d[i] = (*[pwNR]float32)(out.Buf[out.Off+q[i]/width*out.RowStride+q[i]%width*N+j*pwNR:])
					}
				}
				pwTile4x2(d[0], d[1], d[2], d[3], src[p*K:][:K], src[p1*K:][:K], src[p2*K:][:K], src[p3*K:][:K], panel, bj, w.ReLU6)
				if nv < pwNR {
					for i := range q {
						copy(out.Buf[out.Off+q[i]/width*out.RowStride+q[i]%width*N+j*pwNR:][:nv], t[i][:nv])
					}
				}
			}
		}
	}
}

// pwTile4x2 computes d_i[0:8] = act(bias + sum over k of a_i[k] * panel[k][0:8]).
func pwTile4x2(d0, d1, d2, d3 *[pwNR]float32, a0, a1, a2, a3, panel []float32, bias *[pwNR]float32, relu bool) {
	b0 := archsimd.LoadFloat32x4Array((*[4]float32)(bias[0:4]))
	b1 := archsimd.LoadFloat32x4Array((*[4]float32)(bias[4:8]))
	c00, c01, c10, c11, c20, c21, c30, c31 := b0, b1, b0, b1, b0, b1, b0, b1
	a1, a2, a3 = a1[:len(a0)], a2[:len(a0)], a3[:len(a0)]
	wp := panel
	k := 0
	// Unrolled by pwUnroll: Go's wasm backend dispatches every back edge through a
	// br_table at the function's top, where V8 spills and reloads live registers, so
	// each iteration must carry as much arithmetic as possible.
	for ; k+pwUnroll <= len(a0) && len(wp) >= pwUnroll*pwNR; k += pwUnroll {
		x0, x1, x2, x3 := (*[pwUnroll]float32)(a0[k:]), (*[pwUnroll]float32)(a1[k:]), (*[pwUnroll]float32)(a2[k:]), (*[pwUnroll]float32)(a3[k:])
		w := (*[pwUnroll * pwNR]float32)(wp)
		wp = wp[pwUnroll*pwNR:]
		// Go does not unroll loops; these are pwUnroll = 8 inlined steps.
		c00, c01, c10, c11, c20, c21, c30, c31 = pwStep4x2(c00, c01, c10, c11, c20, c21, c30, c31, (*[pwNR]float32)(w[0:]), x0[0], x1[0], x2[0], x3[0])
		c00, c01, c10, c11, c20, c21, c30, c31 = pwStep4x2(c00, c01, c10, c11, c20, c21, c30, c31, (*[pwNR]float32)(w[8:]), x0[1], x1[1], x2[1], x3[1])
		c00, c01, c10, c11, c20, c21, c30, c31 = pwStep4x2(c00, c01, c10, c11, c20, c21, c30, c31, (*[pwNR]float32)(w[16:]), x0[2], x1[2], x2[2], x3[2])
		c00, c01, c10, c11, c20, c21, c30, c31 = pwStep4x2(c00, c01, c10, c11, c20, c21, c30, c31, (*[pwNR]float32)(w[24:]), x0[3], x1[3], x2[3], x3[3])
		c00, c01, c10, c11, c20, c21, c30, c31 = pwStep4x2(c00, c01, c10, c11, c20, c21, c30, c31, (*[pwNR]float32)(w[32:]), x0[4], x1[4], x2[4], x3[4])
		c00, c01, c10, c11, c20, c21, c30, c31 = pwStep4x2(c00, c01, c10, c11, c20, c21, c30, c31, (*[pwNR]float32)(w[40:]), x0[5], x1[5], x2[5], x3[5])
		c00, c01, c10, c11, c20, c21, c30, c31 = pwStep4x2(c00, c01, c10, c11, c20, c21, c30, c31, (*[pwNR]float32)(w[48:]), x0[6], x1[6], x2[6], x3[6])
		c00, c01, c10, c11, c20, c21, c30, c31 = pwStep4x2(c00, c01, c10, c11, c20, c21, c30, c31, (*[pwNR]float32)(w[56:]), x0[7], x1[7], x2[7], x3[7])
	}
	for ; k < len(a0) && len(wp) >= pwNR; k++ {
		c00, c01, c10, c11, c20, c21, c30, c31 = pwStep4x2(c00, c01, c10, c11, c20, c21, c30, c31,
			(*[pwNR]float32)(wp), a0[k], a1[k], a2[k], a3[k])
		wp = wp[pwNR:]
	}
	storeTile4x2(d0, d1, d2, d3, c00, c01, c10, c11, c20, c21, c30, c31, relu)
}

// storeTile4x2 stores a 4x2 accumulator tile, row i to d_i, clamped to [0, 6] if relu.
func storeTile4x2(d0, d1, d2, d3 *[pwNR]float32, c00, c01, c10, c11, c20, c21, c30, c31 archsimd.Float32x4, relu bool) {
	if relu {
		zero, six := archsimd.BroadcastFloat32x4(0), archsimd.BroadcastFloat32x4(6)
		c00, c01 = c00.Max(zero).Min(six), c01.Max(zero).Min(six)
		c10, c11 = c10.Max(zero).Min(six), c11.Max(zero).Min(six)
		c20, c21 = c20.Max(zero).Min(six), c21.Max(zero).Min(six)
		c30, c31 = c30.Max(zero).Min(six), c31.Max(zero).Min(six)
	}
	c00.StoreArray((*[4]float32)(d0[0:4]))
	c01.StoreArray((*[4]float32)(d0[4:8]))
	c10.StoreArray((*[4]float32)(d1[0:4]))
	c11.StoreArray((*[4]float32)(d1[4:8]))
	c20.StoreArray((*[4]float32)(d2[0:4]))
	c21.StoreArray((*[4]float32)(d2[4:8]))
	c30.StoreArray((*[4]float32)(d3[0:4]))
	c31.StoreArray((*[4]float32)(d3[4:8]))
}

// pwStep4x2 adds one k step, x_i * w[0:8], to the 4x2 accumulator tile.
func pwStep4x2(c00, c01, c10, c11, c20, c21, c30, c31 archsimd.Float32x4, w *[pwNR]float32, x0, x1, x2, x3 float32) (_, _, _, _, _, _, _, _ archsimd.Float32x4) {
	w0 := archsimd.LoadFloat32x4Array((*[4]float32)(w[0:4]))
	w1 := archsimd.LoadFloat32x4Array((*[4]float32)(w[4:8]))
	x := archsimd.BroadcastFloat32x4(x0)
	c00, c01 = c00.Add(x.Mul(w0)), c01.Add(x.Mul(w1))
	x = archsimd.BroadcastFloat32x4(x1)
	c10, c11 = c10.Add(x.Mul(w0)), c11.Add(x.Mul(w1))
	x = archsimd.BroadcastFloat32x4(x2)
	c20, c21 = c20.Add(x.Mul(w0)), c21.Add(x.Mul(w1))
	x = archsimd.BroadcastFloat32x4(x3)
	c30, c31 = c30.Add(x.Mul(w0)), c31.Add(x.Mul(w1))
	return c00, c01, c10, c11, c20, c21, c30, c31
}

// pointwiseEmptyK handles the degenerate K = 0 layer: out = act(bias).
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
