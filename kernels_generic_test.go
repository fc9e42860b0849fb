//go:build !goexperiment.simd || !(amd64 || wasm)

package mobilenet_test

import "testing"

// expectedKernels: without GOEXPERIMENT=simd (or on other architectures) the docs say
// the plain-Go reference kernels run.
func expectedKernels(*testing.T) string { return "generic" }
