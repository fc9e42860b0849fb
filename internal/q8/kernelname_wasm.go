//go:build goexperiment.simd && wasm && !relaxed

package q8

// KernelName is the int8 kernel set this build runs: every layer on
// i32x4.dot_i16x8_s (the relaxed build's is in pointwise_relaxed_wasm.go).
const KernelName = "int8-wasm-dot16"
