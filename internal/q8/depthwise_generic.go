//go:build !(goexperiment.simd && (amd64 || wasm))

package q8

func packDW(*DW) {}

func depthwiseFast(dst, src []int16, h, w, stride int, d *DW) {
	Depthwise(dst, src, h, w, d.C, stride, d.Kernel, d.M, d.B, d.Max)
}
