//go:build goexperiment.simd && wasm

package kernels

import (
	"math"
	"simd/archsimd"
)

// Pointwise on wasm: a 2 pixels x 16 output channels register tile (8 Float32x4
// accumulators). Weights are packed once (packPWWasm) into panels of 16 output
// channels, [K][16] each, so the inner loop reads one contiguous 64-byte row per k.
// Measured in Chromium against 4x2 (4 pixels x 8 channels) and 6x2 tiles, 2x4 was the
// fastest: it needs 2 scalar broadcasts per k instead of 4, and 8 accumulators leave
// V8 enough of its 16 xmm registers (12 accumulators spill).

const (
	pwNR = 16 // output channels per panel (four Float32x4)
	pwMR = 2  // pixels per register tile
	// pwBlockFloats bounds the input rows one panel sweep reads (K floats per pixel),
	// so they stay in L2 while every panel of the weights passes over them.
	pwBlockFloats = 32 << 10
)

// packPWWasm lays w.W out as Packed = [bias padded to P*16] ++ P panels of [K][16],
// P = ceil(N/16), zero-padded past N so tail panels need no special inner loop.
func packPWWasm(w *PWWeights) {
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

// pwTileFunc computes one register tile: d_i[0:16] = clamp(bias + sum over k of
// a_i[k] * panel[k][0:16], lo, hi) for the pixels a0, a1 (K floats each).
type pwTileFunc func(d0, d1 *[pwNR]float32, a0, a1, panel []float32, bias *[pwNR]float32, lo, hi float32)

// pwTileFor picks the tile unrolled for K (tiles_wasm.go, generated).
func pwTileFor(K int) pwTileFunc {
	switch {
	case K == 8:
		return pwTile2x4K8
	case K == 16:
		return pwTile2x4K16
	case K == 24:
		return pwTile2x4K24
	case K == 32:
		return pwTile2x4K32
	case K%32 == 0:
		return pwTile2x4By32
	}
	return pwTile2x4
}

// pointwiseWasmTile2x4 implements PointwiseGeneric:
//
//	for each pixel p in rows [y0, y1), each n < N:
//		out(p, n) = act(bias[n] + sum over k < K of src[p*K+k] * W[k*N+n])
//
// It sweeps blocks of pixels (pwBlockFloats of input, kept in cache) with every
// 16-channel panel in turn, 2 pixels of a row per tile; odd rows' last pixels are
// paired with each other. Jumps cost ~50 instructions on wasm (see gen_tiles.go),
// so the tile loop is one jump per tile and the branches are per row.
func pointwiseWasmTile2x4(out Out, src []float32, w *PWWeights, width, y0, y1 int) {
	K, N := w.K, w.N
	if K == 0 || y0 >= y1 || width <= 0 {
		pointwiseEmptyK(out, w, width, y0, y1)
		return
	}
	lo, hi := float32(math.Inf(-1)), float32(math.Inf(1))
	if w.ReLU6 {
		lo, hi = 0, 6
	}
	tile := pwTileFor(K)
	np := (N + pwNR - 1) / pwNR
	bias, panels := w.Packed[:np*pwNR], w.Packed[np*pwNR:]
	m0, m1 := y0*width, y1*width
	src = src[:m1*K]
	mc := max(pwMR, pwBlockFloats/K/pwMR*pwMR)
	var t [pwMR][pwNR]float32 // a tail panel's results land here first
	var pendA []float32
	for b0 := m0; b0 < m1; b0 += mc {
		b1 := min(b0+mc, m1)
		for j := 0; j < np; j++ {
			panel := panels[j*K*pwNR:][:K*pwNR]
			bj := (*[pwNR]float32)(bias[j*pwNR:])
			nv := min(pwNR, N-j*pwNR)
			pend := -1 // a row's odd last pixel, waiting for the next row's
			for p := b0; p < b1; {
				y, x := p/width, p%width
				n := min(b1, (y+1)*width) - p // pixels left in this row
				o := out.Off + y*out.RowStride + x*N + j*pwNR
				a := src[p*K : (p+n)*K]
				if nv < pwNR {
					for i := 0; i < n; i += 2 {
						i1 := min(i+1, n-1)
						// Called directly, not through tile, so t stays on the stack.
						pwTile2x4(&t[0], &t[1], a[i*K:][:K], a[i1*K:][:K], panel, bj, lo, hi)
						copy(out.Buf[o+i*N:][:nv], t[0][:nv])
						copy(out.Buf[o+i1*N:][:nv], t[1][:nv])
					}
					p += n
					continue
				}
				d := out.Buf[o : o+(n-1)*N+pwNR]
				i := 0
				for ; i+1 < n; i += 2 {
					tile((*[pwNR]float32)(d[i*N:]), (*[pwNR]float32)(d[(i+1)*N:]),
						a[i*K:][:K], a[(i+1)*K:][:K], panel, bj, lo, hi)
				}
				if i < n { // odd rows (width 7): pair the last pixels of two rows
					if pend < 0 {
						pend = o + i*N
						pendA = a[i*K:][:K]
					} else {
						tile((*[pwNR]float32)(out.Buf[pend:]), (*[pwNR]float32)(d[i*N:]),
							pendA, a[i*K:][:K], panel, bj, lo, hi)
						pend = -1
					}
				}
				p += n
			}
			if pend >= 0 { // the block's last odd pixel, twice: both stores write the same
				dp := (*[pwNR]float32)(out.Buf[pend:])
				tile(dp, dp, pendA, pendA, panel, bj, lo, hi)
			}
		}
	}
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

// storeClamp8F32x4 stores 8 accumulators, two per destination (v0 v1 to d0, v2 v3
// to d1, ...), clamped to [lo, hi] without a branch (relu6: 0, 6; no activation:
// -Inf, +Inf).
func storeClamp8F32x4(d0, d1, d2, d3 *[8]float32, v0, v1, v2, v3, v4, v5, v6, v7 archsimd.Float32x4, lo, hi float32) {
	l, h := archsimd.BroadcastFloat32x4(lo), archsimd.BroadcastFloat32x4(hi)
	v0.Max(l).Min(h).StoreArray((*[4]float32)(d0[0:4]))
	v1.Max(l).Min(h).StoreArray((*[4]float32)(d0[4:8]))
	v2.Max(l).Min(h).StoreArray((*[4]float32)(d1[0:4]))
	v3.Max(l).Min(h).StoreArray((*[4]float32)(d1[4:8]))
	v4.Max(l).Min(h).StoreArray((*[4]float32)(d2[0:4]))
	v5.Max(l).Min(h).StoreArray((*[4]float32)(d2[4:8]))
	v6.Max(l).Min(h).StoreArray((*[4]float32)(d3[0:4]))
	v7.Max(l).Min(h).StoreArray((*[4]float32)(d3[4:8]))
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
