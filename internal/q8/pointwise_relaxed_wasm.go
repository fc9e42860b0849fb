//go:build goexperiment.simd && wasm && relaxed

package q8

// The relaxed-SIMD build (-tags relaxed, web/classifier-relaxed.wasm): the pointwise
// layers whose inputs are 7-bit (NewPW7) run i32x4.relaxed_dot_i8x16_i7x16_add_s,
// 16 multiply-adds per instruction against dot_i16x8_s's 8 (VNNI's vpdpbusd where
// the CPU has it). Its result is the exact integer dot product for a second
// operand in 0..127, so the kernel is bit for bit the reference there; for other
// inputs engines differ (Node 20's V8 computed 41,614 of 100,352 outputs of one
// layer differently from Chromium 156's), which is why only these layers use it
// (pack7; NewPWU8's 8-bit inputs keep dot_i16x8_s). The driver is
// pointwise_bytes.go's.

// KernelName is the int8 kernel set this build runs.
const KernelName = "int8-wasm-relaxed"

const (
	bytesMR  = pwMR // pixels per tile
	bytesNR  = pwNR // output channels per panel
	useBytes = true
)

// pwRow4x8RelaxedI7 and narrow16x8 are in pwrelaxed_wasm.s.
//
//go:noescape
func pwRow4x8RelaxedI7(d *int16, a *uint8, tiles, kb, nb int, panel *int8, kquads int, mb *float32)

//go:noescape
func narrow16x8(d *uint8, s *int16, blocks int)

func byteRow(d *int16, a *uint8, tiles, kb, nb int, panel *int8, kquads int, mb *float32) {
	pwRow4x8RelaxedI7(d, a, tiles, kb, nb, panel, kquads, mb)
}

func pack7(w *PW) bool  { return packBytes(w) }
func packU8(w *PW) bool { return false }
