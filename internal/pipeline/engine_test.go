package pipeline

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/mobilenet-go/mobilenet/core"
)

func testEngine(t *testing.T) *Engine {
	t.Helper()
	w, err := core.RandomWeights(0.25, 128, 7)
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(w, 0)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// gradient is a w x h test picture with structure in every channel.
func gradient(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x ^ y) & 255), 255})
		}
	}
	return img
}

func TestEncodedAndRawFramesAgree(t *testing.T) {
	e := testEngine(t)
	img := gradient(150, 100)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	copy(e.Frame(buf.Len()), buf.Bytes())
	enc, err := e.Run(0, 0, 0, 0.875, 5)
	if err != nil {
		t.Fatal(err)
	}
	enc = append([]core.Prediction(nil), enc...)
	if e.Decode <= 0 || e.Preprocess <= 0 || e.Inference <= 0 {
		t.Fatalf("timings not measured: %v %v %v", e.Decode, e.Preprocess, e.Inference)
	}
	featEnc := append([]float32(nil), e.Features()...)
	copy(e.Frame(len(img.Pix)), img.Pix)
	raw, err := e.Run(150, 100, 0, 0.875, 5)
	if err != nil {
		t.Fatal(err)
	}
	for i := range raw {
		if raw[i] != enc[i] {
			t.Fatalf("prediction %d: raw %+v, encoded %+v", i, raw[i], enc[i])
		}
	}
	for i, v := range e.Features() {
		if v != featEnc[i] {
			t.Fatalf("feature %d: raw %v, encoded %v", i, v, featEnc[i])
		}
	}
	if len(featEnc) != core.Channels(1024, 0.25) {
		t.Fatalf("%d features, want %d", len(featEnc), core.Channels(1024, 0.25))
	}
	if e.Decode != 0 {
		t.Fatalf("a raw frame reports %v decoding", e.Decode)
	}
}

func TestRawFramesDoNotAllocate(t *testing.T) {
	e := testEngine(t)
	img := gradient(64, 48)
	if _, err := e.Run(0, 0, 0, 0, 1); err == nil {
		t.Fatal("an empty frame classified")
	}
	allocs := testing.AllocsPerRun(5, func() {
		copy(e.Frame(len(img.Pix)), img.Pix)
		if _, err := e.Run(64, 48, 96, 0, 5); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("a raw frame costs %v allocations in steady state, want 0", allocs)
	}
}

func TestRunErrors(t *testing.T) {
	e := testEngine(t)
	copy(e.Frame(10), make([]byte, 10))
	for _, c := range []struct {
		name             string
		w, h, size, topk int
		crop             float64
		want             string
	}{
		{"short frame", 4, 4, 0, 5, 0, "too small"},
		{"crop above 1", 2, 1, 0, 5, 1.5, "crop"},
		{"negative crop", 2, 1, 0, 5, -0.5, "crop"},
		{"no classes", 2, 1, 0, 0, 0, "topk"},
		{"bad size", 2, 1, 100, 5, 0, "multiple of 32"},
		{"garbage bytes", 0, 0, 0, 5, 0, "image"},
	} {
		_, err := e.Run(c.w, c.h, c.size, c.crop, c.topk)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	if _, err := New(&core.Weights{Alpha: 0.25}, 0); err == nil {
		t.Error("empty weights accepted")
	}
}

func TestInfo(t *testing.T) {
	e := testEngine(t)
	in, err := e.Info(0)
	if err != nil {
		t.Fatal(err)
	}
	arch, _ := core.Architecture(0.25, 128)
	ma, p := core.Totals(arch)
	if in.Size != 128 || in.Alpha != 0.25 || in.MultAdds != ma || in.Params != p || in.FeatureLength != 256 {
		t.Fatalf("info %+v", in)
	}
}

// Library callers hand over decoded images; an *image.RGBA in steady state costs no
// allocation either, and all three entry points give the same answer.
func TestDecodedImagesDoNotAllocate(t *testing.T) {
	e := testEngine(t)
	img := gradient(64, 48)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	enc, err := e.ClassifyEncoded(buf.Bytes(), 96, 0.875, 3)
	if err != nil {
		t.Fatal(err)
	}
	enc = append([]core.Prediction(nil), enc...)
	dec, err := e.ClassifyImage(img, 96, 0.875, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i := range dec {
		if dec[i] != enc[i] {
			t.Fatalf("prediction %d: decoded %+v, encoded %+v", i, dec[i], enc[i])
		}
	}
	allocs := testing.AllocsPerRun(5, func() {
		if _, err := e.ClassifyImage(img, 96, 0.875, 5); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("a decoded *image.RGBA costs %v allocations in steady state, want 0", allocs)
	}
	if _, err := e.ClassifyImage(nil, 0, 0, 5); err == nil {
		t.Fatal("a nil image classified")
	}
}

func TestThreadsApplyToLaterSizes(t *testing.T) {
	e := testEngine(t)
	e.SetThreads(1)
	if _, err := e.model(64); err != nil {
		t.Fatal(err)
	}
	for size, m := range e.models {
		if m.net.Threads() != 1 {
			t.Fatalf("size %d runs on %d threads after SetThreads(1)", size, m.net.Threads())
		}
	}
	if _, err := e.model(100); err == nil {
		t.Fatal("size 100 prepared")
	}
	e.Close()
	if len(e.models) != 0 {
		t.Fatal("Close kept models")
	}
}
