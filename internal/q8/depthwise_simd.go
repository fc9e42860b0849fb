//go:build goexperiment.simd && (amd64 || wasm)

package q8

// The SIMD depthwise driver: interior output pixels (every tap inside the input)
// run dwGroup on 8 channels at a time; border pixels and the channels past the
// last multiple of 8 run the reference's depthwisePixel.

func packDW(d *DW) {
	if !fastDW {
		return
	}
	d.c8 = d.C &^ 7
	if d.c8 == 0 {
		return
	}
	d.k16 = make([]int16, 9*d.c8)
	for t := 0; t < 9; t++ {
		for ch := 0; ch < d.c8; ch++ {
			d.k16[t*d.c8+ch] = int16(d.Kernel[t*d.C+ch])
		}
	}
}

func depthwiseFast(dst, src []int16, h, w, stride int, d *DW) {
	c := d.C
	oh, py := same(h, stride)
	ow, px := same(w, stride)
	var offs [9]int // the taps' offsets from the window's top-left value
	for t := range offs {
		offs[t] = ((t/3)*w + t%3) * c
	}
	for y := 0; y < oh; y++ {
		iy := y*stride - py
		for x := 0; x < ow; x++ {
			ix := x*stride - px
			if iy < 0 || iy+2 >= h || ix < 0 || ix+2 >= w {
				depthwisePixel(dst, src, h, w, c, stride, y, x, 0, d.Kernel, d.M, d.B)
				continue
			}
			base, out := (iy*w+ix)*c, (y*ow+x)*c
			for g := 0; g < d.c8; g += 8 {
				dwGroup(dst[out+g:out+g+8], src, base+g, &offs, d.k16[g:], d.c8, d.M[g:g+8], d.B[g:g+8])
			}
			if d.c8 < c {
				depthwisePixel(dst, src, h, w, c, stride, y, x, d.c8, d.Kernel, d.M, d.B)
			}
		}
	}
}
