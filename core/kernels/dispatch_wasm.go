//go:build goexperiment.simd && wasm

package kernels

// Wasm SIMD (128-bit) is part of every wasm engine we target (Chrome 91+, Firefox 89+,
// Safari 16.4+, Node 16.4+); the Go toolchain emits it unconditionally under
// GOEXPERIMENT=simd, so there is no run-time feature check: the module would not
// even instantiate without it. The "plain" classifier.wasm is built without the
// experiment for engines lacking SIMD.
func init() {
	pwImpl = pointwiseF32x4Tile2x4
	dwImpl = depthwiseF32x4Pix2
	packDW = packDWF32x4
	conv3x3Impl = conv3x3F32x4Tile4x2
	packConv = packConvF32x4
	packPW = packPWF32x4
	Impl = "wasm-simd"
}
