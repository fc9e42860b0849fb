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

// depthwise3x3F32x16 implements Depthwise3x3Generic with AVX-512:
//
//	for y in [y0, y1), x < OutW, c < C:
//		out(y, x, c) = relu6(bias[c] + sum over ky, kx < 3 of
//		               src(y*s+ky+StartY, x*s+kx+StartX, c) * K[ky][kx][c])
//
// looping y, then 16-channel chunks, then x; a last partial chunk goes through
// dwTailF32x16.
func depthwise3x3F32x16(out Out, src []float32, w *DWWeights, g Geom, y0, y1 int) {
	C, s := w.C, g.Stride
	sw := (g.InW + 2) * C
	full := C &^ 15
	for y := y0; y < y1; y++ {
		// The three input rows of this output row, from the window's first column.
		rowOff := (y*s+g.StartY)*sw + g.StartX*C
		o := out.Buf[out.Off+y*out.RowStride:]
		for c0 := 0; c0 < full; c0 += 16 {
			dwRowF32x16(o[c0:], src[rowOff+c0:], w.Packed[c0*10:][:160], C, sw, s*C, g.OutW)
		}
		if full < C {
			dwTailF32x16(o[full:], src[rowOff+full:], w.Packed[full*10:][:160], C, sw, s*C, g.OutW, C-full)
		}
	}
}

// dwRowF32x16 computes one output row of one full 16-channel chunk: pixel x reads
// the 3x3 window at in[ky*sw + x*step + kx*C:][:16] and writes o[x*C:][:16].
func dwRowF32x16(o, in, k []float32, C, sw, step, ow int) {
	k = k[:160]
	k00, k01, k02 := archsimd.LoadFloat32x16(k[0:16]), archsimd.LoadFloat32x16(k[16:32]), archsimd.LoadFloat32x16(k[32:48])
	k10, k11, k12 := archsimd.LoadFloat32x16(k[48:64]), archsimd.LoadFloat32x16(k[64:80]), archsimd.LoadFloat32x16(k[80:96])
	k20, k21, k22 := archsimd.LoadFloat32x16(k[96:112]), archsimd.LoadFloat32x16(k[112:128]), archsimd.LoadFloat32x16(k[128:144])
	bias := archsimd.LoadFloat32x16(k[144:160])
	zero, six := archsimd.BroadcastFloat32x16(0), archsimd.BroadcastFloat32x16(6)
	r0, r1, r2 := in, in[sw:], in[2*sw:]
	for x := 0; x < ow; x++ {
		i := x * step
		acc := archsimd.LoadFloat32x16(r0[i:][:16]).MulAdd(k00, bias)
		acc = archsimd.LoadFloat32x16(r0[i+C:][:16]).MulAdd(k01, acc)
		acc = archsimd.LoadFloat32x16(r0[i+2*C:][:16]).MulAdd(k02, acc)
		acc = archsimd.LoadFloat32x16(r1[i:][:16]).MulAdd(k10, acc)
		acc = archsimd.LoadFloat32x16(r1[i+C:][:16]).MulAdd(k11, acc)
		acc = archsimd.LoadFloat32x16(r1[i+2*C:][:16]).MulAdd(k12, acc)
		acc = archsimd.LoadFloat32x16(r2[i:][:16]).MulAdd(k20, acc)
		acc = archsimd.LoadFloat32x16(r2[i+C:][:16]).MulAdd(k21, acc)
		acc = archsimd.LoadFloat32x16(r2[i+2*C:][:16]).MulAdd(k22, acc)
		acc.Max(zero).Min(six).Store(o[x*C:][:16])
	}
}

// dwTailF32x16 is dwRowF32x16 for the last n < 16 channels, with masked loads and
// stores (reading past them could run off the end of the input).
func dwTailF32x16(o, in, k []float32, C, sw, step, ow, n int) {
	zero, six := archsimd.BroadcastFloat32x16(0), archsimd.BroadcastFloat32x16(6)
	r0, r1, r2 := in, in[sw:], in[2*sw:]
	for x := 0; x < ow; x++ {
		i := x * step
		acc := archsimd.LoadFloat32x16(k[144:160])
		for kx := 0; kx < 3; kx++ {
			a, _ := archsimd.LoadFloat32x16Part(r0[i+kx*C:][:n])
			acc = a.MulAdd(archsimd.LoadFloat32x16(k[kx*16:][:16]), acc)
			a, _ = archsimd.LoadFloat32x16Part(r1[i+kx*C:][:n])
			acc = a.MulAdd(archsimd.LoadFloat32x16(k[(3+kx)*16:][:16]), acc)
			a, _ = archsimd.LoadFloat32x16Part(r2[i+kx*C:][:n])
			acc = a.MulAdd(archsimd.LoadFloat32x16(k[(6+kx)*16:][:16]), acc)
		}
		acc.Max(zero).Min(six).StorePart(o[x*C:][:n])
	}
}

