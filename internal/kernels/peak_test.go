//go:build goexperiment.simd && (amd64 || wasm)

package kernels

import (
	"simd/archsimd"
	"testing"
)

// peakLoop runs n iterations of 32 independent Float32x4 mul+add pairs.
//
//go:noinline
func peakLoop(n int, x archsimd.Float32x4) archsimd.Float32x4 {
	w0, w1, w2, w3 := x.Add(x), x.Mul(x), x.Sub(x), x.Add(x.Mul(x))
	var c0, c1, c2, c3, c4, c5, c6, c7 archsimd.Float32x4
	for i := 0; i < n; i++ {
		c0, c1, c2, c3 = c0.Add(x.Mul(w0)), c1.Add(x.Mul(w1)), c2.Add(x.Mul(w2)), c3.Add(x.Mul(w3))
		c4, c5, c6, c7 = c4.Add(w0.Mul(w1)), c5.Add(w1.Mul(w2)), c6.Add(w2.Mul(w3)), c7.Add(w3.Mul(w0))
		c0, c1, c2, c3 = c0.Add(x.Mul(w0)), c1.Add(x.Mul(w1)), c2.Add(x.Mul(w2)), c3.Add(x.Mul(w3))
		c4, c5, c6, c7 = c4.Add(w0.Mul(w1)), c5.Add(w1.Mul(w2)), c6.Add(w2.Mul(w3)), c7.Add(w3.Mul(w0))
		c0, c1, c2, c3 = c0.Add(x.Mul(w0)), c1.Add(x.Mul(w1)), c2.Add(x.Mul(w2)), c3.Add(x.Mul(w3))
		c4, c5, c6, c7 = c4.Add(w0.Mul(w1)), c5.Add(w1.Mul(w2)), c6.Add(w2.Mul(w3)), c7.Add(w3.Mul(w0))
		c0, c1, c2, c3 = c0.Add(x.Mul(w0)), c1.Add(x.Mul(w1)), c2.Add(x.Mul(w2)), c3.Add(x.Mul(w3))
		c4, c5, c6, c7 = c4.Add(w0.Mul(w1)), c5.Add(w1.Mul(w2)), c6.Add(w2.Mul(w3)), c7.Add(w3.Mul(w0))
	}
	return c0.Add(c1).Add(c2).Add(c3).Add(c4).Add(c5).Add(c6).Add(c7)
}

// BenchmarkPeakMulAdd measures the roofline our wasm kernels live under: 128-bit
// multiply + add (wasm SIMD has no FMA that Go emits) on registers only, 8
// independent accumulators, no loads. Natively (Float32x4 compiles to SSE/AVX) and
// in V8 it gives the same ~40 GFLOP/s on this machine's cores (2 mul + 2 add pipes x
// 4 lanes per cycle), the ceiling for any wasm-SIMD engine here, TF.js included.
func BenchmarkPeakMulAdd(b *testing.B) {
	x := archsimd.BroadcastFloat32x4(1e-9)
	const n = 1 << 20
	for range 3 {
		peakLoop(n, x)
	}
	b.ResetTimer()
	for range b.N {
		x = peakLoop(n, x)
	}
	b.ReportMetric(float64(n*32*8)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
