//go:build goexperiment.simd && amd64

package q8

import (
	"simd/archsimd"
	"unsafe"
)

// KernelName is the int8 kernel set this build runs: "int8-avx512vnni" where the
// CPU has AVX-512 VNNI (the pointwise layers on vpdpbusd, pointwise_vnni_amd64.go;
// conv1, depthwise and the classifier as below), else "int8-avx2": AVX2's vpmaddwd
// (16 int16 multiplies summed in pairs per instruction), via simd/archsimd.
var KernelName = kernelName()

var fastPW = archsimd.X86.AVX2()

// pwTile is one 4-pixel x 8-channel tile: per k pair, the 16 packed weights widened
// to int16 (vpmovsxbw), each pixel's activation pair broadcast (vpbroadcastd) and
// multiplied in pairs (vpmaddwd) into an int32x8 accumulator; then the package
// doc's requantization, with the float clamped to [0, 255] before rounding (the same
// result as clamping after, and no int32 overflow in the conversion).
func pwTile(d0, d1, d2, d3, a0, a1, a2, a3 *int16, panel *int8, kpairs int, mb *float32) {
	w := unsafe.Slice(panel, kpairs*16)
	p0 := unsafe.Slice((*int32)(unsafe.Pointer(a0)), kpairs)
	p1 := unsafe.Slice((*int32)(unsafe.Pointer(a1)), kpairs)
	p2 := unsafe.Slice((*int32)(unsafe.Pointer(a2)), kpairs)
	p3 := unsafe.Slice((*int32)(unsafe.Pointer(a3)), kpairs)
	var acc0, acc1, acc2, acc3 archsimd.Int32x8
	for t := range kpairs {
		wt := archsimd.LoadInt8x16(w[t*16:]).ExtendToInt16()
		acc0 = acc0.Add(archsimd.BroadcastInt32x8(p0[t]).AsInt16x16().DotProductPairs(wt))
		acc1 = acc1.Add(archsimd.BroadcastInt32x8(p1[t]).AsInt16x16().DotProductPairs(wt))
		acc2 = acc2.Add(archsimd.BroadcastInt32x8(p2[t]).AsInt16x16().DotProductPairs(wt))
		acc3 = acc3.Add(archsimd.BroadcastInt32x8(p3[t]).AsInt16x16().DotProductPairs(wt))
	}
	f := unsafe.Slice(mb, 16)
	m, b := archsimd.LoadFloat32x8(f[:8]), archsimd.LoadFloat32x8(f[8:16])
	lo, hi := archsimd.BroadcastFloat32x8(0), archsimd.BroadcastFloat32x8(ActMax)
	store := func(d *int16, acc archsimd.Int32x8) {
		q := acc.ConvertToFloat32().Mul(m).Add(b).Max(lo).Min(hi).Round().ConvertToInt32()
		q.GetLo().SaturateToInt16Concat(q.GetHi()).Store(unsafe.Slice(d, 8))
	}
	store(d0, acc0)
	store(d1, acc1)
	store(d2, acc2)
	store(d3, acc3)
}

// pwTileF is pwTile with float32 outputs, float32(acc)*m + b: the classifier's logits.
func pwTileF(d0, d1, d2, d3 *float32, a0, a1, a2, a3 *int16, panel *int8, kpairs int, mb *float32) {
	w := unsafe.Slice(panel, kpairs*16)
	p := [4][]int32{
		unsafe.Slice((*int32)(unsafe.Pointer(a0)), kpairs), unsafe.Slice((*int32)(unsafe.Pointer(a1)), kpairs),
		unsafe.Slice((*int32)(unsafe.Pointer(a2)), kpairs), unsafe.Slice((*int32)(unsafe.Pointer(a3)), kpairs),
	}
	var acc [4]archsimd.Int32x8
	for t := range kpairs {
		wt := archsimd.LoadInt8x16(w[t*16:]).ExtendToInt16()
		for r := range acc {
			acc[r] = acc[r].Add(archsimd.BroadcastInt32x8(p[r][t]).AsInt16x16().DotProductPairs(wt))
		}
	}
	f := unsafe.Slice(mb, 16)
	m, b := archsimd.LoadFloat32x8(f[:8]), archsimd.LoadFloat32x8(f[8:16])
	for r, d := range [4]*float32{d0, d1, d2, d3} {
		acc[r].ConvertToFloat32().Mul(m).Add(b).Store(unsafe.Slice(d, 8))
	}
}

// pwTiles runs n whole 4-pixel tiles from pixel pointer a (K values each) to d (N).
func pwTiles(d, a *int16, n, K, N int, panel *int8, kpairs int, mb *float32) {
	// Only as far as the last tile's last pixel reaches (d may point into the
	// last panel's columns: 4*n*N values would pass the end of dst).
	ds := unsafe.Slice(d, (4*n-1)*N+pwNR)
	as := unsafe.Slice(a, (4*n-1)*K+1)
	for t := range n {
		i := 4 * t
		pwTile(&ds[i*N], &ds[(i+1)*N], &ds[(i+2)*N], &ds[(i+3)*N], &as[i*K], &as[(i+1)*K], &as[(i+2)*K], &as[(i+3)*K], panel, kpairs, mb)
	}
}
