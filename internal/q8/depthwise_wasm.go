//go:build goexperiment.simd && wasm

package q8

// dwRow and dwRow7 (outputs clamped to 0..255 and 0..127) are in depthwise_wasm.s.
//
//go:noescape
func dwRow(out, src *int16, n, srcStep, outStep, rowBytes, cBytes int, k *int16, mb *float32)

//go:noescape
func dwRow7(out, src *int16, n, srcStep, outStep, rowBytes, cBytes int, k *int16, mb *float32)

// packDW lays the kernel out per 8-channel group as [9][8] int16 (the 9 vectors
// dwRow keeps in registers) and the factors as [m(8), b(8)] per group.
func packDW(d *DW) {
	d.c8 = d.C &^ 7
	if d.c8 == 0 {
		return
	}
	d.k16 = make([]int16, 9*d.c8)
	d.mb = make([]float32, 2*d.c8)
	for g := 0; g < d.c8; g += 8 {
		for t := 0; t < 9; t++ {
			for i := 0; i < 8; i++ {
				d.k16[g*9+t*8+i] = int16(d.Kernel[t*d.C+g+i])
			}
		}
		copy(d.mb[2*g:], d.M[g:g+8])
		copy(d.mb[2*g+8:], d.B[g:g+8])
	}
}

// depthwiseFast runs every output row through dwRow, one 8-channel group at a
// time, on the zero-framed copy of the input; channels past the last multiple of 8
// run the reference's depthwisePixel.
func depthwiseFast(dst, src []int16, h, w, stride, y0, y1 int, d *DW, ws *Workspace) {
	c := d.C
	_, py := same(h, stride)
	ow, px := same(w, stride)
	p := d.padded(src, h, w, stride, y0, y1, ws)
	row := dwRow
	if d.Max == Act7Max {
		row = dwRow7
	}
	for y := y0; y < y1; y++ {
		base, out := ((y*stride+1-py)*(w+2)+1-px)*c, y*ow*c
		for g := 0; g < d.c8; g += 8 {
			row(&dst[out+g], &p[base+g], ow, 2*stride*c, 2*c, 2*(w+2)*c, 2*c, &d.k16[g*9], &d.mb[2*g])
		}
		if d.c8 < c {
			for x := 0; x < ow; x++ {
				depthwisePixel(dst, src, h, w, c, stride, y, x, d.c8, d.Kernel, d.M, d.B, d.Max)
			}
		}
	}
}
