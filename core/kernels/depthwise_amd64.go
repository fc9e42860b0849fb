//go:build goexperiment.simd && amd64

package kernels

import "simd/archsimd"

// Depthwise 3x3 on amd64, vectorised over channels. Weights are packed once into
// chunks of one vector of channels: [9 taps + bias][lanes], zero-padded past C, so
// a chunk's 10 vectors load once per output row and stay in registers while the
// row's pixels stream through. A last partial chunk uses masked loads and stores.

// packDWChunks lays w.K and w.Bias out as ceil(C/lanes) chunks of [10][lanes]:
// rows 0..8 hold K[ky][kx][c0:c0+lanes] for tap ky*3+kx, row 9 the bias.
func packDWChunks(w *DWWeights, lanes int) {
	nc := (w.C + lanes - 1) / lanes
	p := make([]float32, nc*10*lanes)
	for j := 0; j < nc; j++ {
		c0, c1 := j*lanes, min(j*lanes+lanes, w.C)
		chunk := p[j*10*lanes:][:10*lanes]
		for t := 0; t < 9; t++ {
			copy(chunk[t*lanes:][:c1-c0], w.K[t*w.C+c0:t*w.C+c1])
		}
		copy(chunk[9*lanes:][:c1-c0], w.Bias[c0:c1])
	}
	w.Packed = p
}

func packDW16(w *DWWeights) { packDWChunks(w, 16) }
func packDW8(w *DWWeights)  { packDWChunks(w, 8) }

// loadF32x16 loads s[:n] (n <= 16) into a vector, zero past n.
func loadF32x16(s []float32, n int) archsimd.Float32x16 {
	if n == 16 {
		return archsimd.LoadFloat32x16(s[:16])
	}
	v, _ := archsimd.LoadFloat32x16Part(s[:n])
	return v
}

// depthwise3x3F32x16 implements Depthwise3x3Generic with AVX-512:
//
//	for y in [y0, y1), x < OutW, c < C:
//		out(y, x, c) = relu6(bias[c] + sum over ky, kx < 3 of
//		               src(y*s+ky+StartY, x*s+kx+StartX, c) * K[ky][kx][c])
//
// looping y, then 16-channel chunks, then x.
func depthwise3x3F32x16(out Out, src []float32, w *DWWeights, g Geom, y0, y1 int) {
	C, s := w.C, g.Stride
	sw := (g.InW + 2) * C
	zero, six := archsimd.BroadcastFloat32x16(0), archsimd.BroadcastFloat32x16(6)
	for y := y0; y < y1; y++ {
		// The three input rows of this output row, starting at the window's first column.
		rowOff := (y*s+g.StartY)*sw + g.StartX*C
		for c0 := 0; c0 < C; c0 += 16 {
			n := min(16, C-c0)
			k := w.Packed[c0*10:][:160]
			k00, k01, k02 := archsimd.LoadFloat32x16(k[0:16]), archsimd.LoadFloat32x16(k[16:32]), archsimd.LoadFloat32x16(k[32:48])
			k10, k11, k12 := archsimd.LoadFloat32x16(k[48:64]), archsimd.LoadFloat32x16(k[64:80]), archsimd.LoadFloat32x16(k[80:96])
			k20, k21, k22 := archsimd.LoadFloat32x16(k[96:112]), archsimd.LoadFloat32x16(k[112:128]), archsimd.LoadFloat32x16(k[128:144])
			bias := archsimd.LoadFloat32x16(k[144:160])
			r0 := src[rowOff+c0:]
			r1 := src[rowOff+sw+c0:]
			r2 := src[rowOff+2*sw+c0:]
			o := out.Buf[out.Off+y*out.RowStride+c0:]
			for x := 0; x < g.OutW; x++ {
				i := x * s * C
				acc := loadF32x16(r0[i:], n).MulAdd(k00, bias)
				acc = loadF32x16(r0[i+C:], n).MulAdd(k01, acc)
				acc = loadF32x16(r0[i+2*C:], n).MulAdd(k02, acc)
				acc = loadF32x16(r1[i:], n).MulAdd(k10, acc)
				acc = loadF32x16(r1[i+C:], n).MulAdd(k11, acc)
				acc = loadF32x16(r1[i+2*C:], n).MulAdd(k12, acc)
				acc = loadF32x16(r2[i:], n).MulAdd(k20, acc)
				acc = loadF32x16(r2[i+C:], n).MulAdd(k21, acc)
				acc = loadF32x16(r2[i+2*C:], n).MulAdd(k22, acc)
				acc = acc.Max(zero).Min(six)
				if n == 16 {
					acc.Store(o[x*C:][:16])
				} else {
					acc.StorePart(o[x*C:][:n])
				}
			}
		}
	}
}

// loadF32x8 loads s[:n] (n <= 8) into a vector, zero past n.
func loadF32x8(s []float32, n int) archsimd.Float32x8 {
	if n == 8 {
		return archsimd.LoadFloat32x8(s[:8])
	}
	v, _ := archsimd.LoadFloat32x8Part(s[:n])
	return v
}

// depthwise3x3F32x8 is depthwise3x3F32x16 (see there for the reference loop) with
// AVX2 + FMA vectors of 8 channels.
func depthwise3x3F32x8(out Out, src []float32, w *DWWeights, g Geom, y0, y1 int) {
	C, s := w.C, g.Stride
	sw := (g.InW + 2) * C
	zero, six := archsimd.BroadcastFloat32x8(0), archsimd.BroadcastFloat32x8(6)
	for y := y0; y < y1; y++ {
		rowOff := (y*s+g.StartY)*sw + g.StartX*C
		for c0 := 0; c0 < C; c0 += 8 {
			n := min(8, C-c0)
			k := w.Packed[c0*10:][:80]
			k00, k01, k02 := archsimd.LoadFloat32x8(k[0:8]), archsimd.LoadFloat32x8(k[8:16]), archsimd.LoadFloat32x8(k[16:24])
			k10, k11, k12 := archsimd.LoadFloat32x8(k[24:32]), archsimd.LoadFloat32x8(k[32:40]), archsimd.LoadFloat32x8(k[40:48])
			k20, k21, k22 := archsimd.LoadFloat32x8(k[48:56]), archsimd.LoadFloat32x8(k[56:64]), archsimd.LoadFloat32x8(k[64:72])
			bias := archsimd.LoadFloat32x8(k[72:80])
			r0 := src[rowOff+c0:]
			r1 := src[rowOff+sw+c0:]
			r2 := src[rowOff+2*sw+c0:]
			o := out.Buf[out.Off+y*out.RowStride+c0:]
			for x := 0; x < g.OutW; x++ {
				i := x * s * C
				acc := loadF32x8(r0[i:], n).MulAdd(k00, bias)
				acc = loadF32x8(r0[i+C:], n).MulAdd(k01, acc)
				acc = loadF32x8(r0[i+2*C:], n).MulAdd(k02, acc)
				acc = loadF32x8(r1[i:], n).MulAdd(k10, acc)
				acc = loadF32x8(r1[i+C:], n).MulAdd(k11, acc)
				acc = loadF32x8(r1[i+2*C:], n).MulAdd(k12, acc)
				acc = loadF32x8(r2[i:], n).MulAdd(k20, acc)
				acc = loadF32x8(r2[i+C:], n).MulAdd(k21, acc)
				acc = loadF32x8(r2[i+2*C:], n).MulAdd(k22, acc)
				acc = acc.Max(zero).Min(six)
				if n == 8 {
					acc.Store(o[x*C:][:8])
				} else {
					acc.StorePart(o[x*C:][:n])
				}
			}
		}
	}
}
