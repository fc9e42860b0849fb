package core

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMemoryFlatOver10000Inferences runs the whole pipeline a camera loop runs
// (preprocess a raw RGBA frame, forward, softmax, top-5) 10,000 times and checks that
// the Go heap and the memory obtained from the OS do not grow. It runs natively and,
// through make test-go-wasm, in the js/wasm build, where Sys is the wasm memory.
// A small model (alpha 0.25, 32x32 input) keeps it fast; the buffers it exercises
// are the same at any size.
func TestMemoryFlatOver10000Inferences(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 1000
	}
	w, err := RandomWeights(0.25, 224, 11)
	require.NoError(t, err)
	m, err := NewModel(w, 32)
	require.NoError(t, err)
	defer m.Close()
	const fw, fh = 64, 48
	frame := make([]byte, fw*fh*4)
	input := make([]float32, m.InputLen())
	probs := make([]float32, NumClasses)
	top := make([]Prediction, 0, 5)
	step := func(i int) {
		for p := range frame {
			frame[p] = byte(i + p)
		}
		require.NoError(t, PreprocessRGBA(input, frame, fw, fh, fw*4, m.Size, 0))
		logits, err := m.Forward(input)
		require.NoError(t, err)
		Softmax(probs, logits)
		top = TopK(top, probs, 5)
	}
	for i := 0; i < 50; i++ { // warm up: lazily grown runtime structures
		step(i)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := 0; i < n; i++ {
		step(i)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("%d inferences: heap %d -> %d bytes, sys %d -> %d, mallocs +%d",
		n, before.HeapAlloc, after.HeapAlloc, before.Sys, after.Sys, after.Mallocs-before.Mallocs)
	require.Less(t, int64(after.HeapAlloc)-int64(before.HeapAlloc), int64(64<<10), "heap grew")
	require.LessOrEqual(t, after.Sys, before.Sys+1<<20, "memory from the OS grew")
	require.Less(t, after.Mallocs-before.Mallocs, uint64(n/10), "inference allocates")
}
