//go:build goexperiment.simd && amd64

package mobilenet_test

import (
	"simd/archsimd"
	"testing"
)

// expectedKernels is what the docs promise a GOEXPERIMENT=simd amd64 build runs: the
// widest SIMD set the CPU has, else the references.
func expectedKernels(t *testing.T) string {
	switch {
	case archsimd.X86.AVX512():
		return "avx512"
	case archsimd.X86.AVX2() && archsimd.X86.FMA():
		return "avx2"
	}
	t.Log("this CPU has neither AVX-512 nor AVX2+FMA: the reference kernels run")
	return "generic"
}
