//go:build goexperiment.simd && wasm

package kernels

import "simd/archsimd"

// The first 3x3 conv on wasm, for any InC but tuned for 3: a 4 pixels x 8 output
// channels tile like pointwise's, over K = 9*InC products. A pixel's inputs are three
// runs of 3*InC contiguous floats (one per kernel row) in the bordered input, so no
// im2col copy is needed.

const (
	convNR = 8 // output channels per panel (two Float32x4)
	convMR = 4 // pixels per register tile
)

// packConvWasm lays the kernel out as Packed = [bias padded to P*8] ++ P panels of
// [9*InC][8] (k = (ky*3+kx)*InC + i), P = ceil(OutC/8), zero-padded past OutC.
func packConvWasm(w *ConvWeights) {
	K, N := 9*w.InC, w.OutC
	np := (N + convNR - 1) / convNR
	p := make([]float32, np*convNR+np*K*convNR)
	copy(p, w.Bias)
	panels := p[np*convNR:]
	for j := 0; j < np; j++ {
		n0, n1 := j*convNR, min(j*convNR+convNR, N)
		for k := 0; k < K; k++ {
			copy(panels[(j*K+k)*convNR:][:convNR], w.K[k*N+n0:k*N+n1])
		}
	}
	w.Packed = p
}

// conv3x3WasmTile4x2 implements Conv3x3Generic:
//
//	out(y, x, o) = relu6(bias[o] + sum over ky, kx, i of
//	               src(y*s+ky+StartY, x*s+kx+StartX, i) * K[ky][kx][i][o])
//
// 4 output pixels of a row x 8 output channels per register tile; a short last tile
// repeats its last pixel.
func conv3x3WasmTile4x2(out Out, src []float32, w *ConvWeights, g Geom, y0, y1 int) {
	ic, N, s := w.InC, w.OutC, g.Stride
	run := 3 * ic // one kernel row's inputs for one pixel
	K := 3 * run
	sw := (g.InW + 2) * ic
	np := (N + convNR - 1) / convNR
	bias, panels := w.Packed[:np*convNR], w.Packed[np*convNR:]
	if ic == 3 && s == 2 && N%convNR == 0 && g.OutW%convMR == 0 {
		conv3x3RGBS2(out, src, panels, bias, g, y0, y1, N, sw)
		return
	}
	var t [convMR][convNR]float32 // a tail panel's results land here first
	for y := y0; y < y1; y++ {
		rows := [3][]float32{}
		for ky := range rows {
			rows[ky] = src[(y*s+ky+g.StartY)*sw+g.StartX*ic:]
		}
		for j := 0; j < np; j++ {
			panel := panels[j*K*convNR:][:K*convNR]
			nv := min(convNR, N-j*convNR)
			for x := 0; x < g.OutW; x += convMR {
				xs := [convMR]int{x, min(x+1, g.OutW-1), min(x+2, g.OutW-1), min(x+3, g.OutW-1)}
				var d [convMR]*[convNR]float32
				for i, xi := range xs {
					d[i] = &t[i]
					if nv == convNR {
						d[i] = (*[convNR]float32)(out.Buf[out.Off+y*out.RowStride+xi*N+j*convNR:])
					}
				}
				b := (*[convNR]float32)(bias[j*convNR:])
				c00 := archsimd.LoadFloat32x4Array((*[4]float32)(b[0:4]))
				c01 := archsimd.LoadFloat32x4Array((*[4]float32)(b[4:8]))
				c10, c11, c20, c21, c30, c31 := c00, c01, c00, c01, c00, c01
				for ky, r := range rows {
					a0, a1 := r[xs[0]*s*ic:][:run], r[xs[1]*s*ic:][:run]
					a2, a3 := r[xs[2]*s*ic:][:run], r[xs[3]*s*ic:][:run]
					wp := panel[ky*run*convNR:][:run*convNR]
					if run == 9 { // RGB input: 9 unrolled steps per kernel row
						x0, x1, x2, x3 := (*[9]float32)(a0), (*[9]float32)(a1), (*[9]float32)(a2), (*[9]float32)(a3)
						w := (*[9 * convNR]float32)(wp)
						c00, c01, c10, c11, c20, c21, c30, c31 = convStep4x2(c00, c01, c10, c11, c20, c21, c30, c31, (*[convNR]float32)(w[0:]), x0[0], x1[0], x2[0], x3[0])
						c00, c01, c10, c11, c20, c21, c30, c31 = convStep4x2(c00, c01, c10, c11, c20, c21, c30, c31, (*[convNR]float32)(w[8:]), x0[1], x1[1], x2[1], x3[1])
						c00, c01, c10, c11, c20, c21, c30, c31 = convStep4x2(c00, c01, c10, c11, c20, c21, c30, c31, (*[convNR]float32)(w[16:]), x0[2], x1[2], x2[2], x3[2])
						c00, c01, c10, c11, c20, c21, c30, c31 = convStep4x2(c00, c01, c10, c11, c20, c21, c30, c31, (*[convNR]float32)(w[24:]), x0[3], x1[3], x2[3], x3[3])
						c00, c01, c10, c11, c20, c21, c30, c31 = convStep4x2(c00, c01, c10, c11, c20, c21, c30, c31, (*[convNR]float32)(w[32:]), x0[4], x1[4], x2[4], x3[4])
						c00, c01, c10, c11, c20, c21, c30, c31 = convStep4x2(c00, c01, c10, c11, c20, c21, c30, c31, (*[convNR]float32)(w[40:]), x0[5], x1[5], x2[5], x3[5])
						c00, c01, c10, c11, c20, c21, c30, c31 = convStep4x2(c00, c01, c10, c11, c20, c21, c30, c31, (*[convNR]float32)(w[48:]), x0[6], x1[6], x2[6], x3[6])
						c00, c01, c10, c11, c20, c21, c30, c31 = convStep4x2(c00, c01, c10, c11, c20, c21, c30, c31, (*[convNR]float32)(w[56:]), x0[7], x1[7], x2[7], x3[7])
						c00, c01, c10, c11, c20, c21, c30, c31 = convStep4x2(c00, c01, c10, c11, c20, c21, c30, c31, (*[convNR]float32)(w[64:]), x0[8], x1[8], x2[8], x3[8])
						continue
					}
					for k := range a0 {
						c00, c01, c10, c11, c20, c21, c30, c31 = convStep4x2(c00, c01, c10, c11, c20, c21, c30, c31,
							(*[convNR]float32)(wp[k*convNR:]), a0[k], a1[k], a2[k], a3[k])
					}
				}
				storeClamp8F32x4(d[0], d[1], d[2], d[3], c00, c01, c10, c11, c20, c21, c30, c31, 0, 6)
				if nv < convNR {
					for i, xi := range xs {
						copy(out.Buf[out.Off+y*out.RowStride+xi*N+j*convNR:][:nv], t[i][:nv])
					}
				}
			}
		}
	}
}

