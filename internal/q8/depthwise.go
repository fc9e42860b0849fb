package q8

// DW is a depthwise layer's weights as the platform's kernel wants them: the
// kernel in core's [3][3][C] layout for the reference, and widened to int16 with
// channels padded to a multiple of 8 ([9][C8]) where a SIMD kernel exists
// (depthwise_simd.go).
type DW struct {
	C      int
	Kernel []int8
	M, B   []float32
	k16    []int16 // [9][c8]; nil where the reference runs
	c8     int
}

// NewDW binds a depthwise kernel to its requantization factors and packs it.
func NewDW(kernel []int8, m, b []float32, c int) *DW {
	d := &DW{C: c, Kernel: kernel, M: m, B: b}
	packDW(d)
	return d
}

// Run computes the h x w x C input's depthwise convolution at stride.
func (d *DW) Run(dst, src []int16, h, w, stride int) {
	if d.k16 == nil {
		Depthwise(dst, src, h, w, d.C, stride, d.Kernel, d.M, d.B)
		return
	}
	depthwiseFast(dst, src, h, w, stride, d)
}
