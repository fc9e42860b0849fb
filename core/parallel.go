package core

import (
	"runtime"

	"github.com/mobilenet-go/mobilenet/internal/workpool"
)

// A layer's output rows (or column blocks) are split across the model's helper
// goroutines by internal/workpool: chunks claimed in order, a late helper
// delaying nothing, and the same kernel call for every part whoever runs it, so
// the logits do not depend on the split.

// bigWeights is the size (floats) of a pointwise weight matrix past which a layer
// takes one chunk per thread: it no longer fits a core's L2 cache.
const bigWeights = 64 << 10

// DefaultThreads is how many goroutines a new Model runs each layer on: GOMAXPROCS
// natively, 1 under js/wasm (a wasm instance has one thread; run more models in
// more workers instead).
func DefaultThreads() int {
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		return 1
	}
	return runtime.GOMAXPROCS(0)
}

// SetThreads sets how many goroutines (the caller's included) each layer's rows are
// split across; n <= 0 means DefaultThreads(). It must not run concurrently with
// Forward. Helper goroutines start here, once, not per inference.
func (m *Model) SetThreads(n int) {
	if n <= 0 {
		n = DefaultThreads()
	}
	m.team.Set(m, n, (*Model).runChunk)
}

// Threads is the number of goroutines each layer runs on (see SetThreads).
func (m *Model) Threads() int { return m.team.Threads() }

// Close stops the model's helper goroutines. The model still works afterwards, on
// the calling goroutine only. Models that are dropped without Close have their
// goroutines stopped when they are garbage collected.
func (m *Model) Close() error {
	m.team.Close()
	return nil
}

// runSplit computes layer li's parts [0, parts) (rows or column blocks, see
// step.run) in chunks on up to m.threads goroutines, fewer when the layer is too
// small to be worth it.
func (m *Model) runSplit(li int) {
	st := &m.steps[li]
	perThread := workpool.ChunksPerThread
	if pw := st.pw; pw != nil && pw.K*pw.N > bigWeights {
		perThread = 1 // every chunk streams the whole matrix from the shared cache again
	}
	chunks := workpool.Chunks(st.parts, st.l.MultAdds(), m.Threads(), perThread)
	if st.cols != nil {
		chunks = min(st.parts, max(1, int(st.l.MultAdds()/workpool.MinWorkPerChunk))) // a chunk per block
	}
	threads := min(m.Threads(), chunks)
	if threads <= 1 {
		st.run(0, st.parts)
		return
	}
	m.team.Split(m, li, chunks, threads)
}

// runChunk computes chunk c of chunks of layer li's parts (for workpool).
func (m *Model) runChunk(li, c, chunks, _ int) {
	st := &m.steps[li]
	st.run(st.parts*c/chunks, st.parts*(c+1)/chunks)
}
