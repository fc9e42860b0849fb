//go:build goexperiment.simd && wasm

package kernels

import "simd/archsimd"

// Depthwise 3x3 on wasm: vectorised over 4 channels. For one output row and one
// block of 4 channels, the 9 kernel vectors and the bias stay in registers while the
// row is swept 2 pixels per iteration.

const dwBlock = 4 + 9*4 // packed floats per channel block: bias[4], then K[tap][4]

// packDWF32x4 lays out each full block of 4 channels as [bias[4], K[0][4], ..., K[8][4]]
// so a block's constants are one contiguous run. Channels past the last full block
// (C % 4) are read from K and Bias by the scalar tail.
func packDWF32x4(w *DWWeights) {
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

// depthwiseF32x4Row2 implements Depthwise3x3Generic:
//
//	out(y, x, c) = relu6(bias[c] + sum over ky, kx of
//	               src(y*s+ky+StartY, x*s+kx+StartX, c) * K[ky][kx][c])
//
// with channels in blocks of 4 (one Float32x4) and output pixels 2 at a time.
func depthwiseF32x4Row2(out Out, src []float32, w *DWWeights, g Geom, y0, y1 int) {
	C, s := w.C, g.Stride
	sw := (g.InW + 2) * C // bordered row stride
	nb := C / 4
	zero, six := archsimd.BroadcastFloat32x4(0), archsimd.BroadcastFloat32x4(6)
	// Floats read from a row, from the first tap of a block: 2 pixels plus one vector
	// for one output, s more pixels for two.
	win1, win2 := 2*C+4, (2+s)*C+4
	for y := y0; y < y1; y++ {
		r0 := src[(y*s+g.StartY)*sw+g.StartX*C:]
		r1 := src[(y*s+g.StartY+1)*sw+g.StartX*C:]
		r2 := src[(y*s+g.StartY+2)*sw+g.StartX*C:]
		dst := out.Buf[out.Off+y*out.RowStride:][:g.OutW*C]
		for b := 0; b < nb; b++ {
			blk := (*[dwBlock]float32)(w.Packed[b*dwBlock:])
			bias := archsimd.LoadFloat32x4Array((*[4]float32)(blk[0:4]))
			k0 := archsimd.LoadFloat32x4Array((*[4]float32)(blk[4:8]))
			k1 := archsimd.LoadFloat32x4Array((*[4]float32)(blk[8:12]))
			k2 := archsimd.LoadFloat32x4Array((*[4]float32)(blk[12:16]))
			k3 := archsimd.LoadFloat32x4Array((*[4]float32)(blk[16:20]))
			k4 := archsimd.LoadFloat32x4Array((*[4]float32)(blk[20:24]))
			k5 := archsimd.LoadFloat32x4Array((*[4]float32)(blk[24:28]))
			k6 := archsimd.LoadFloat32x4Array((*[4]float32)(blk[28:32]))
			k7 := archsimd.LoadFloat32x4Array((*[4]float32)(blk[32:36]))
			k8 := archsimd.LoadFloat32x4Array((*[4]float32)(blk[36:40]))
			c := b * 4
			x := 0
			for ; x+2 <= g.OutW; x += 2 {
				o := x*s*C + c
				p0, p1, p2 := r0[o:][:win2], r1[o:][:win2], r2[o:][:win2]
				a := bias.Add(dwLoad(p0, 0).Mul(k0)).Add(dwLoad(p0, C).Mul(k1)).Add(dwLoad(p0, 2*C).Mul(k2))
				a = a.Add(dwLoad(p1, 0).Mul(k3)).Add(dwLoad(p1, C).Mul(k4)).Add(dwLoad(p1, 2*C).Mul(k5))
				a = a.Add(dwLoad(p2, 0).Mul(k6)).Add(dwLoad(p2, C).Mul(k7)).Add(dwLoad(p2, 2*C).Mul(k8))
				q := s * C // the second output's window starts s pixels later
				e := bias.Add(dwLoad(p0, q).Mul(k0)).Add(dwLoad(p0, q+C).Mul(k1)).Add(dwLoad(p0, q+2*C).Mul(k2))
				e = e.Add(dwLoad(p1, q).Mul(k3)).Add(dwLoad(p1, q+C).Mul(k4)).Add(dwLoad(p1, q+2*C).Mul(k5))
				e = e.Add(dwLoad(p2, q).Mul(k6)).Add(dwLoad(p2, q+C).Mul(k7)).Add(dwLoad(p2, q+2*C).Mul(k8))
				d := dst[x*C+c:][:C+4]
				a.Max(zero).Min(six).StoreArray((*[4]float32)(d[0:4]))
				e.Max(zero).Min(six).StoreArray((*[4]float32)(d[C:]))
			}
			if x < g.OutW {
				o := x*s*C + c
				p0, p1, p2 := r0[o:][:win1], r1[o:][:win1], r2[o:][:win1]
				a := bias.Add(dwLoad(p0, 0).Mul(k0)).Add(dwLoad(p0, C).Mul(k1)).Add(dwLoad(p0, 2*C).Mul(k2))
				a = a.Add(dwLoad(p1, 0).Mul(k3)).Add(dwLoad(p1, C).Mul(k4)).Add(dwLoad(p1, 2*C).Mul(k5))
				a = a.Add(dwLoad(p2, 0).Mul(k6)).Add(dwLoad(p2, C).Mul(k7)).Add(dwLoad(p2, 2*C).Mul(k8))
				a.Max(zero).Min(six).StoreArray((*[4]float32)(dst[x*C+c:]))
			}
		}
		if nb*4 < C {
			dwTailChannels(dst, r0, r1, r2, w, g, nb*4)
		}
	}
}

func dwLoad(p []float32, i int) archsimd.Float32x4 {
	return archsimd.LoadFloat32x4Array((*[4]float32)(p[i:]))
}

// dwTailChannels computes channels [c0, C) of one output row in scalar code (the
// reference loop), for C not a multiple of 4.
func dwTailChannels(dst, r0, r1, r2 []float32, w *DWWeights, g Geom, c0 int) {
	C, s := w.C, g.Stride
	rows := [3][]float32{r0, r1, r2}
	for x := 0; x < g.OutW; x++ {
		for c := c0; c < C; c++ {
			acc := w.Bias[c]
			for ky, r := range rows {
				for kx := 0; kx < 3; kx++ {
					acc += r[(x*s+kx)*C+c] * w.K[(ky*3+kx)*C+c]
				}
			}
			dst[x*C+c] = relu6(acc)
		}
	}
}
