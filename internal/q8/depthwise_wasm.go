//go:build goexperiment.simd && wasm

package q8

import "simd/archsimd"

const fastDW = true

// dwGroup computes 8 channels of one output pixel: per tap, 8 activations times 8
// weights widened to int32 products (i32x4.extmul_{low,high}_i16x8_s) and summed;
// then the package doc's requantization (archsimd has no i16x8.narrow on wasm, so
// the 8 results are stored as int32 and narrowed one by one).
func dwGroup(out, src []int16, base int, offs *[9]int, k16 []int16, c8 int, m, b []float32) {
	var lo, hi archsimd.Int32x4
	for t, o := range offs {
		a := archsimd.LoadInt16x8(src[base+o:])
		k := archsimd.LoadInt16x8(k16[t*c8:])
		lo = lo.Add(a.MulWidenLo(k))
		hi = hi.Add(a.MulWidenHi(k))
	}
	zero, top := archsimd.BroadcastFloat32x4(0), archsimd.BroadcastFloat32x4(ActMax)
	var q [8]int32
	lo.ConvertToFloat32().Mul(archsimd.LoadFloat32x4(m)).Add(archsimd.LoadFloat32x4(b)).Max(zero).Min(top).Round().ConvertToInt32().Store(q[:4])
	hi.ConvertToFloat32().Mul(archsimd.LoadFloat32x4(m[4:])).Add(archsimd.LoadFloat32x4(b[4:])).Max(zero).Min(top).Round().ConvertToInt32().Store(q[4:])
	out = out[:8]
	for i, v := range q {
		out[i] = int16(v)
	}
}
