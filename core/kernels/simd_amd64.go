//go:build goexperiment.simd && amd64

package kernels

import "simd/archsimd"

// x86Variant is one complete amd64 kernel set with its weight packers. Every set the
// CPU can run is listed in x86Variants so tests can check each, not only the one
// init selects.
type x86Variant struct {
	name      string
	conv3x3   func(Out, []float32, *ConvWeights, Geom, int, int)
	depthwise func(Out, []float32, *DWWeights, Geom, int, int)
	pointwise func(Out, []float32, *PWWeights, int, int, int)
	packConv  func(*ConvWeights)
	packDW    func(*DWWeights)
	packPW    func(*PWWeights)
}

// x86Variants returns the kernel sets this CPU supports, fastest first.
func x86Variants() []x86Variant {
	var vs []x86Variant
	if archsimd.X86.AVX512() {
		vs = append(vs, x86Variant{
			name:      "avx512",
			conv3x3:   conv3x3F32x16,
			depthwise: depthwise3x3F32x16,
			pointwise: pointwiseF32x16Tile4x2,
			packConv:  packConv16,
			packDW:    packDW16,
			packPW:    packPW16,
		})
	}
	if archsimd.X86.AVX2() && archsimd.X86.FMA() {
		vs = append(vs, x86Variant{
			name:      "avx2",
			conv3x3:   conv3x3F32x8,
			depthwise: depthwise3x3F32x8,
			pointwise: pointwiseF32x8Tile4x2,
			packConv:  packConv8,
			packDW:    packDW8,
			packPW:    packPW8,
		})
	}
	return vs
}

func init() {
	vs := x86Variants()
	if len(vs) == 0 {
		return // keep the generic kernels
	}
	v := vs[0]
	Impl = v.name
	conv3x3Impl, dwImpl, pwImpl = v.conv3x3, v.depthwise, v.pointwise
	packConv, packDW, packPW = v.packConv, v.packDW, v.packPW
}
