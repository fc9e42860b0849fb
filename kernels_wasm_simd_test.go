//go:build goexperiment.simd && wasm

package mobilenet_test

import "testing"

// expectedKernels: a GOEXPERIMENT=simd wasm build always runs 128-bit wasm SIMD.
func expectedKernels(*testing.T) string { return "wasm-simd" }
