package kernels

// Conv3x3Generic is the reference for Conv3x3:
//
//	out(y, x, o) = relu6(bias[o] + sum over ky, kx, i of
//	               src(y*s+ky+StartY, x*s+kx+StartX, i) * K[ky][kx][i][o])
func Conv3x3Generic(out Out, src []float32, w *ConvWeights, g Geom, y0, y1 int) {
	ic, oc, sw := w.InC, w.OutC, (g.InW+2)*w.InC
	for y := y0; y < y1; y++ {
		for x := 0; x < g.OutW; x++ {
			dst := out.Buf[out.Off+y*out.RowStride+x*oc:][:oc]
			copy(dst, w.Bias)
			for ky := 0; ky < 3; ky++ {
				for kx := 0; kx < 3; kx++ {
					in := src[(y*g.Stride+ky+g.StartY)*sw+(x*g.Stride+kx+g.StartX)*ic:][:ic]
					for i, v := range in {
						k := w.K[((ky*3+kx)*ic+i)*oc:][:oc]
						for o := range dst {
							dst[o] += v * k[o]
						}
					}
				}
			}
			for o := range dst {
				dst[o] = relu6(dst[o])
			}
		}
	}
}

// Depthwise3x3Generic is the reference for Depthwise3x3:
//
//	out(y, x, c) = relu6(bias[c] + sum over ky, kx of
//	               src(y*s+ky+StartY, x*s+kx+StartX, c) * K[ky][kx][c])
func Depthwise3x3Generic(out Out, src []float32, w *DWWeights, g Geom, y0, y1 int) {
	c, sw := w.C, (g.InW+2)*w.C
	for y := y0; y < y1; y++ {
		for x := 0; x < g.OutW; x++ {
			dst := out.Buf[out.Off+y*out.RowStride+x*c:][:c]
			copy(dst, w.Bias)
			for ky := 0; ky < 3; ky++ {
				for kx := 0; kx < 3; kx++ {
					in := src[(y*g.Stride+ky+g.StartY)*sw+(x*g.Stride+kx+g.StartX)*c:][:c]
					k := w.K[(ky*3+kx)*c:][:c]
					for i := range dst {
						dst[i] += in[i] * k[i]
					}
				}
			}
			for i := range dst {
				dst[i] = relu6(dst[i])
			}
		}
	}
}

// PointwiseGeneric is the reference for Pointwise:
//
//	out(y, x, n) = act(bias[n] + sum over k of src(y, x, k) * W[k][n])
func PointwiseGeneric(out Out, src []float32, w *PWWeights, width, y0, y1 int) {
	for y := y0; y < y1; y++ {
		for x := 0; x < width; x++ {
			in := src[(y*width+x)*w.K:][:w.K]
			dst := out.Buf[out.Off+y*out.RowStride+x*w.N:][:w.N]
			copy(dst, w.Bias)
			for k, v := range in {
				row := w.W[k*w.N:][:w.N]
				for n := range dst {
					dst[n] += v * row[n]
				}
			}
			if w.ReLU6 {
				for n := range dst {
					dst[n] = relu6(dst[n])
				}
			}
		}
	}
}

// AvgPool averages a dense [hw][c] activation over its hw pixels into dst[c].
func AvgPool(dst, src []float32, hw, c int) {
	clear(dst[:c])
	for p := 0; p < hw; p++ {
		row := src[p*c:][:c]
		for i, v := range row {
			dst[i] += v
		}
	}
	inv := 1 / float32(hw)
	for i := range dst[:c] {
		dst[i] *= inv
	}
}
