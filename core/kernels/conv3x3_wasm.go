//go:build goexperiment.simd && wasm

package kernels

import "simd/archsimd"

// The first 3x3 conv on wasm, for any InC but tuned for 3: a 4 pixels x 8 output
// channels tile like pointwise's, over K = 9*InC products. A pixel's inputs are three
// runs of 3*InC contiguous floats (one per kernel row) in the bordered input, so no
// im2col copy is needed.

// packConvF32x4 lays the kernel out as Packed = [bias padded to P*8] ++ P panels of
// [9*InC][8] (k = (ky*3+kx)*InC + i), P = ceil(OutC/8), zero-padded past OutC.
func packConvF32x4(w *ConvWeights) {
	K, N := 9*w.InC, w.OutC
	np := (N + pwNR - 1) / pwNR
	p := make([]float32, np*pwNR+np*K*pwNR)
	copy(p, w.Bias)
	panels := p[np*pwNR:]
	for j := 0; j < np; j++ {
		n0, n1 := j*pwNR, min(j*pwNR+pwNR, N)
		for k := 0; k < K; k++ {
			copy(panels[(j*K+k)*pwNR:][:pwNR], w.K[k*N+n0:k*N+n1])
		}
	}
	w.Packed = p
}

// conv3x3F32x4Tile4x2 implements Conv3x3Generic:
//
//	out(y, x, o) = relu6(bias[o] + sum over ky, kx, i of
//	               src(y*s+ky+StartY, x*s+kx+StartX, i) * K[ky][kx][i][o])
//
// 4 output pixels of a row x 8 output channels per register tile; a short last tile
// repeats its last pixel.
func conv3x3F32x4Tile4x2(out Out, src []float32, w *ConvWeights, g Geom, y0, y1 int) {
	ic, N, s := w.InC, w.OutC, g.Stride
	run := 3 * ic // one kernel row's inputs for one pixel
	K := 3 * run
	sw := (g.InW + 2) * ic
	np := (N + pwNR - 1) / pwNR
	bias, panels := w.Packed[:np*pwNR], w.Packed[np*pwNR:]
	for y := y0; y < y1; y++ {
		rows := [3][]float32{}
		for ky := range rows {
			rows[ky] = src[(y*s+ky+g.StartY)*sw+g.StartX*ic:]
		}
		for j := 0; j < np; j++ {
			panel := panels[j*K*pwNR:][:K*pwNR]
			nv := min(pwNR, N-j*pwNR)
			for x := 0; x < g.OutW; x += pwMR {
				xs := [pwMR]int{x, min(x+1, g.OutW-1), min(x+2, g.OutW-1), min(x+3, g.OutW-1)}
				var d [pwMR]*[pwNR]float32
				var t [pwMR][pwNR]float32 // tail panel: stores land here first
				for i, xi := range xs {
					d[i] = &t[i]
					if nv == pwNR {
						d[i] = (*[pwNR]float32)(out.Buf[out.Off+y*out.RowStride+xi*N+j*pwNR:])
					}
				}
				b := (*[pwNR]float32)(bias[j*pwNR:])
				c00 := archsimd.LoadFloat32x4Array((*[4]float32)(b[0:4]))
				c01 := archsimd.LoadFloat32x4Array((*[4]float32)(b[4:8]))
				c10, c11, c20, c21, c30, c31 := c00, c01, c00, c01, c00, c01
				for ky, r := range rows {
					a0, a1 := r[xs[0]*s*ic:][:run], r[xs[1]*s*ic:][:run]
					a2, a3 := r[xs[2]*s*ic:][:run], r[xs[3]*s*ic:][:run]
					wp := panel[ky*run*pwNR:][:run*pwNR]
					for k := range a0 {
						c00, c01, c10, c11, c20, c21, c30, c31 = pwStep4x2(c00, c01, c10, c11, c20, c21, c30, c31,
							(*[pwNR]float32)(wp[k*pwNR:]), a0[k], a1[k], a2[k], a3[k])
					}
				}
				storeTile4x2(d[0], d[1], d[2], d[3], c00, c01, c10, c11, c20, c21, c30, c31, true)
				if nv < pwNR {
					for i, xi := range xs {
						copy(out.Buf[out.Off+y*out.RowStride+xi*N+j*pwNR:][:nv], t[i][:nv])
					}
				}
			}
		}
	}
}
