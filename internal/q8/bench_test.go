package q8

// Benchmarks with MobileNet's real pointwise shapes (those of
// internal/kernels' BenchmarkWasmPointwise, so GOP/s compare with its GFLOP/s:
// 2 ops per multiply-add). Each shape runs NewPWU8 (as Model does: AVX-512 VNNI on
// amd64 where present), "-i16" NewPW (the int16-pair kernel: AVX2's vpmaddwd, wasm's
// dot_i16x8_s; the kernel before VNNI) and "-i7" NewPW7 on 7-bit inputs (VNNI, or
// the relaxed-SIMD kernel with -tags relaxed, which needs Node 26 or Chromium).
// Under Node:
//
//	GOEXPERIMENT=simd GOOS=js GOARCH=wasm go test -run=NONE -bench=. -exec=... ./internal/q8/

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/mobilenet-go/mobilenet/core"
)

func BenchmarkPointwise(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, sh := range []struct{ hw, k, n int }{
		{112, 32, 64}, {112, 24, 48}, {56, 64, 128}, {56, 128, 128}, {28, 256, 256}, {14, 512, 512}, {7, 1024, 1024}, {1, 1024, 1000},
	} {
		for _, kind := range []string{"", "-i16", "-i7"} {
			if kind == "-i7" && (sh.hw > 14 || sh.n == 1000) { // 7-bit inputs: blocks 6..13 only
				continue
			}
			name, newPW, acts := fmt.Sprintf("%dx%dx%d-%d", sh.hw, sh.hw, sh.k, sh.n)+kind, NewPWU8, func(a []int16) []int16 { return a }
			switch kind {
			case "-i16":
				newPW = NewPW
			case "-i7":
				newPW, acts = NewPW7, acts7
			}
			b.Run(name, func(b *testing.B) {
				p := sh.hw * sh.hw
				src := acts(randActs(r, p*sh.k+slack, false))
				m, bias := randFactors(r, sh.n, sh.k)
				w := newPW(randKernel(r, sh.k*sh.n), m, bias, sh.k, sh.n)
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
}

// BenchmarkForward times whole networks, int8 (one thread, and "-x2" two) beside
// f32 (core.Model, one thread) in the same process, with per-layer-type
// milliseconds (ms-<type>).
func BenchmarkForward(b *testing.B) {
	for _, alpha := range []float64{0.75, 1} {
		w, err := core.RandomWeights(alpha, 224, 1)
		if err != nil {
			b.Fatal(err)
		}
		qw, err := Quantize(w)
		if err != nil {
			b.Fatal(err)
		}
		in := make([]float32, 224*224*3)
		for i := range in {
			in[i] = float32(i%255)/127.5 - 1
		}
		b.Run(fmt.Sprintf("int8-%.2f", alpha), func(b *testing.B) {
			m, err := NewModel(qw, 224)
			if err != nil {
				b.Fatal(err)
			}
			timeForward(b, func() { m.Forward(in) }, m.Layers, &m.Profile, m.LayerTimes)
		})
		b.Run(fmt.Sprintf("int8-%.2f-x2", alpha), func(b *testing.B) { // 2 goroutines per layer, always
			m, err := NewModel(qw, 224)
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close()
			m.SetThreads(2)
			m.team.Force = true
			timeForward(b, func() { m.Forward(in) }, m.Layers, &m.Profile, m.LayerTimes)
		})
		b.Run(fmt.Sprintf("f32-%.2f", alpha), func(b *testing.B) {
			m, err := core.NewModel(w, 224)
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close()
			m.SetThreads(1)
			timeForward(b, func() { m.Forward(in) }, m.Layers, &m.Profile, m.LayerTimes)
		})
	}
}

func timeForward(b *testing.B, run func(), layers []core.Layer, profile *bool, times []time.Duration) {
	for start := time.Now(); time.Since(start) < 500*time.Millisecond; {
		run()
	}
	b.ResetTimer()
	byKind := map[core.Kind]time.Duration{}
	for range b.N {
		*profile = true
		run()
		for i, l := range layers {
			byKind[l.Kind] += times[i]
		}
	}
	*profile = false
	for k, d := range byKind {
		b.ReportMetric(float64(d.Microseconds())/1e3/float64(b.N), "ms-"+strings.ReplaceAll(k.String(), " ", ""))
	}
}

// BenchmarkDepthwise runs DW.Run on MobileNet v1 1.0-224's depthwise shapes
// (input h, w, c, stride).
func BenchmarkDepthwise(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, s := range [][4]int{{112, 112, 32, 1}, {112, 112, 64, 2}, {56, 56, 128, 1}, {28, 28, 256, 1}, {14, 14, 512, 1}, {7, 7, 1024, 1}} {
		h, w, c, stride := s[0], s[1], s[2], s[3]
		src := randActs(r, h*w*c, false)
		m, f := randFactors(r, c, 9)
		d := NewDW(randKernel(r, 9*c), m, f, c, ActMax)
		oh, ow := (h+stride-1)/stride, (w+stride-1)/stride
		dst := make([]int16, oh*ow*c)
		b.Run(fmt.Sprintf("%dx%dx%d-s%d", h, w, c, stride), func(b *testing.B) {
			for b.Loop() {
				d.Run(dst, src, h, w, stride)
			}
			b.ReportMetric(float64(oh*ow*c*9)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
		})
	}
}
