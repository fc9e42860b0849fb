//go:build wasm

package q8

// KernelName is the int8 kernel set this build runs.
const KernelName = "int8-wasm-dot16"

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
