//go:build !(goexperiment.simd && wasm && relaxed)

package q8

// Without relaxed SIMD (built with -tags relaxed for js/wasm, see
// pointwise_relaxed_wasm.go) NewPW7 packs for the platform's usual kernel.
func pack7(*PW) bool { return false }

// pointwise7 is not reached here (pack7 leaves PW.relaxed nil); it runs the
// usual kernel so that PW.Run compiles the same everywhere.
func pointwise7(dst, src []int16, p int, w *PW) { pointwiseFast(dst, src, p, w) }
