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
// as a register tile of 4 pixels x one 16-channel chunk of o, so each kernel vector
// loaded serves 4 FMAs. A short last tile repeats its last pixel, which only rewrites
// the same values. Any InC works (MobileNet has 3).
func conv3x3F32x16(out Out, src []float32, w *ConvWeights, g Geom, y0, y1 int) {
	ic, oc, s := w.InC, w.OutC, g.Stride
	sw, rw := (g.InW+2)*ic, 3*ic // bordered row width; one window row's floats
	taps := 9 * ic
	zero, six := archsimd.BroadcastFloat32x16(0), archsimd.BroadcastFloat32x16(6)
	for y := y0; y < y1; y++ {
		rowOff := (y*s+g.StartY)*sw + g.StartX*ic
		o := out.Buf[out.Off+y*out.RowStride:]
		for x := 0; x < g.OutW; x += 4 {
			x1, x2, x3 := min(x+1, g.OutW-1), min(x+2, g.OutW-1), min(x+3, g.OutW-1)
			for o0 := 0; o0 < oc; o0 += 16 {
				k := w.Packed[o0*(taps+1):][:(taps+1)*16]
				bias := archsimd.LoadFloat32x16(k[taps*16:][:16])
				c0, c1, c2, c3 := bias, bias, bias, bias
				for ky := 0; ky < 3; ky++ {
					r := src[rowOff+ky*sw:]
					a0, a1 := r[x*s*ic:][:rw], r[x1*s*ic:][:rw]
					a2, a3 := r[x2*s*ic:][:rw], r[x3*s*ic:][:rw]
					kr := k[ky*rw*16:][:rw*16]
					for j := range a0 {
						kv := archsimd.LoadFloat32x16(kr[j*16:][:16])
						c0 = archsimd.BroadcastFloat32x16(a0[j]).MulAdd(kv, c0)
						c1 = archsimd.BroadcastFloat32x16(a1[j]).MulAdd(kv, c1)
						c2 = archsimd.BroadcastFloat32x16(a2[j]).MulAdd(kv, c2)
						c3 = archsimd.BroadcastFloat32x16(a3[j]).MulAdd(kv, c3)
					}
				}
				n := min(16, oc-o0)
				c3.Max(zero).Min(six).StorePart(o[x3*oc+o0:][:n])
				c2.Max(zero).Min(six).StorePart(o[x2*oc+o0:][:n])
				c1.Max(zero).Min(six).StorePart(o[x1*oc+o0:][:n])
				c0.Max(zero).Min(six).StorePart(o[x*oc+o0:][:n])
			}
		}
	}
}

// conv3x3F32x8 is conv3x3F32x16 (see there for the reference loop and tiling) with
// AVX2 + FMA vectors of 8 output channels.
func conv3x3F32x8(out Out, src []float32, w *ConvWeights, g Geom, y0, y1 int) {
	ic, oc, s := w.InC, w.OutC, g.Stride
	sw, rw := (g.InW+2)*ic, 3*ic
	taps := 9 * ic
	zero, six := archsimd.BroadcastFloat32x8(0), archsimd.BroadcastFloat32x8(6)
	for y := y0; y < y1; y++ {
		rowOff := (y*s+g.StartY)*sw + g.StartX*ic
		o := out.Buf[out.Off+y*out.RowStride:]
		for x := 0; x < g.OutW; x += 4 {
			x1, x2, x3 := min(x+1, g.OutW-1), min(x+2, g.OutW-1), min(x+3, g.OutW-1)
			for o0 := 0; o0 < oc; o0 += 8 {
				k := w.Packed[o0*(taps+1):][:(taps+1)*8]
				bias := archsimd.LoadFloat32x8(k[taps*8:][:8])
				c0, c1, c2, c3 := bias, bias, bias, bias
				for ky := 0; ky < 3; ky++ {
					r := src[rowOff+ky*sw:]
					a0, a1 := r[x*s*ic:][:rw], r[x1*s*ic:][:rw]
					a2, a3 := r[x2*s*ic:][:rw], r[x3*s*ic:][:rw]
					kr := k[ky*rw*8:][:rw*8]
					for j := range a0 {
						kv := archsimd.LoadFloat32x8(kr[j*8:][:8])
						c0 = archsimd.BroadcastFloat32x8(a0[j]).MulAdd(kv, c0)
						c1 = archsimd.BroadcastFloat32x8(a1[j]).MulAdd(kv, c1)
						c2 = archsimd.BroadcastFloat32x8(a2[j]).MulAdd(kv, c2)
						c3 = archsimd.BroadcastFloat32x8(a3[j]).MulAdd(kv, c3)
					}
				}
				n := min(8, oc-o0)
				c3.Max(zero).Min(six).StorePart(o[x3*oc+o0:][:n])
				c2.Max(zero).Min(six).StorePart(o[x2*oc+o0:][:n])
				c1.Max(zero).Min(six).StorePart(o[x1*oc+o0:][:n])
				c0.Max(zero).Min(six).StorePart(o[x*oc+o0:][:n])
			}
		}
	}
}
