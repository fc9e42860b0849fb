package q8

// Benchmarks with MobileNet's real pointwise shapes (those of
// internal/kernels' BenchmarkWasmPointwise, so GOP/s compare with its GFLOP/s:
// 2 ops per multiply-add). Under Node:
//
//	GOOS=js GOARCH=wasm go test -run=NONE -bench=Pointwise -exec=... ./internal/q8/

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

func BenchmarkPointwise(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, sh := range []struct{ hw, k, n int }{
		{112, 32, 64}, {112, 24, 48}, {56, 64, 128}, {56, 128, 128}, {28, 256, 256}, {14, 512, 512}, {7, 1024, 1024}, {1, 1024, 1000},
	} {
		b.Run(fmt.Sprintf("%dx%dx%d-%d", sh.hw, sh.hw, sh.k, sh.n), func(b *testing.B) {
			p := sh.hw * sh.hw
			src := randActs(r, p*sh.k+slack, false)
			m, bias := randFactors(r, sh.n, sh.k)
			w := NewPW(randKernel(r, sh.k*sh.n), m, bias, sh.k, sh.n)
			dst := make([]int16, p*sh.n)
			for start := time.Now(); time.Since(start) < 300*time.Millisecond; { // let the engine tier up
				w.Run(dst, src, p)
			}
			b.ResetTimer()
			for range b.N {
				w.Run(dst, src, p)
			}
			b.ReportMetric(float64(2*p*sh.k*sh.n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOP/s")
		})
	}
}
