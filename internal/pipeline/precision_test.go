package pipeline

import (
	"testing"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/q8"
)

// An int8 engine runs the same pipeline (decode, crop, resize, softmax, top-k) on
// internal/q8's network: its logits are q8.Model's on the same preprocessed input,
// Info says int8, and a steady-state raw frame allocates nothing.
func TestInt8EngineRunsTheQuantizedNetwork(t *testing.T) {
	w, err := core.RandomWeights(0.25, 128, 7)
	if err != nil {
		t.Fatal(err)
	}
	qw, err := q8.Quantize(w)
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewInt8(qw, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if e.Precision() != Int8 {
		t.Fatalf("precision %q", e.Precision())
	}
	in, err := e.Info(0)
	if err != nil || in.Precision != "int8" || in.Kernels != q8.KernelName {
		t.Fatalf("info %+v, %v", in, err)
	}
	img := gradient(150, 100)
	copy(e.Frame(len(img.Pix)), img.Pix)
	preds, err := e.Run(150, 100, 0, 0.875, 3)
	if err != nil {
		t.Fatal(err)
	}
	// The same input through q8 directly.
	m, err := q8.NewModel(qw, 128)
	if err != nil {
		t.Fatal(err)
	}
	input := make([]float32, m.InputLen())
	if err := core.PreprocessRGBA(input, img.Pix, 150, 100, 600, 128, 0.875); err != nil {
		t.Fatal(err)
	}
	logits, _ := m.Forward(input)
	probs := make([]float32, core.NumClasses)
	core.Softmax(probs, logits)
	want := core.TopK(nil, probs, 3)
	for i := range want {
		if preds[i] != want[i] {
			t.Fatalf("prediction %d: engine %+v, q8 %+v", i, preds[i], want[i])
		}
	}
	if f := e.Features(); len(f) != len(m.Features()) || f[0] != m.Features()[0] {
		t.Fatalf("features differ")
	}
	if a := testing.AllocsPerRun(3, func() { e.Run(150, 100, 0, 0.875, 3) }); a != 0 {
		t.Fatalf("an int8 frame allocates %v times", a)
	}
	if _, err := ParsePrecision("int4"); err == nil {
		t.Fatal("int4 accepted")
	}
}
