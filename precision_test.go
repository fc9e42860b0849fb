package mobilenet_test

import (
	"image"
	"image/color"
	"strings"
	"testing"

	"github.com/mobilenet-go/mobilenet"
)

// WithPrecision("int8") runs the int8 network through the same Classifier API.
func TestWithPrecisionInt8(t *testing.T) {
	clf := load(t, mobilenet.WithPrecision("int8"))
	info, err := clf.Info()
	if err != nil || info.Precision != "int8" || !strings.HasPrefix(info.Kernels, "int8-") {
		t.Fatalf("info %+v, %v", info, err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	img.Set(3, 4, color.RGBA{255, 0, 0, 255})
	preds, err := clf.Classify(img, 3)
	if err != nil || len(preds) != 3 || !(preds[0].Probability >= preds[1].Probability) {
		t.Fatalf("predictions %+v, %v", preds, err)
	}
	if f32, _ := load(t).Info(); f32.Precision != "f32" {
		t.Fatalf("default precision %q", f32.Precision)
	}
	if _, err := mobilenet.Load("unused.mnw", mobilenet.WithPrecision("fp16")); err == nil || !strings.Contains(err.Error(), "WithPrecision") {
		t.Fatalf("a bad precision gave %v", err)
	}
}
