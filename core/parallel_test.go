package core

import (
	"fmt"
	"github.com/mobilenet-go/mobilenet/internal/cputime"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mobilenet-go/mobilenet/internal/kernels"
)

func randomModel(t testing.TB, alpha float64, size int) (*Model, []float32) {
	t.Helper()
	w, err := RandomWeights(alpha, size, 42)
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(w, size)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	in := make([]float32, m.InputLen())
	for i := range in {
		in[i] = r.Float32()*2 - 1
	}
	return m, in
}

// Every thread count computes each row with the same kernel calls, so the logits
// must be bit-identical to the single-threaded run.
func TestThreadsGiveIdenticalLogits(t *testing.T) {
	m, in := randomModel(t, 0.5, 160)
	defer m.Close()
	m.team.Force = true // not left to helperChooser
	m.SetThreads(1)
	want, err := m.Forward(in)
	if err != nil {
		t.Fatal(err)
	}
	want = slices.Clone(want)
	for _, n := range []int{2, 3, 4, 7, 0} {
		m.SetThreads(n)
		for rep := 0; rep < 2; rep++ {
			got, err := m.Forward(in)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%d threads: logits differ from 1 thread", m.Threads())
			}
		}
	}
}

func TestForwardDoesNotAllocate(t *testing.T) {
	m, in := randomModel(t, 0.25, 128)
	defer m.Close()
	m.team.Force = true
	for _, n := range []int{1, 2, 4} {
		m.SetThreads(n)
		m.Forward(in) // warm up
		if a := testing.AllocsPerRun(5, func() { m.Forward(in) }); a != 0 {
			t.Errorf("%d threads: Forward allocates %v times per call, want 0", n, a)
		}
	}
}

func TestDefaultThreads(t *testing.T) {
	m, _ := randomModel(t, 0.25, 128)
	defer m.Close()
	if m.Threads() != DefaultThreads() {
		t.Errorf("new model runs %d threads, want DefaultThreads() = %d", m.Threads(), DefaultThreads())
	}
	want := runtime.GOMAXPROCS(0)
	if runtime.GOOS == "js" {
		want = 1
	}
	if DefaultThreads() != want {
		t.Errorf("DefaultThreads() = %d, want %d on %s", DefaultThreads(), want, runtime.GOOS)
	}
}

// helperGoroutines counts the goroutines running a worker pool's loop (counting
// all goroutines would also count the runtime's own, which come and go under js/wasm).
func helperGoroutines() int {
	buf := make([]byte, 1<<20)
	return strings.Count(string(buf[:runtime.Stack(buf, true)]), "workpool.(*Pool[...]).work(")
}

