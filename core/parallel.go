package core

import (
	"runtime"

	"sync"
	"sync/atomic"
	"time"
)

// A layer's output rows are cut into chunks: each goroutine first takes the chunks
// of its own contiguous share, in order, then claims whatever chunks of the others'
// shares are still unclaimed, from the far end. A helper that the OS or the Go
// scheduler has not run yet therefore delays nothing: the caller just does its
// share too. Every row is computed by the same kernel call whatever thread runs
// it, so the logits do not depend on the split.
const (
	// minWorkPerChunk is the fewest mult-adds in a chunk: claiming one costs an
	// atomic compare-and-swap, a cross-core hand-off about a microsecond, which is
	// what the kernels need for this much work.
	minWorkPerChunk = 100_000
	// chunksPerThread bounds the chunks of a layer: enough to even out a helper
	// that starts late, few enough that each chunk still streams whole rows.
	chunksPerThread = 2
	maxChunks       = 64
	// bigWeights is the size (floats) of a pointwise weight matrix past which a
	// layer takes one chunk per thread: it no longer fits a core's L2 cache.
	bigWeights = 64 << 10
)

// helperSpin is how long an idle helper polls for the next layer before parking.
// Within one Forward the next layer comes within microseconds, and waking a parked
// goroutine costs 5-50 us (and the runtime queues it on the waker's P, where it
// may sit until another P steals it), so helpers spin across a whole inference and
// park only between inferences.
const helperSpin = 300 * time.Microsecond

// DefaultThreads is how many goroutines a new Model runs each layer on: GOMAXPROCS
// natively, 1 under js/wasm (a wasm instance has one thread; run more models in
// more workers instead).
func DefaultThreads() int {
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		return 1
	}
	return runtime.GOMAXPROCS(0)
}

// chunk states, in the low bits of a chunk word whose high bits hold the layer's
// job number, so a helper still looking at an older layer cannot claim a chunk.
const (
	chunkFree    = 0
	chunkClaimed = 1
	chunkBits    = 1
)

// paddedU64 keeps each hot atomic on its own cache line: polling one must not
// slow writes to its neighbours (false sharing).
type paddedU64 struct {
	atomic.Uint64
	_ [56]byte
}

// workerPool is a model's persistent helper goroutines and the current layer's
// job. It holds the Model only while a Forward runs (model is cleared after), so
// an unreachable Model can be collected and its cleanup closes the pool.
type workerPool struct {
	// job is the current layer: number<<32 | layer<<16 | chunks<<8 | threads;
	// threads 0 asks the helpers to exit.
	job    paddedU64
	done   paddedU64 // chunks of the current job finished
	chunks [maxChunks]paddedU64
	model  atomic.Pointer[Model]
	seq    uint32 // the last job number (the caller's only)

	helpers []helper
	once    sync.Once
	exited  sync.WaitGroup
}

// helper is one goroutine's parking place.
type helper struct {
	sleeping atomic.Bool
	wake     chan struct{} // capacity 1: the caller's signal to a parked helper
	_        [48]byte
}

func newWorkerPool(n int) *workerPool {
	p := &workerPool{helpers: make([]helper, n)}
	for i := range p.helpers {
		p.helpers[i].wake = make(chan struct{}, 1)
		p.exited.Go(func() { p.work(i + 1) })
	}
	return p
}

// work is helper number me's loop: wait for a new job, take part in it, repeat.
func (p *workerPool) work(me int) {
	h := &p.helpers[me-1]
	var seen uint64
	for {
		job := p.await(h, seen)
		seen = job
		threads := int(job & 0xff)
		if threads == 0 {
			return
		}
		if me >= threads {
			continue
		}
		m := p.model.Load()
		if m == nil {
			continue // the Forward ended before this helper looked
		}
		p.runChunks(m, me, job)
	}
}

// await returns the first job word that differs from seen: it polls for
// helperSpin, then parks until the caller wakes it.
func (p *workerPool) await(h *helper, seen uint64) uint64 {
	deadline := time.Now().Add(helperSpin)
	for i := 0; ; i++ {
		if j := p.job.Load(); j != seen {
			return j
		}
		if i%64 == 63 && time.Now().After(deadline) {
			break
		}
	}
	// Park. Either the caller sees sleeping and sends a wake-up, or this sees the
	// new job; the CompareAndSwap decides which, so a wake-up is neither lost nor
	// left over for the next park.
	h.sleeping.Store(true)
	if j := p.job.Load(); j != seen && h.sleeping.CompareAndSwap(true, false) {
		return j
	}
	<-h.wake
	return p.job.Load()
}

// post publishes a job for a layer's chunks and wakes the parked helpers that
// take part in it.
func (p *workerPool) post(li, chunks, threads int) uint64 {
	p.seq++
	job := uint64(p.seq)<<32 | uint64(li)<<16 | uint64(chunks)<<8 | uint64(threads)
	for i := range chunks {
		p.chunks[i].Store(uint64(p.seq)<<chunkBits | chunkFree)
	}
	p.done.Store(0)
	p.publish(job, threads-1)
	return job
}

