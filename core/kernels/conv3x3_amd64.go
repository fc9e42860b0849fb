//go:build goexperiment.simd && amd64

package kernels

import "simd/archsimd"

// The first layer's full 3x3 conv on amd64, vectorised over output channels: each
// of a window's 27 input values (3 rows x 3 pixels x 3 channels, contiguous per row
// in the NHWC input) is broadcast and multiplied into one vector of output channels.
// Weights are packed once into chunks of one vector of output channels:
// [27 taps + bias][lanes], zero-padded past OutC.

// packConvChunks lays w.K and w.Bias out as ceil(OutC/lanes) chunks of
// [9*InC+1][lanes]: row t = (ky*3+kx)*InC+i holds K[ky][kx][i][o0:o0+lanes], the
// last row the bias.
func packConvChunks(w *ConvWeights, lanes int) {
	taps := 9 * w.InC
	nc := (w.OutC + lanes - 1) / lanes
	p := make([]float32, nc*(taps+1)*lanes)
	for j := 0; j < nc; j++ {
		o0, o1 := j*lanes, min(j*lanes+lanes, w.OutC)
		chunk := p[j*(taps+1)*lanes:][:(taps+1)*lanes]
		for t := 0; t < taps; t++ {
			copy(chunk[t*lanes:][:o1-o0], w.K[t*w.OutC+o0:t*w.OutC+o1])
		}
		copy(chunk[taps*lanes:][:o1-o0], w.Bias[o0:o1])
	}
	w.Packed = p
}

func packConv16(w *ConvWeights) { packConvChunks(w, 16) }
func packConv8(w *ConvWeights)  { packConvChunks(w, 8) }

// conv3x3F32x16 implements Conv3x3Generic with AVX-512:
//
//	for y in [y0, y1), x < OutW, o < OutC:
//		out(y, x, o) = relu6(bias[o] + sum over ky, kx < 3, i < InC of
//		               src(y*s+ky+StartY, x*s+kx+StartX, i) * K[ky][kx][i][o])
//
// looping y, x, then 16-channel chunks of o. Any InC works (MobileNet has 3).
func conv3x3F32x16(out Out, src []float32, w *ConvWeights, g Geom, y0, y1 int) {
	ic, oc, s := w.InC, w.OutC, g.Stride
	sw, rw := (g.InW+2)*ic, 3*ic // bordered row width; one window row's floats
	taps := 9 * ic
	zero, six := archsimd.BroadcastFloat32x16(0), archsimd.BroadcastFloat32x16(6)
	for y := y0; y < y1; y++ {
		rowOff := (y*s+g.StartY)*sw + g.StartX*ic
		o := out.Buf[out.Off+y*out.RowStride:]
		for x := 0; x < g.OutW; x++ {
			i := rowOff + x*s*ic
			r0, r1, r2 := src[i:][:rw], src[i+sw:][:rw], src[i+2*sw:][:rw]
			dst := o[x*oc:][:oc]
			for o0 := 0; o0 < oc; o0 += 16 {
				k := w.Packed[o0*(taps+1):][:(taps+1)*16]
				acc := archsimd.LoadFloat32x16(k[taps*16:][:16])
				for _, r := range [3][]float32{r0, r1, r2} {
					for _, v := range r {
						acc = archsimd.BroadcastFloat32x16(v).MulAdd(archsimd.LoadFloat32x16(k[:16]), acc)
						k = k[16:]
					}
				}
				acc = acc.Max(zero).Min(six)
				if n := oc - o0; n >= 16 {
					acc.Store(dst[o0:][:16])
				} else {
					acc.StorePart(dst[o0:][:n])
				}
			}
		}
	}
}

// conv3x3F32x8 is conv3x3F32x16 (see there for the reference loop) with AVX2 + FMA
// vectors of 8 output channels.
func conv3x3F32x8(out Out, src []float32, w *ConvWeights, g Geom, y0, y1 int) {
	ic, oc, s := w.InC, w.OutC, g.Stride
	sw, rw := (g.InW+2)*ic, 3*ic
	taps := 9 * ic
	zero, six := archsimd.BroadcastFloat32x8(0), archsimd.BroadcastFloat32x8(6)
	for y := y0; y < y1; y++ {
		rowOff := (y*s+g.StartY)*sw + g.StartX*ic
		o := out.Buf[out.Off+y*out.RowStride:]
		for x := 0; x < g.OutW; x++ {
			i := rowOff + x*s*ic
			r0, r1, r2 := src[i:][:rw], src[i+sw:][:rw], src[i+2*sw:][:rw]
			dst := o[x*oc:][:oc]
			for o0 := 0; o0 < oc; o0 += 8 {
				k := w.Packed[o0*(taps+1):][:(taps+1)*8]
				acc := archsimd.LoadFloat32x8(k[taps*8:][:8])
				for _, r := range [3][]float32{r0, r1, r2} {
					for _, v := range r {
						acc = archsimd.BroadcastFloat32x8(v).MulAdd(archsimd.LoadFloat32x8(k[:8]), acc)
						k = k[8:]
					}
				}
				acc = acc.Max(zero).Min(six)
				if n := oc - o0; n >= 8 {
					acc.Store(dst[o0:][:8])
				} else {
					acc.StorePart(dst[o0:][:n])
				}
			}
		}
	}
}
