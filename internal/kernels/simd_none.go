//go:build !(goexperiment.simd && (amd64 || wasm))

package kernels

// simdSets is empty where there are no SIMD kernels: Generic runs.
func simdSets() []Set { return nil }
