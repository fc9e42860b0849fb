//go:build goexperiment.simd && amd64

package kernels

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