// waitHelpers waits (collecting garbage) until want(number of helper goroutines),
// which goroutines not yet scheduled or not yet exited can delay.
func waitHelpers(t *testing.T, want func(int) bool, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !want(helperGoroutines()) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d helper goroutines running", what, helperGoroutines())
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCloseAndCollectStopHelpers(t *testing.T) {
	base := helperGoroutines() // other tests' dropped models may not be collected yet
	m, in := randomModel(t, 0.25, 128)
	m.SetThreads(5)
	waitHelpers(t, func(n int) bool { return n == base+4 }, "5 threads, want 4 helpers")
	if _, err := m.Forward(in); err != nil {
		t.Fatal(err)
	}
	m.Close()
	atBase := func(n int) bool { return n <= base }
	waitHelpers(t, atBase, "after Close")
	if _, err := m.Forward(in); err != nil || m.Threads() != 1 {
		t.Fatalf("Forward after Close: threads %d, err %v", m.Threads(), err)
	}

	// A dropped model's helpers stop when it is collected.
	func() {
		m, in := randomModel(t, 0.25, 128)
		m.SetThreads(4)
		m.Forward(in)
	}()
	waitHelpers(t, atBase, "after dropping a 4-thread model")
}

// BenchmarkForward times whole inferences with random weights, on one thread and on
// all of GOMAXPROCS: go test -run - -bench Forward -count 3 ./core/
func BenchmarkForward(b *testing.B) {
	for _, c := range []struct {
		alpha float64
		size  int
	}{{1, 224}, {0.75, 224}} {
		for _, threads := range []int{1, DefaultThreads()} {
			b.Run(fmt.Sprintf("%.2f-%d/threads=%d", c.alpha, c.size, threads), func(b *testing.B) {
				m, in := randomModel(b, c.alpha, c.size)
				defer m.Close()
				m.SetThreads(threads)
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				b.ReportAllocs()
				c0, p0 := cputime.Thread(), cputime.Process()
				for b.Loop() {
					if _, err := m.Forward(in); err != nil {
						b.Fatal(err)
					}
				}
				n := float64(b.N)
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e6/n, "ms/inference")
				b.ReportMetric(float64(2*m.MultAdds())*n/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				// On one thread, the caller's CPU time is the inference's: a timing the
				// other processes on a shared machine do not inflate.
				if cpu := cputime.Thread() - c0; threads == 1 && cpu > 0 {
					b.ReportMetric(float64(cpu.Nanoseconds())/1e6/n, "cpu-ms/inference")
				}
				// On several threads, the process's CPU time per inference is the work
				// including hand-offs: about threads x the wall time on idle cores when
				// the split is balanced and the overhead small.
				if cpu := cputime.Process() - p0; threads > 1 && cpu > 0 {
					b.ReportMetric(float64(cpu.Nanoseconds())/1e6/n, "proc-cpu-ms/inference")
				}
			})
		}
	}
}

// The layers split by output-channel blocks must compute exactly what one
// Pointwise call over the whole weight matrix computes. The layers are replayed one
// by one so each is checked before later layers reuse its buffers.
func TestColumnSplitMatchesWholeLayer(t *testing.T) {
	if !splitColumnsHere {
		t.Skip("no column split on " + runtime.GOOS)
	}
	for _, c := range []struct {
		alpha           float64
		size            int
		split, bordered int
	}{
		{0.75, 128, 9, 7}, // 8x8 and 4x4 layers, the classifier
		{0.25, 224, 9, 7}, // 14x14 and 7x7 layers, the classifier
	} {
		w, err := RandomWeights(c.alpha, c.size, 7)
		if err != nil {
			t.Fatal(err)
		}
		_, in := randomModel(t, c.alpha, c.size)
		m, err := NewModel(w, c.size)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if _, err := m.Forward(in); err != nil { // fills m.in
			t.Fatal(err)
		}
		split, bordered, pi := 0, 0, 0
		for li, l := range m.Layers {
			st := &m.steps[li]
			if l.Kind == AvgPool {
				st.run(0, st.parts)
				continue
			}
			p := w.Layers[pi]
			pi++
			if st.bordered {
				st.clearFrame()
			}
			st.run(0, st.parts)
			if st.cols == nil {
				continue
			}
			split++
			if st.bordered {
				bordered++
			}
			whole := kernels.NewPW(p.Kernel, p.Bias, l.InC, l.OutC, l.Kind == Pointwise)
			out := st.out
			out.Buf = slices.Clone(st.out.Buf)
			kernels.Pointwise(out, st.src, whole, l.OutW, 0, l.OutH)
			if !slices.Equal(st.out.Buf, out.Buf) {
				t.Errorf("%.2f-%d %s: column blocks differ from the whole layer", c.alpha, c.size, l.Name)
			}
			if len(st.cols) < 2 {
				t.Errorf("%.2f-%d %s: %d column blocks, want several", c.alpha, c.size, l.Name, len(st.cols))
			}
		}
		if split != c.split || bordered != c.bordered {
			t.Errorf("%.2f-%d: %d column-split layers (%d with bordered out), want %d (%d)",
				c.alpha, c.size, split, bordered, c.split, c.bordered)
		}
	}
}