// publish makes job the current one and wakes the first n helpers if parked.
func (p *workerPool) publish(job uint64, n int) {
	p.job.Store(job)
	for i := range p.helpers[:n] {
		if h := &p.helpers[i]; h.sleeping.Load() && h.sleeping.CompareAndSwap(true, false) {
			h.wake <- struct{}{}
		}
	}
}

// runChunks does goroutine me's share of job's chunks, then claims any left in the
// others' shares, last first.
func (p *workerPool) runChunks(m *Model, me int, job uint64) {
	seq, li := job>>32, int(job>>16&0xffff)
	chunks, threads := int(job>>8&0xff), int(job&0xff)
	st := &m.steps[li]
	parts := st.parts
	free, claimed := seq<<chunkBits|chunkFree, seq<<chunkBits|chunkClaimed
	for c := chunks * me / threads; c < chunks*(me+1)/threads; c++ {
		if p.chunks[c].CompareAndSwap(free, claimed) {
			st.run(parts*c/chunks, parts*(c+1)/chunks)
			p.done.Add(1)
		}
	}
	for c := chunks - 1; c >= 0; c-- {
		if p.chunks[c].CompareAndSwap(free, claimed) {
			st.run(parts*c/chunks, parts*(c+1)/chunks)
			p.done.Add(1)
		}
	}
}

// close ends the helper goroutines and waits for them to exit; it is safe to call
// more than once. Only the caller of Forward (or the Model's cleanup) calls it,
// never during a Forward.
func (p *workerPool) close() {
	p.once.Do(func() {
		p.seq++
		p.publish(uint64(p.seq)<<32, len(p.helpers)) // threads 0: exit
	})
	p.exited.Wait()
}

// SetThreads sets how many goroutines (the caller's included) each layer's rows are
// split across; n <= 0 means DefaultThreads(). It must not run concurrently with
// Forward. Helper goroutines start here, once, not per inference.
func (m *Model) SetThreads(n int) {
	if n <= 0 {
		n = DefaultThreads()
	}
	if m.pool != nil {
		m.pool.close()
		m.cleanup.Stop()
		m.pool = nil
	}
	m.threads = n
	m.chooser = helperChooser{}
	if n > 1 {
		m.pool = newWorkerPool(n - 1)
		m.cleanup = runtime.AddCleanup(m, (*workerPool).close, m.pool)
	}
}

// Threads is the number of goroutines each layer runs on (see SetThreads).
func (m *Model) Threads() int { return m.threads }

// Close stops the model's helper goroutines. The model still works afterwards, on
// the calling goroutine only. Models that are dropped without Close have their
// goroutines stopped when they are garbage collected.
func (m *Model) Close() error {
	m.SetThreads(1)
	return nil
}

// beginParallel and endParallel bracket a Forward's layers: helpers may use the
// Model only in between. beginParallel decides whether this Forward uses the
// helpers at all (see helperChooser); endParallel records how long it took.
func (m *Model) beginParallel() {
	m.useHelpers = m.pool != nil && (m.forceHelpers || m.chooser.pick())
	if p := m.pool; m.useHelpers {
		p.model.Store(m)
		// Wake parked helpers now, with a job that has no work for them, so that
		// they are running by the time the first layer is posted.
		p.seq++
		p.publish(uint64(p.seq)<<32|1, len(p.helpers))
	}
}

func (m *Model) endParallel(start time.Time) {
	if m.pool != nil {
		m.pool.model.Store(nil)
		m.chooser.record(m.useHelpers, time.Since(start))
	}
}

// runSplit computes layer li's parts [0, parts) (rows or column blocks, see
// step.run) in chunks on up to m.threads goroutines, fewer when the layer is too
// small to be worth it.
func (m *Model) runSplit(li int) {
	st := &m.steps[li]
	perThread := chunksPerThread
	if pw := st.pw; pw != nil && pw.K*pw.N > bigWeights {
		perThread = 1 // every chunk streams the whole matrix from the shared cache again
	}
	work := max(1, int(st.l.MultAdds()/minWorkPerChunk))
	chunks := min(st.parts, maxChunks, perThread*m.threads, work)
	if st.cols != nil {
		chunks = min(st.parts, work) // a chunk per block
	}
	threads := min(m.threads, chunks)
	if threads <= 1 {
		st.run(0, st.parts)
		return
	}
	p := m.pool
	job := p.post(li, chunks, threads)
	p.runChunks(m, 0, job)
	// Wait for chunks helpers claimed, yielding now and then: a helper just
	// woken may be queued on this goroutine's own P.
	for i := 1; p.done.Load() != uint64(chunks); i++ {
		if i%128 == 0 {
			runtime.Gosched()
		}
	}
}
