//go:build !(goexperiment.simd && (amd64 || wasm))

package q8

func packDW(*DW) {}

func depthwiseFast(dst, src []int16, h, w, stride, y0, y1 int, d *DW, _ *Workspace) {
	depthwiseRows(dst, src, h, w, d.C, stride, y0, y1, d.Kernel, d.M, d.B, d.Max)
}
