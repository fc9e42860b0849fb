//go:build goexperiment.simd && amd64

package kernels

import "simd/archsimd"

// simdSets returns the amd64 sets this CPU runs, fastest first: on an AVX-512
// machine both, so tests check the AVX2 set too.
func simdSets() []Set {
	var sets []Set
	if archsimd.X86.AVX512() {
		sets = append(sets, Set{
			Name:      "avx512",
			Conv3x3:   conv3x3F32x16,
			Depthwise: depthwise3x3F32x16,
			Pointwise: pointwiseF32x16Tile4x2,
			PackConv:  packConv16,
			PackDW:    packDW16,
			PackPW:    packPW16,
		})
	}
	if archsimd.X86.AVX2() && archsimd.X86.FMA() {
		sets = append(sets, Set{
			Name:      "avx2",
			Conv3x3:   conv3x3F32x8,
			Depthwise: depthwise3x3F32x8,
			Pointwise: pointwiseF32x8Tile4x2,
			PackConv:  packConv8,
			PackDW:    packDW8,
			PackPW:    packPW8,
		})
	}
	return sets
}
