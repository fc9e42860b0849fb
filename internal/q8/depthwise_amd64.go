//go:build goexperiment.simd && amd64

package q8

import "simd/archsimd"

var fastDW = archsimd.X86.AVX2()

// dwGroup computes 8 channels of one output pixel: per tap, 8 activations times 8
// weights in int16 (exact: |255*127| < 2^15, vpmullw), widened to int32
// (vpmovsxwd) and summed; then the package doc's requantization.
func dwGroup(out, src []int16, base int, offs *[9]int, k16 []int16, c8 int, m, b []float32, hi float32) {
	var acc archsimd.Int32x8
	for t, o := range offs {
		a := archsimd.LoadInt16x8(src[base+o:])
		acc = acc.Add(a.Mul(archsimd.LoadInt16x8(k16[t*c8:])).ExtendToInt32())
	}
	q := acc.ConvertToFloat32().Mul(archsimd.LoadFloat32x8(m)).Add(archsimd.LoadFloat32x8(b)).
		Max(archsimd.BroadcastFloat32x8(0)).Min(archsimd.BroadcastFloat32x8(hi)).Round().ConvertToInt32()
	q.GetLo().SaturateToInt16Concat(q.GetHi()).Store(out)
}
