//go:build !wasm && !(goexperiment.simd && amd64)

package q8

func packDW(*DW) {}

func depthwiseFast(dst, src []int16, h, w, stride int, d *DW) {
	Depthwise(dst, src, h, w, d.C, stride, d.Kernel, d.M, d.B)
}
