//go:build goexperiment.simd && amd64

package kernels

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