// conv3x3RGBS2 is conv3x3WasmTile4x2 for MobileNet's first layer: RGB input, stride
// 2, whole panels and rows of whole tiles, every tile straight-line code
// (convTile4x2RGBS2, generated) with no jump inside.
func conv3x3RGBS2(out Out, src, panels, bias []float32, g Geom, y0, y1, N, sw int) {
	np := N / convNR
	for y := y0; y < y1; y++ {
		// Row windows: output x reads bordered columns 2x .. 2x+2 (3 floats each).
		r0 := src[(2*y+g.StartY)*sw+g.StartX*3:][:6*g.OutW+3]
		r1 := src[(2*y+g.StartY+1)*sw+g.StartX*3:][:6*g.OutW+3]
		r2 := src[(2*y+g.StartY+2)*sw+g.StartX*3:][:6*g.OutW+3]
		dr := out.Buf[out.Off+y*out.RowStride:][:g.OutW*N]
		for j := 0; j < np; j++ {
			panel := (*[27 * convNR]float32)(panels[j*27*convNR:])
			b := (*[convNR]float32)(bias[j*convNR:])
			d := dr[j*convNR:]
			for x := 0; x < g.OutW; x += convMR {
				o := 6 * x
				convTile4x2RGBS2((*[convNR]float32)(d[x*N:]), (*[convNR]float32)(d[(x+1)*N:]),
					(*[convNR]float32)(d[(x+2)*N:]), (*[convNR]float32)(d[(x+3)*N:]),
					(*[27]float32)(r0[o:]), (*[27]float32)(r1[o:]), (*[27]float32)(r2[o:]), panel, b)
			}
		}
	}
}

// convStep4x2 adds one k step, x_i * w[0:8], to the 4x2 accumulator tile.
func convStep4x2(c00, c01, c10, c11, c20, c21, c30, c31 archsimd.Float32x4, w *[convNR]float32, x0, x1, x2, x3 float32) (_, _, _, _, _, _, _, _ archsimd.Float32x4) {
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
