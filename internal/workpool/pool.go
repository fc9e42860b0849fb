// Package workpool splits a network's layers across persistent helper goroutines:
// the f32 model's (core) and the int8 model's (internal/q8) native threads. A
// layer's parts (output rows, or column blocks) are cut into chunks: each
// goroutine first takes the chunks of its own contiguous share, in order, then
// claims whatever chunks of the others' shares are still unclaimed, from the far
// end. A helper that the OS or the Go scheduler has not run yet therefore delays
// nothing: the caller just does its share too. Every part is computed by the same
// kernel call whatever goroutine runs it, so the logits do not depend on the split.
package workpool

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// MinWorkPerChunk is the fewest mult-adds in a chunk: claiming one costs an
	// atomic compare-and-swap, a cross-core hand-off about a microsecond, which is
	// what the kernels need for this much work.
	MinWorkPerChunk = 100_000
	// ChunksPerThread bounds the chunks of a layer: enough to even out a helper
	// that starts late, few enough that each chunk still streams whole rows.
	ChunksPerThread = 2
	// MaxChunks is the most chunks one layer is cut into.
	MaxChunks = 64
)

// Chunks is how many chunks a layer of parts parts and multAdds multiply-adds is
// cut into on threads goroutines, perThread (ChunksPerThread, or 1 for a layer
// whose weights every chunk streams again) per goroutine at most.
func Chunks(parts int, multAdds int64, threads, perThread int) int {
	work := max(1, int(multAdds/MinWorkPerChunk))
	return min(parts, MaxChunks, perThread*threads, work)
}

// helperSpin is how long an idle helper polls for the next layer before parking.
// Within one Forward the next layer comes within microseconds, and waking a parked
// goroutine costs 5-50 us (and the runtime queues it on the waker's P, where it
// may sit until another P steals it), so helpers spin across a whole inference and
// park only between inferences.
const helperSpin = 300 * time.Microsecond

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

