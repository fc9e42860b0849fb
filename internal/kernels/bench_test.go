package kernels_test

import (
	"fmt"
	"github.com/mobilenet-go/mobilenet/internal/cputime"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/kernels"
)

// Benchmarks over MobileNet's real layer shapes (core.Architecture) for every
// kernel set this build and CPU run, reporting GFLOP/s (2 flops per mult-add).
//
//	go test -run - -bench 'Layers/avx512/1.00-224/' ./internal/kernels/   (one layer each)
//	go test -run - -bench 'LayerKinds/.*/1.00-224' ./internal/kernels/    (totals per kind)

var benchConfigs = func() (cs []struct {
	alpha float64
	size  int
}) {
	for _, a := range []float64{1, 0.75, 0.5, 0.25} {
		for _, s := range []int{224, 192, 160, 128} {
			cs = append(cs, struct {
				alpha float64
				size  int
			}{a, s})
		}
	}
	return
}()

// layerRun is one layer ready to run on random data: run computes all its rows.
type layerRun struct {
	layer core.Layer
	run   func()
}

func randFloats(r *rand.Rand, n int, scale float32) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = (r.Float32()*2 - 1) * scale
	}
	return s
}

// prepare builds a runnable layer with random weights packed for ks. Inputs of 3x3
// layers are zero-bordered; outputs are dense.
func prepare(ks kernels.Set, l core.Layer, r *rand.Rand) layerRun {
	out := kernels.Out{Buf: make([]float32, l.OutH*l.OutW*l.OutC), RowStride: l.OutW * l.OutC}
	bordered := randFloats(r, (l.InH+2)*(l.InW+2)*l.InC, 1)
	g := kernels.SameGeom(l.InH, l.InW, l.Stride)
	switch l.Kind {
	case core.Conv3x3:
		w := ks.NewConv(randFloats(r, 9*l.InC*l.OutC, 0.3), randFloats(r, l.OutC, 0.3), l.InC, l.OutC)
		return layerRun{l, func() { ks.Conv3x3(out, bordered, w, g, 0, l.OutH) }}
	case core.Depthwise:
		w := ks.NewDW(randFloats(r, 9*l.InC, 0.3), randFloats(r, l.InC, 0.3), l.InC)
		return layerRun{l, func() { ks.Depthwise(out, bordered, w, g, 0, l.OutH) }}
	case core.Pointwise, core.FullyConn:
		in := randFloats(r, l.InH*l.InW*l.InC, 1)
		w := ks.NewPW(randFloats(r, l.InC*l.OutC, 0.05), randFloats(r, l.OutC, 0.3), l.InC, l.OutC, l.Kind == core.Pointwise)
		return layerRun{l, func() { ks.Pointwise(out, in, w, l.OutW, 0, l.OutH) }}
	}
	return layerRun{l, nil} // the pool: not a kernel benchmarked here
}

// timeLoop runs f in b.Loop on one locked thread and reports GFLOP/s per wall
// second and per CPU second of that thread (cpu-GFLOP/s: what a core does when the
// machine is shared).
func timeLoop(b *testing.B, multAdds int64, f func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	c0 := cputime.Thread()
	for b.Loop() {
		f()
	}
	flops := float64(2*multAdds) * float64(b.N)
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	if cpu := cputime.Thread() - c0; cpu > 0 {
		b.ReportMetric(flops/cpu.Seconds()/1e9, "cpu-GFLOP/s")
	}
}

// BenchmarkLayers times every layer of every configuration on its own.
func BenchmarkLayers(b *testing.B) {
	for _, ks := range kernels.Sets() {
		for _, c := range benchConfigs {
			arch, err := core.Architecture(c.alpha, c.size)
			if err != nil {
				b.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, uint64(c.size)))
			for _, l := range arch {
				if l.Kind == core.AvgPool {
					continue
				}
				b.Run(fmt.Sprintf("%s/%.2f-%d/%s", ks.Name, c.alpha, c.size, l.Name), func(b *testing.B) {
					lr := prepare(ks, l, r)
					timeLoop(b, l.MultAdds(), lr.run)
				})
			}
		}
	}
}

// BenchmarkLayerKinds runs all of a configuration's layers of one kind per op.
func BenchmarkLayerKinds(b *testing.B) {
	for _, ks := range kernels.Sets() {
		for _, c := range benchConfigs {
			arch, err := core.Architecture(c.alpha, c.size)
			if err != nil {
				b.Fatal(err)
			}
			for _, kind := range []core.Kind{core.Conv3x3, core.Depthwise, core.Pointwise, core.FullyConn} {
				name := map[core.Kind]string{core.Conv3x3: "conv", core.Depthwise: "dw", core.Pointwise: "pw", core.FullyConn: "fc"}[kind]
				b.Run(fmt.Sprintf("%s/%.2f-%d/%s", ks.Name, c.alpha, c.size, name), func(b *testing.B) {
					r := rand.New(rand.NewPCG(2, uint64(c.size)))
					var runs []layerRun
					var multAdds int64
					for _, l := range arch {
						if l.Kind == kind {
							runs = append(runs, prepare(ks, l, r))
							multAdds += l.MultAdds()
						}
					}
					timeLoop(b, multAdds, func() {
						for _, lr := range runs {
							lr.run()
						}
					})
				})
			}
		}
	}
}

// TestKernelsDoNotAllocate runs each layer of the 0.25-128 model once per kernel set
// and wants no allocation.
func TestKernelsDoNotAllocate(t *testing.T) {
	arch, err := core.Architecture(0.25, 128)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for _, ks := range kernels.Sets() {
		for _, l := range arch {
			lr := prepare(ks, l, r)
			if lr.run == nil {
				continue
			}
			if n := testing.AllocsPerRun(3, lr.run); n != 0 {
				t.Errorf("%s %s: %v allocations per run, want 0", ks.Name, l.Name, n)
			}
		}
	}
}
