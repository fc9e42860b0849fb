//go:build goexperiment.simd && ((wasm && relaxed) || amd64)

package q8

// The byte-input pointwise kernels' packing and driver, shared by relaxed SIMD's
// i32x4.relaxed_dot_i8x16_i7x16_add_s (pointwise_relaxed_wasm.go, 4 pixels x 8
// channels) and AVX-512 VNNI's vpdpbusd (pointwise_vnni_amd64.go, bytesMR x
// bytesNR): both multiply 4 activation bytes by 4 int8 weights per 32-bit lane, so
// both want the input narrowed to bytes and the kernel as panels [K/4][bytesNR][4].
// The platform file supplies bytesMR, bytesNR, useBytes, byteRow and narrow16x8.

// packBytes lays the kernel out as panels of bytesNR output channels, one row of
// 4*bytesNR bytes per k quad: [w(k..k+3, c)] for c in the panel (zero past K and
// N), and the factors as [m(bytesNR), b(bytesNR)] per panel.
func packBytes(w *PW) bool {
	if !useBytes || w.K == 0 || w.N == 0 {
		return false
	}
	kq, np := (w.K+3)/4, (w.N+bytesNR-1)/bytesNR
	w.bytePanels = make([]int8, np*kq*4*bytesNR)
	w.mb = packFactors(w, bytesNR)
	for n := range w.N {
		j, c := n/bytesNR, n%bytesNR
		for k := range w.K {
			w.bytePanels[(j*kq+k/4)*4*bytesNR+4*c+k%4] = w.Kernel[k*w.N+n]
		}
	}
	return true
}

// byteBlock is the pixels of one sweep of every panel: the block's bytes stay in
// cache while every panel passes over them.
func byteBlock(K int) int { return max(pwBlockBytes/K/bytesMR*bytesMR, bytesMR) }

// byteNeeds is the workspace a call of p pixels uses: the narrowed input (whole
// tiles, and 3 bytes for the last k quad) and the partial tiles' outputs.
func byteNeeds(w *PW, p int) (a8, tail int) {
	tiles := (min(p, byteBlock(w.K)) + bytesMR - 1) / bytesMR
	return (p+bytesMR-1)/bytesMR*bytesMR*w.K + 3, tiles * bytesMR * bytesNR
}

// pointwiseBytes narrows the p x K input to bytes (the kernels read 4 per load),
// then sweeps blocks of pixels with every panel in turn, as pointwiseFast does.
// Whole tiles are written in place; the last panel when N is not a multiple of
// bytesNR and the last tile when p is not a multiple of bytesMR are written to
// ws.tail and copied out.
func pointwiseBytes(dst, src []int16, p int, w *PW, ws *Workspace) {
	if p <= 0 {
		return
	}
	K, N := w.K, w.N
	n := p * K
	_, _ = src[n-1], dst[p*N-1] // the kernels write and read without bounds checks
	// Pixels past p (the last tile's) and 3 bytes past K*p (the last k quad of a K
	// that is not a multiple of 4, multiplied by zero weights) read zeros.
	na, _ := byteNeeds(w, p)
	a := grow(&ws.a8, na)
	if b := n / 16; b > 0 {
		narrow16x8(&a[0], &src[0], b)
	}
	for i := n &^ 15; i < n; i++ {
		a[i] = uint8(src[i])
	}
	clear(a[n:])
	kq, np := (K+3)/4, (N+bytesNR-1)/bytesNR
	block := byteBlock(K)
	for b0 := 0; b0 < p; b0 += block {
		b1 := min(b0+block, p)
		whole := (b1 - b0) / bytesMR
		for j := range np {
			n0 := j * bytesNR
			panel, mb := &w.bytePanels[j*kq*4*bytesNR], &w.mb[j*2*bytesNR]
			i := b0
			if n0+bytesNR <= N && whole > 0 {
				byteRow(&dst[b0*N+n0], &a[b0*K], whole, K, 2*N, panel, kq, mb)
				i += whole * bytesMR
			}
			if i == b1 {
				continue
			}
			tiles := (b1 - i + bytesMR - 1) / bytesMR
			t := grow(&ws.tail, tiles*bytesMR*bytesNR)
			byteRow(&t[0], &a[i*K], tiles, K, 2*bytesNR, panel, kq, mb)
			for r := i; r < b1; r++ {
				copy(dst[r*N+n0:r*N+min(n0+bytesNR, N)], t[(r-i)*bytesNR:])
			}
		}
	}
}
