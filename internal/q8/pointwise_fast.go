//go:build goexperiment.simd && (wasm || amd64)

package q8

// The fast pointwise kernels' driver and weight packing, shared by wasm
// (pointwise_wasm.s) and amd64 (pointwise_amd64.go): both compute register tiles of
// 4 pixels x 8 output channels from the same packed panels.

const (
	pwNR = 8 // output channels per panel
	pwMR = 4 // pixels per tile
	// pwBlockBytes bounds the input one panel sweep reads, so it stays in cache while
	// every panel passes over it.
	pwBlockBytes = 48 << 10
)

// packPW lays the kernel out as panels of 8 output channels, one 16-byte row per k
// pair: [w(k,c), w(k+1,c)] for c = 0..7 (zero past K and N), and the factors as
// [m(8), b(8)] per panel.
func packPW(w *PW) {
	if !fastPW {
		return // the reference runs (PW.Run)
	}
	kp, np := (w.K+1)/2, (w.N+pwNR-1)/pwNR
	w.packed = make([]int8, np*kp*16)
	w.mb = packFactors(w, pwNR)
	for j := 0; j < np; j++ {
		for c := 0; c < pwNR; c++ {
			n := j*pwNR + c
			if n >= w.N {
				continue
			}
			for t := 0; t < kp; t++ {
				row := w.packed[(j*kp+t)*16:]
				row[2*c] = w.Kernel[2*t*w.N+n]
				if 2*t+1 < w.K {
					row[2*c+1] = w.Kernel[(2*t+1)*w.N+n]
				}
			}
		}
	}
}

// packFactors lays the factors out as [m(nr), b(nr)] per panel of nr output
// channels (zero past N).
func packFactors(w *PW, nr int) []float32 {
	np := (w.N + nr - 1) / nr
	mb := make([]float32, np*2*nr)
	for n := range w.N {
		j, c := n/nr, n%nr
		mb[j*2*nr+c], mb[j*2*nr+nr+c] = w.M[n], w.B[n]
	}
	return mb
}

// pointwiseFast sweeps blocks of pixels with every panel in turn, 4 pixels per tile;
// tiles past the last pixel or channel write a scratch tile that is copied out.
func pointwiseFast(dst, src []int16, p int, w *PW) {
	K, N := w.K, w.N
	if K == 0 || p <= 0 {
		Pointwise(dst, src, p, K, N, w.Kernel, w.M, w.B)
		return
	}
	_ = src[p*K] // the slack value a pair read of an odd K reaches
	kp, np := (K+1)/2, (N+pwNR-1)/pwNR
	block := max(pwBlockBytes/(2*K)/pwMR*pwMR, pwMR)
	var scratch [pwMR][pwNR]int16
	for b0 := 0; b0 < p; b0 += block {
		b1 := min(b0+block, p)
		for j := 0; j < np; j++ {
			n0 := j * pwNR
			panel, mb := &w.packed[j*kp*16], &w.mb[j*16]
			i := b0
			if n0+pwNR <= N { // whole tiles in one call
				if tiles := (b1 - b0) / pwMR; tiles > 0 && b0+tiles*pwMR <= p {
					_ = dst[(b0+tiles*pwMR-1)*N+n0+pwNR-1]
					pwTiles(&dst[b0*N+n0], &src[b0*K], tiles, K, N, panel, kp, mb)
					i += tiles * pwMR
				}
			}
			for ; i < b1; i += pwMR {
				a0 := &src[i*K]
				a1 := &src[min(i+1, p-1)*K]
				a2 := &src[min(i+2, p-1)*K]
				a3 := &src[min(i+3, p-1)*K]
				if i+pwMR <= p && n0+pwNR <= N {
					pwTile(&dst[i*N+n0], &dst[(i+1)*N+n0], &dst[(i+2)*N+n0], &dst[(i+3)*N+n0],
						a0, a1, a2, a3, panel, kp, mb)
					continue
				}
				pwTile(&scratch[0][0], &scratch[1][0], &scratch[2][0], &scratch[3][0], a0, a1, a2, a3, panel, kp, mb)
				for r := 0; r < pwMR && i+r < p; r++ {
					copy(dst[(i+r)*N+n0:(i+r)*N+min(n0+pwNR, N)], scratch[r][:])
				}
			}
		}
	}
}

// logitsFast is RunLogits on the packed panels: one pixel, so the tile's other
// three pixels repeat it into scratch.
func logitsFast(dst []float32, src []int16, w *PW) {
	K, N := w.K, w.N
	_ = src[K] // the slack value a pair read of an odd K reaches
	kp, np := (K+1)/2, (N+pwNR-1)/pwNR
	var scratch [pwMR][pwNR]float32
	a := &src[0]
	for j := 0; j < np; j++ {
		n0 := j * pwNR
		panel, mb := &w.packed[j*kp*16], &w.mb[j*16]
		if n0+pwNR <= N {
			pwTileF(&dst[n0], &scratch[1][0], &scratch[2][0], &scratch[3][0], a, a, a, a, panel, kp, mb)
			continue
		}
		pwTileF(&scratch[0][0], &scratch[1][0], &scratch[2][0], &scratch[3][0], a, a, a, a, panel, kp, mb)
		copy(dst[n0:N], scratch[0][:])
	}
}
