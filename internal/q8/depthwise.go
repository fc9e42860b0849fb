package q8

// DW is a depthwise layer's weights as the platform's kernel wants them: the
// kernel in core's [3][3][C] layout for the reference, and widened to int16 with
// the first C&^7 channels packed per platform where a SIMD kernel exists
// (depthwise_simd.go for amd64, depthwise_wasm.go).
type DW struct {
	C      int
	Kernel []int8
	M, B   []float32
	Max    int16     // the outputs' clamp: ActMax, or Act7Max (actMax)
	k16    []int16   // the SIMD kernel's int16 weights; nil where the reference runs
	mb     []float32 // wasm: the factors per 8-channel group
	c8     int       // channels the SIMD kernel covers (C rounded down to 8)
	own    Workspace // RunRows' (a Model passes its goroutine's to RunRowsWith)
}

// NewDW binds a depthwise kernel to its requantization factors and output clamp
// hi (ActMax or Act7Max) and packs it.
func NewDW(kernel []int8, m, b []float32, c int, hi int16) *DW {
	d := &DW{C: c, Kernel: kernel, M: m, B: b, Max: hi}
	packDW(d)
	return d
}

// Run computes the h x w x C input's depthwise convolution at stride.
func (d *DW) Run(dst, src []int16, h, w, stride int) {
	oh, _ := same(h, stride)
	d.RunRows(dst, src, h, w, stride, 0, oh)
}

// RunRows computes output rows [y0, y1) of Run (a worker's row band); it reads only
// the input rows their 3x3 windows cover.
func (d *DW) RunRows(dst, src []int16, h, w, stride, y0, y1 int) {
	d.RunRowsWith(dst, src, h, w, stride, y0, y1, &d.own)
}

// RunRowsWith is RunRows with the caller's workspace.
func (d *DW) RunRowsWith(dst, src []int16, h, w, stride, y0, y1 int, ws *Workspace) {
	if y1 <= y0 {
		return
	}
	if d.k16 == nil {
		depthwiseRows(dst, src, h, w, d.C, stride, y0, y1, d.Kernel, d.M, d.B, d.Max)
		return
	}
	depthwiseFast(dst, src, h, w, stride, y0, y1, d, ws)
}

// padded copies the input rows that output rows [y0, y1) read (at stride) of the
// h x w x c input into the interior of the workspace's zero-framed buffer ((h+2) x
// (w+2) x c, grown on first use and then reused), so every output pixel's 3x3 window lies
// inside it: the SIMD kernels need no border cases. The window of output (y, x)
// starts at ((y*stride+1-py)*(w+2) + x*stride+1-px)*c. Rows outside the band's
// windows keep whatever they held: no window of the band reads them.
func (d *DW) padded(src []int16, h, w, stride, y0, y1 int, ws *Workspace) []int16 {
	c := d.C
	n := (h + 2) * (w + 2) * c
	if cap(ws.pad) < n {
		ws.pad = make([]int16, n)
	}
	p := ws.pad[:n]
	row := (w + 2) * c
	clear(p[:row])
	clear(p[(h+1)*row:])
	_, py := same(h, stride)
	for y := max(0, y0*stride-py); y < min(h, (y1-1)*stride-py+3); y++ {
		r := p[(y+1)*row:][:row]
		clear(r[:c])
		clear(r[row-c:])
		copy(r[c:row-c], src[y*w*c:][:w*c])
	}
	return p
}
