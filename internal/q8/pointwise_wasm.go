//go:build goexperiment.simd && wasm

package q8

// The wasm kernels (Go assembly, *_wasm.s) are built only with GOEXPERIMENT=simd,
// like the f32 ones: the plain classifier.wasm must validate on engines without
// wasm SIMD. KernelName is in kernelname_wasm.go (dot16) or
// pointwise_relaxed_wasm.go.

const fastPW = true

// pwTile4x8 is in pointwise_wasm.s.
//
//go:noescape
func pwTile4x8(d0, d1, d2, d3, a0, a1, a2, a3 *int16, panel *int8, kpairs int, mb *float32)

// pwTile runs one register tile (see pointwise_wasm.s).
func pwTile(d0, d1, d2, d3, a0, a1, a2, a3 *int16, panel *int8, kpairs int, mb *float32) {
	pwTile4x8(d0, d1, d2, d3, a0, a1, a2, a3, panel, kpairs, mb)
}

// pwTile4x8F is in pwlogits_wasm.s.
//
//go:noescape
func pwTile4x8F(d0, d1, d2, d3 *float32, a0, a1, a2, a3 *int16, panel *int8, kpairs int, mb *float32)

func pwTileF(d0, d1, d2, d3 *float32, a0, a1, a2, a3 *int16, panel *int8, kpairs int, mb *float32) {
	pwTile4x8F(d0, d1, d2, d3, a0, a1, a2, a3, panel, kpairs, mb)
}

// pwRow4x8 is in pwrow_wasm.s.
//
//go:noescape
func pwRow4x8(d, a *int16, tiles, kb, nb int, panel *int8, kpairs int, mb *float32)

// pwTiles runs n whole 4-pixel tiles from pixel pointer a (K values each) to d (N).
func pwTiles(d, a *int16, n, K, N int, panel *int8, kpairs int, mb *float32) {
	pwRow4x8(d, a, n, 2*K, 2*N, panel, kpairs, mb)
}
