//go:build !(goexperiment.simd && (amd64 || wasm))

package q8

// KernelName is the int8 kernel set this build runs.
const KernelName = "int8-generic"

func packPW(*PW) {}

func pointwiseFast(dst, src []int16, p int, w *PW) {
	Pointwise(dst, src, p, w.K, w.N, w.Kernel, w.M, w.B)
}

func logitsFast(dst []float32, src []int16, w *PW) {
	Classifier(dst, src, w.K, w.N, w.Kernel, w.M, w.B, w.acc())
}
