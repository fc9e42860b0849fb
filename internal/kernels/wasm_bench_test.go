//go:build wasm

package kernels_test

// Wasm benchmarks with MobileNet's real layer shapes, reporting GFLOP/s (2 flops per
// mult-add). Run under Node:
//
//	GOEXPERIMENT=simd GOOS=js GOARCH=wasm go test -run=NONE -bench=. \
//	    -exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec" ./internal/kernels/
//
// Without GOEXPERIMENT=simd the same benchmarks measure the generic kernels.

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/kernels"
)

func wasmRand(n int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 1))
	s := make([]float32, n)
	for i := range s {
		s[i] = r.Float32()*2 - 1
	}
	return s
}

// wasmWarmUp runs f for about 300ms before timing starts: engines run new wasm code
// in a baseline tier first and swap in optimised code compiled in the background.
func wasmWarmUp(b *testing.B, f func()) {
	for start := time.Now(); time.Since(start) < 300*time.Millisecond; {
		f()
	}
	b.ResetTimer()
}

func wasmReportGFLOPs(b *testing.B, multAdds int) {
	b.ReportMetric(float64(2*multAdds)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkWasmPointwise(b *testing.B) {
	for _, sh := range []struct{ hw, k, n int }{
		{112, 32, 64}, {112, 24, 48}, {56, 64, 128}, {56, 128, 128}, {28, 256, 256}, {14, 512, 512}, {7, 1024, 1024}, {1, 1024, 1000},
	} {
		b.Run(fmt.Sprintf("%dx%dx%d-%d", sh.hw, sh.hw, sh.k, sh.n), func(b *testing.B) {
			w := kernels.NewPW(wasmRand(sh.k*sh.n, 1), wasmRand(sh.n, 2), sh.k, sh.n, true)
			src := wasmRand(sh.hw*sh.hw*sh.k, 3)
			out := kernels.Out{Buf: make([]float32, sh.hw*sh.hw*sh.n), RowStride: sh.hw * sh.n}
			run := func() { kernels.Pointwise(out, src, w, sh.hw, 0, sh.hw) }
			wasmWarmUp(b, run)
			for range b.N {
				run()
			}
			wasmReportGFLOPs(b, sh.hw*sh.hw*sh.k*sh.n)
		})
	}
}

func BenchmarkWasmDepthwise(b *testing.B) {
	for _, sh := range []struct{ hw, c, s int }{{112, 32, 1}, {112, 64, 2}, {56, 128, 1}, {14, 512, 1}, {7, 1024, 1}} {
		b.Run(fmt.Sprintf("%dx%dx%d-s%d", sh.hw, sh.hw, sh.c, sh.s), func(b *testing.B) {
			g := kernels.SameGeom(sh.hw, sh.hw, sh.s)
			w := kernels.NewDW(wasmRand(9*sh.c, 1), wasmRand(sh.c, 2), sh.c)
			src := wasmRand((sh.hw+2)*(sh.hw+2)*sh.c, 3)
			out := kernels.Out{Buf: make([]float32, g.OutH*g.OutW*sh.c), RowStride: g.OutW * sh.c}
			run := func() { kernels.Depthwise3x3(out, src, w, g, 0, g.OutH) }
			wasmWarmUp(b, run)
			for range b.N {
				run()
			}
			wasmReportGFLOPs(b, g.OutH*g.OutW*sh.c*9)
		})
	}
}

func BenchmarkWasmConv3x3(b *testing.B) {
	for _, oc := range []int{24, 32} {
		b.Run(fmt.Sprintf("224x224x3-%d-s2", oc), func(b *testing.B) {
			g := kernels.SameGeom(224, 224, 2)
			w := kernels.NewConv(wasmRand(27*oc, 1), wasmRand(oc, 2), 3, oc)
			src := wasmRand(226*226*3, 3)
			out := kernels.Out{Buf: make([]float32, g.OutH*g.OutW*oc), RowStride: g.OutW * oc}
			run := func() { kernels.Conv3x3(out, src, w, g, 0, g.OutH) }
			wasmWarmUp(b, run)
			for range b.N {
				run()
			}
			wasmReportGFLOPs(b, g.OutH*g.OutW*oc*27)
		})
	}
}

// BenchmarkWasmModel is one whole forward pass (seeded random weights) per op. Besides
// the mean it reports min-layers-ms: the sum over layers of each layer's fastest time
// across all ops, an estimate of an undisturbed frame on a shared, loaded machine.
func BenchmarkWasmModel(b *testing.B) {
	for _, alpha := range []float64{0.75, 1.0} {
		b.Run(fmt.Sprintf("%v-224", alpha), func(b *testing.B) {
			w, err := core.RandomWeights(alpha, 224, 1)
			if err != nil {
				b.Fatal(err)
			}
			m, err := core.NewModel(w, 224)
			if err != nil {
				b.Fatal(err)
			}
			m.Profile = true
			best := make([]time.Duration, len(m.Layers))
			for i := range best {
				best[i] = time.Hour
			}
			in := wasmRand(m.InputLen(), 4)
			wasmWarmUp(b, func() { m.Forward(in) })
			for range b.N {
				if _, err := m.Forward(in); err != nil {
					b.Fatal(err)
				}
				for i, d := range m.LayerTimes {
					best[i] = min(best[i], d)
				}
			}
			b.StopTimer()
			var madds int64
			var sum time.Duration
			for i, l := range m.Layers {
				madds += l.MultAdds()
				sum += best[i]
				if testing.Verbose() && best[i] > 0 {
					b.Logf("%-12s %4dx%-4d %4d->%-4d %7.3f ms %6.2f GFLOP/s", l.Name, l.OutH, l.OutW, l.InC, l.OutC,
						best[i].Seconds()*1e3, float64(2*l.MultAdds())/best[i].Seconds()/1e9)
				}
			}
			wasmReportGFLOPs(b, int(madds))
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N), "ms/frame")
			b.ReportMetric(float64(sum.Microseconds())/1e3, "min-layers-ms")
		})
	}
}
