//go:build goexperiment.simd && amd64

package kernels

import "simd/archsimd"

// The amd64 sets are generated from one template by gen_x86.go: the same loops
// over 16 lanes (avx512_amd64.go) or 8 (avx2_amd64.go).

// simdSets returns the amd64 sets this CPU runs, fastest first: on an AVX-512
// machine both, so tests check the AVX2 set too.
func simdSets() []Set {
	var sets []Set
	if archsimd.X86.AVX512() {
		sets = append(sets, avx512Set())
	}
	if archsimd.X86.AVX2() && archsimd.X86.FMA() {
		sets = append(sets, avx2Set())
	}
	return sets
}
