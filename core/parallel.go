package core

import (
	"runtime"
	"sync"
)

// minWorkPerPart is the fewest mult-adds worth handing to another goroutine: waking
// one and waiting for it costs a few microseconds, about what the kernels need for
// this much work, so smaller layers (and the tails of the network) are split less.
const minWorkPerPart = 400_000

// DefaultThreads is how many goroutines a new Model runs each layer on: GOMAXPROCS
// natively, 1 under js/wasm (a wasm instance has one thread; run more models in
// more workers instead).
func DefaultThreads() int {
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		return 1
	}
	return runtime.GOMAXPROCS(0)
}

// rowTask asks a worker to compute output rows [y0, y1) of layer li of m.
type rowTask struct {
	m          *Model
	li, y0, y1 int
}

// workerPool is a model's persistent helper goroutines. It holds no reference to
// the Model between Forward calls (tasks carry it), so an unreachable Model can be
// collected and its cleanup closes the pool.
type workerPool struct {
	tasks []chan rowTask // one unbuffered channel per helper
	done  chan struct{}
	once  sync.Once
}

func newWorkerPool(helpers int) *workerPool {
	p := &workerPool{tasks: make([]chan rowTask, helpers), done: make(chan struct{}, helpers)}
	for i := range p.tasks {
		p.tasks[i] = make(chan rowTask)
		go p.work(p.tasks[i])
	}
	return p
}

func (p *workerPool) work(tasks chan rowTask) {
	for t := range tasks {
		t.m.runRows(t.li, t.y0, t.y1)
		p.done <- struct{}{}
	}
}

// close ends the helper goroutines; it is safe to call more than once.
func (p *workerPool) close() {
	p.once.Do(func() {
		for _, c := range p.tasks {
			close(c)
		}
	})
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

// runLayer computes layer li's rows [0, rows), split into at most m.threads
// contiguous ranges of rows, fewer when the layer is too small to be worth it.
func (m *Model) runLayer(li int) {
	l := &m.Layers[li]
	rows := l.OutH
	parts := min(m.threads, rows, max(1, int(l.MultAdds()/minWorkPerPart)))
	if parts <= 1 || m.pool == nil {
		m.runRows(li, 0, rows)
		return
	}
	for i := 1; i < parts; i++ {
		m.pool.tasks[i-1] <- rowTask{m: m, li: li, y0: rows * i / parts, y1: rows * (i + 1) / parts}
	}
	m.runRows(li, 0, rows/parts)
	for i := 1; i < parts; i++ {
		<-m.pool.done
	}
}
