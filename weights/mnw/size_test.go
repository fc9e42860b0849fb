package mnw

import (
	"bytes"
	"testing"

	"github.com/mobilenet-go/mobilenet/core"
)

// TestFileSize checks the size implied by the header is the encoded file's length,
// for both storage types, and that hostile headers are refused without panicking.
func TestFileSize(t *testing.T) {
	for _, f16 := range []bool{false, true} {
		w := zeroWeights(t, 0.25, 128)
		var buf bytes.Buffer
		if err := Encode(&buf, w, f16); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		tl, err := TableLen(data)
		if err != nil {
			t.Fatal(err)
		}
		got, err := FileSize(data[:tl])
		if err != nil || got != int64(len(data)) {
			t.Fatalf("f16=%v: FileSize = %d, %v; file is %d bytes", f16, got, err, len(data))
		}
	}
	huge := []byte("MNW\x1a\x01\x00\x01\x00\x00\x00\x00\x00\x00\x00\xe8\x3f\xe0\x00\x00\x00\x01\x00\x00\x00" +
		"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00\x00\x00")
	if _, err := FileSize(huge); err == nil {
		t.Error("a 2^128-value kernel: no error")
	}
	many := append([]byte(nil), huge[:24]...)
	many[20] = 0xff
	if _, err := TableLen(many); err == nil {
		t.Error("255 layers: no error")
	}
	if _, err := TableLen([]byte("MNW")); err == nil {
		t.Error("3 bytes: no error")
	}
}

func zeroWeights(t *testing.T, alpha float64, size int) *core.Weights {
	t.Helper()
	layers, err := ParamLayers(alpha, size)
	if err != nil {
		t.Fatal(err)
	}
	w := &core.Weights{Alpha: alpha, Size: size}
	for _, l := range layers {
		ks := KernelShape(l)
		w.Layers = append(w.Layers, core.Params{Kernel: make([]float32, ks[0]*ks[1]*ks[2]*ks[3]), Bias: make([]float32, l.OutC)})
	}
	return w
}
