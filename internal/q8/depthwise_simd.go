//go:build goexperiment.simd && amd64

package q8

// The amd64 SIMD depthwise driver: every output row runs dwRow8 on 8 channels at
// a time over the zero-framed input (DW.padded); the channels past the last
// multiple of 8 run the reference's depthwisePixel.

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

func depthwiseFast(dst, src []int16, h, w, stride, y0, y1 int, d *DW, ws *Workspace) {
	c := d.C
	_, py := same(h, stride)
	ow, px := same(w, stride)
	p := d.padded(src, h, w, stride, y0, y1, ws)
	var offs [9]int // the taps' offsets from the window's top-left value
	for t := range offs {
		offs[t] = ((t/3)*(w+2) + t%3) * c
	}
	for y := y0; y < y1; y++ {
		base, out := ((y*stride+1-py)*(w+2)+1-px)*c, y*ow*c
		for g := 0; g < d.c8; g += 8 {
			dwRow8(dst[out:out+ow*c], c, p, base, stride*c, ow, &offs, d.k16, d.c8, g, d.M, d.B, float32(d.Max))
		}
		if d.c8 < c {
			for x := 0; x < ow; x++ {
				depthwisePixel(dst, src, h, w, c, stride, y, x, d.c8, d.Kernel, d.M, d.B, d.Max)
			}
		}
	}
}
