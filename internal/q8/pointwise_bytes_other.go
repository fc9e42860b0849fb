//go:build !(goexperiment.simd && ((wasm && relaxed) || amd64))

package q8

// Without a byte-input kernel (relaxed SIMD built with -tags relaxed for js/wasm,
// AVX-512 VNNI on amd64; see pointwise_bytes.go) NewPW7 and NewPWU8 pack for the
// platform's usual kernel.
func pack7(*PW) bool  { return false }
func packU8(*PW) bool { return false }

// pointwiseBytes is not reached here (PW.bytePanels stays nil); it runs the usual
// kernel so that PW.Run compiles the same everywhere.
func byteNeeds(*PW, int) (a8, tail int) { return 0, 0 }

func pointwiseBytes(dst, src []int16, p int, w *PW, _ *Workspace) { pointwiseFast(dst, src, p, w) }
