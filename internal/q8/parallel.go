package q8

import (
	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/workpool"
)

// Native threads for the int8 network: each layer's output rows are split across
// the model's helper goroutines by internal/workpool, as core.Model's are (the
// same chunking, the same choice per Forward whether helpers pay off). The
// activation buffers are shared: conv1's and the pointwise layers' rows are
// row-local, and a depthwise row reads the previous layer's rows, all written
// before the layer starts. Each goroutine has its own Workspace (conv1's patches,
// the byte kernels' narrowed input, the depthwise zero frame). Every row is the same
// kernel call whichever goroutine runs it, so the logits are the 1-thread ones
// bit for bit. The pool and the classifier run on the caller's goroutine.

// SetThreads sets how many goroutines (the caller's included) each layer's rows
// are split across; n <= 0 means core.DefaultThreads(). It must not run
// concurrently with Forward. Helper goroutines start here, once.
func (m *Model) SetThreads(n int) {
	if n <= 0 {
		n = core.DefaultThreads()
	}
	for len(m.ws) < n {
		m.ws = append(m.ws, Workspace{})
		m.reserve(&m.ws[len(m.ws)-1])
	}
	m.team.Set(m, n, (*Model).runChunk)
}

// reserve grows ws to what any rows of any layer use, so that no Forward
// allocates: which goroutine runs which rows changes from frame to frame.
func (m *Model) reserve(ws *Workspace) {
	for _, st := range m.steps {
		l := st.l
		switch l.Kind {
		case core.Conv3x3:
			grow(&ws.patches, l.OutH*l.OutW*9*l.InC+slack)
		case core.Pointwise:
			st.pw.reserve(ws, l.OutH*l.OutW)
		case core.Depthwise:
			grow(&ws.pad, (l.InH+2)*(l.InW+2)*l.InC)
		}
	}
}

// Threads is how many goroutines each layer runs on (SetThreads; 1 for a new
// Model).
func (m *Model) Threads() int { return m.team.Threads() }

// Close stops the model's helper goroutines; the model still works afterwards, on
// the calling goroutine. A model dropped without Close has them stopped when it is
// garbage collected.
func (m *Model) Close() error {
	m.team.Close()
	return nil
}

// runLayer runs layer li's rows on the caller's goroutine, or split across the
// helpers when this Forward uses them and the layer is worth splitting.
func (m *Model) runLayer(li int) {
	l := m.Layers[li]
	rows := max(l.OutH, 1)
	chunks := 1
	if m.team.Helping() && (l.Kind == core.Conv3x3 || l.Kind == core.Depthwise || l.Kind == core.Pointwise) {
		chunks = workpool.Chunks(rows, l.MultAdds(), m.Threads(), workpool.ChunksPerThread)
	}
	if threads := min(m.Threads(), chunks); threads > 1 {
		m.team.Split(m, li, chunks, threads)
		return
	}
	m.runRows(li, 0, rows, &m.ws[0])
}

// runChunk computes chunk c of chunks of layer li's rows on goroutine me (for
// workpool).
func (m *Model) runChunk(li, c, chunks, me int) {
	rows := max(m.Layers[li].OutH, 1)
	m.runRows(li, rows*c/chunks, rows*(c+1)/chunks, &m.ws[me])
}