// depthwise3x3F32x8 is depthwise3x3F32x16 (see there for the reference loop) with
// AVX2 + FMA vectors of 8 channels.
func depthwise3x3F32x8(out Out, src []float32, w *DWWeights, g Geom, y0, y1 int) {
	C, s := w.C, g.Stride
	sw := (g.InW + 2) * C
	full := C &^ 7
	for y := y0; y < y1; y++ {
		rowOff := (y*s+g.StartY)*sw + g.StartX*C
		o := out.Buf[out.Off+y*out.RowStride:]
		for c0 := 0; c0 < full; c0 += 8 {
			dwRowF32x8(o[c0:], src[rowOff+c0:], w.Packed[c0*10:][:80], C, sw, s*C, g.OutW)
		}
		if full < C {
			dwTailF32x8(o[full:], src[rowOff+full:], w.Packed[full*10:][:80], C, sw, s*C, g.OutW, C-full)
		}
	}
}

// dwRowF32x8 is dwRowF32x16 with 8 channels.
func dwRowF32x8(o, in, k []float32, C, sw, step, ow int) {
	k = k[:80]
	k00, k01, k02 := archsimd.LoadFloat32x8(k[0:8]), archsimd.LoadFloat32x8(k[8:16]), archsimd.LoadFloat32x8(k[16:24])
	k10, k11, k12 := archsimd.LoadFloat32x8(k[24:32]), archsimd.LoadFloat32x8(k[32:40]), archsimd.LoadFloat32x8(k[40:48])
	k20, k21, k22 := archsimd.LoadFloat32x8(k[48:56]), archsimd.LoadFloat32x8(k[56:64]), archsimd.LoadFloat32x8(k[64:72])
	bias := archsimd.LoadFloat32x8(k[72:80])
	zero, six := archsimd.BroadcastFloat32x8(0), archsimd.BroadcastFloat32x8(6)
	r0, r1, r2 := in, in[sw:], in[2*sw:]
	for x := 0; x < ow; x++ {
		i := x * step
		acc := archsimd.LoadFloat32x8(r0[i:][:8]).MulAdd(k00, bias)
		acc = archsimd.LoadFloat32x8(r0[i+C:][:8]).MulAdd(k01, acc)
		acc = archsimd.LoadFloat32x8(r0[i+2*C:][:8]).MulAdd(k02, acc)
		acc = archsimd.LoadFloat32x8(r1[i:][:8]).MulAdd(k10, acc)
		acc = archsimd.LoadFloat32x8(r1[i+C:][:8]).MulAdd(k11, acc)
		acc = archsimd.LoadFloat32x8(r1[i+2*C:][:8]).MulAdd(k12, acc)
		acc = archsimd.LoadFloat32x8(r2[i:][:8]).MulAdd(k20, acc)
		acc = archsimd.LoadFloat32x8(r2[i+C:][:8]).MulAdd(k21, acc)
		acc = archsimd.LoadFloat32x8(r2[i+2*C:][:8]).MulAdd(k22, acc)
		acc.Max(zero).Min(six).Store(o[x*C:][:8])
	}
}

// dwTailF32x8 is dwTailF32x16 with 8 channels.
func dwTailF32x8(o, in, k []float32, C, sw, step, ow, n int) {
	zero, six := archsimd.BroadcastFloat32x8(0), archsimd.BroadcastFloat32x8(6)
	r0, r1, r2 := in, in[sw:], in[2*sw:]
	for x := 0; x < ow; x++ {
		i := x * step
		acc := archsimd.LoadFloat32x8(k[72:80])
		for kx := 0; kx < 3; kx++ {
			a, _ := archsimd.LoadFloat32x8Part(r0[i+kx*C:][:n])
			acc = a.MulAdd(archsimd.LoadFloat32x8(k[kx*8:][:8]), acc)
			a, _ = archsimd.LoadFloat32x8Part(r1[i+kx*C:][:n])
			acc = a.MulAdd(archsimd.LoadFloat32x8(k[(3+kx)*8:][:8]), acc)
			a, _ = archsimd.LoadFloat32x8Part(r2[i+kx*C:][:n])
			acc = a.MulAdd(archsimd.LoadFloat32x8(k[(6+kx)*8:][:8]), acc)
		}
		acc.Max(zero).Min(six).StorePart(o[x*C:][:n])
	}
}