// Pool is a model's persistent helper goroutines and the current layer's job. It
// holds the model only between Begin and End (it is cleared after), so an
// unreachable model can be collected and its cleanup close the pool.
type Pool[M any] struct {
	// job is the current layer: number<<32 | layer<<16 | chunks<<8 | threads;
	// threads 0 asks the helpers to exit.
	job    paddedU64
	done   paddedU64 // chunks of the current job finished
	chunks [MaxChunks]paddedU64
	model  atomic.Pointer[M]
	run    func(m *M, layer, chunk, chunks, me int)
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

// New starts n helper goroutines. run computes chunk of chunks of a layer on
// goroutine me (0 the caller, 1..n the helpers: for per-goroutine scratch); it
// must not hold m past the call.
func New[M any](n int, run func(m *M, layer, chunk, chunks, me int)) *Pool[M] {
	p := &Pool[M]{helpers: make([]helper, n), run: run}
	for i := range p.helpers {
		p.helpers[i].wake = make(chan struct{}, 1)
		p.exited.Go(func() { p.work(i + 1) })
	}
	return p
}

// work is helper number me's loop: wait for a new job, take part in it, repeat.
func (p *Pool[M]) work(me int) {
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
func (p *Pool[M]) await(h *helper, seen uint64) uint64 {
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
func (p *Pool[M]) post(li, chunks, threads int) uint64 {
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
func (p *Pool[M]) publish(job uint64, n int) {
	p.job.Store(job)
	for i := range p.helpers[:n] {
		if h := &p.helpers[i]; h.sleeping.Load() && h.sleeping.CompareAndSwap(true, false) {
			h.wake <- struct{}{}
		}
	}
}

// runChunks does goroutine me's share of job's chunks, then claims any left in the
// others' shares, last first.
func (p *Pool[M]) runChunks(m *M, me int, job uint64) {
	seq, li := job>>32, int(job>>16&0xffff)
	chunks, threads := int(job>>8&0xff), int(job&0xff)
	free, claimed := seq<<chunkBits|chunkFree, seq<<chunkBits|chunkClaimed
	for c := chunks * me / threads; c < chunks*(me+1)/threads; c++ {
		if p.chunks[c].CompareAndSwap(free, claimed) {
			p.run(m, li, c, chunks, me)
			p.done.Add(1)
		}
	}
	for c := chunks - 1; c >= 0; c-- {
		if p.chunks[c].CompareAndSwap(free, claimed) {
			p.run(m, li, c, chunks, me)
			p.done.Add(1)
		}
	}
}

// Begin lets the helpers use m until End: a Forward's layers run in between. It
// wakes parked helpers now, with a job that has no work for them, so that they
// are running by the time the first layer is posted.
func (p *Pool[M]) Begin(m *M) {
	p.model.Store(m)
	p.seq++
	p.publish(uint64(p.seq)<<32|1, len(p.helpers))
}

// End ends what Begin began.
func (p *Pool[M]) End() { p.model.Store(nil) }

// Split runs layer li's chunks chunks on threads goroutines (the caller's and
// threads-1 helpers, threads >= 2) between Begin and End, and returns when all are
// done.
func (p *Pool[M]) Split(m *M, li, chunks, threads int) {
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

// Close ends the helper goroutines and waits for them to exit; it is safe to call
// more than once. Only the model's owner (or its cleanup) calls it, never during a
// Forward.
func (p *Pool[M]) Close() {
	p.once.Do(func() {
		p.seq++
		p.publish(uint64(p.seq)<<32, len(p.helpers)) // threads 0: exit
	})
	p.exited.Wait()
}

// Team is a model's threads: how many goroutines each layer runs on, the helpers'
// pool (none with one), and the Chooser that decides per Forward whether they take
// part. The model embeds one and brackets each Forward with Begin and End.
type Team[M any] struct {
	threads int
	pool    *Pool[M]
	cleanup runtime.Cleanup // closes pool when the model is collected
	chooser Chooser
	helping bool // the current Forward splits layers
	// Force makes every Forward use the helpers (tests: not left to the chooser).
	Force bool
}

// Set makes owner's layers run on n >= 1 goroutines (the caller's included),
// starting n-1 helpers that call run; it must not run during a Forward. A
// dropped owner has its helpers stopped when it is garbage collected.
func (t *Team[M]) Set(owner *M, n int, run func(m *M, layer, chunk, chunks, me int)) {
	t.Close()
	t.threads = max(n, 1)
	t.chooser = Chooser{}
	if n > 1 {
		t.pool = New(n-1, run)
		t.cleanup = runtime.AddCleanup(owner, (*Pool[M]).Close, t.pool)
	}
}

// Threads is how many goroutines each layer runs on (1 before Set).
func (t *Team[M]) Threads() int { return max(t.threads, 1) }

// Close stops the helpers; the model then runs on its caller's goroutine.
func (t *Team[M]) Close() {
	if t.pool != nil {
		t.pool.Close()
		t.cleanup.Stop()
		t.pool = nil
	}
	t.threads = 1
}

// Begin decides whether this Forward of m uses the helpers and lets them use m.
func (t *Team[M]) Begin(m *M) {
	t.helping = t.pool != nil && (t.Force || t.chooser.Pick())
	if t.helping {
		t.pool.Begin(m)
	}
}

// End ends what Begin began and records how long the Forward took.
func (t *Team[M]) End(start time.Time) {
	if t.pool != nil {
		t.pool.End()
		t.chooser.Record(t.helping, time.Since(start))
	}
}

// Forward runs a model's layer table, run(m, li) for li in [0, layers), between
// Begin and End; where times is not nil (a profiled Forward) times[li] gets layer
// li's wall time. run is a method expression such as (*Model).runLayer, so a
// Forward allocates nothing.
func (t *Team[M]) Forward(m *M, layers int, times []time.Duration, run func(m *M, li int)) {
	start := time.Now()
	t.Begin(m)
	defer t.End(start)
	for li := range layers {
		if times == nil {
			run(m, li)
			continue
		}
		t0 := time.Now()
		run(m, li)
		times[li] = time.Since(t0)
	}
}

// Helping says whether the current Forward (between Begin and End) splits layers.
func (t *Team[M]) Helping() bool { return t.helping }

// Split runs layer li's chunks on threads goroutines (see Pool.Split); only while
// Helping.
func (t *Team[M]) Split(m *M, li, chunks, threads int) { t.pool.Split(m, li, chunks, threads) }
