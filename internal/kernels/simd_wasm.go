//go:build goexperiment.simd && wasm

package kernels

// simdSets is the one wasm SIMD (128-bit) set. Wasm SIMD is part of every wasm
// engine we target (Chrome 91+, Firefox 89+, Safari 16.4+, Node 16.4+); the Go
// toolchain emits it unconditionally under GOEXPERIMENT=simd, so there is no
// run-time feature check: the module would not even instantiate without it. The
// "plain" classifier.wasm is built without the experiment for engines lacking SIMD.
func simdSets() []Set {
	return []Set{{
		Name:      "wasm-simd",
		Conv3x3:   conv3x3WasmTile4x2,
		Depthwise: depthwiseWasmTile2x1,
		Pointwise: pointwiseWasmTile2x4,
		PackConv:  packConvWasm,
		PackDW:    packDWWasm,
		PackPW:    packPWWasm,
	}}
}
