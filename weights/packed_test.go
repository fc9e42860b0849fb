package weights

import (
	"bytes"
	"encoding/binary"
	"errors"
	"github.com/mobilenet-go/mobilenet/weights/mnw"
	"hash/crc32"
	"math"
	"strings"
	"testing"

	"github.com/mobilenet-go/mobilenet/core"
)

func encode(t testing.TB, w *core.Weights, f16 bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := EncodePacked(&buf, w, f16); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestPackedRoundTripFloat32Exact(t *testing.T) {
	w := randomWeights(t, 0.25, 128, 5)
	data := encode(t, w, false)
	got, err := DecodePacked(data)
	if err != nil {
		t.Fatal(err)
	}
	if got.Alpha != w.Alpha || got.Size != w.Size || len(got.Layers) != len(w.Layers) {
		t.Fatalf("header: alpha %v size %d layers %d", got.Alpha, got.Size, len(got.Layers))
	}
	for i := range w.Layers {
		for j, v := range w.Layers[i].Kernel {
			if math.Float32bits(got.Layers[i].Kernel[j]) != math.Float32bits(v) {
				t.Fatalf("layer %d kernel[%d] = %v, want %v", i, j, got.Layers[i].Kernel[j], v)
			}
		}
		for j, v := range w.Layers[i].Bias {
			if math.Float32bits(got.Layers[i].Bias[j]) != math.Float32bits(v) {
				t.Fatalf("layer %d bias[%d] = %v, want %v", i, j, got.Layers[i].Bias[j], v)
			}
		}
	}
	// The file is exactly header + shapes + 4 bytes a value + CRC.
	layers, _ := paramLayers(0.25, 128)
	n := 0
	for _, l := range layers {
		n += l.KernelLen() + l.OutC
	}
	if want := 24 + 20*len(layers) + 4*n + 4; len(data) != want {
		t.Fatalf("file is %d bytes, want %d", len(data), want)
	}
	// Encoding is deterministic: the decoded weights encode to the same bytes.
	if again := encode(t, got, false); !bytes.Equal(again, data) {
		t.Fatal("re-encoding the decoded weights changed the file")
	}
}

func TestPackedRoundTripFloat16(t *testing.T) {
	w := randomWeights(t, 0.5, 160, 6)
	w.Layers[0].Kernel[0] = 1e-6   // a float16 subnormal
	w.Layers[0].Kernel[1] = -60000 // near the top of the range
	got, err := DecodePacked(encode(t, w, true))
	if err != nil {
		t.Fatal(err)
	}
	for i := range w.Layers {
		for _, pair := range [][2][]float32{{w.Layers[i].Kernel, got.Layers[i].Kernel}, {w.Layers[i].Bias, got.Layers[i].Bias}} {
			for j, v := range pair[0] {
				g := pair[1][j]
				// Within half a float16 ulp: relative 2^-11 for normals, 2^-25 absolute below.
				if d := math.Abs(float64(g) - float64(v)); d > math.Abs(float64(v))/2048+math.Ldexp(1, -25) {
					t.Fatalf("layer %d value %d: %v became %v", i, j, v, g)
				}
				if g != mnw.HalfToFloat32(mnw.Float32ToHalf(v)) {
					t.Fatalf("layer %d value %d: %v became %v, not its nearest float16", i, j, v, g)
				}
			}
		}
	}
}

func TestEncodePackedRejects(t *testing.T) {
	w := randomWeights(t, 0.25, 224, 1)
	w.Layers[3].Bias[2] = float32(math.NaN())
	if err := EncodePacked(&bytes.Buffer{}, w, false); err == nil || !strings.Contains(err.Error(), "bias[2] is NaN") {
		t.Errorf("NaN: error %v", err)
	}
	w = randomWeights(t, 0.25, 224, 1)
	w.Layers[5].Kernel[7] = 70000
	var buf bytes.Buffer
	if err := EncodePacked(&buf, w, true); err == nil || !strings.Contains(err.Error(), "overflows float16") || buf.Len() != 0 {
		t.Errorf("f16 overflow: error %v, %d bytes written", err, buf.Len())
	}
	if err := EncodePacked(&buf, w, false); err != nil {
		t.Errorf("70000 fits float32: %v", err)
	}
	w.Layers = w.Layers[:27]
	if err := EncodePacked(&bytes.Buffer{}, w, false); err == nil {
		t.Error("27 layers: no error")
	}
	if err := EncodePacked(failingWriter{}, randomWeights(t, 0.25, 224, 1), false); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("failing writer: error %v", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// withCRC recomputes the trailing checksum after an edit, so the decoder's other
// checks are what fails.
func withCRC(b []byte) []byte {
	binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.ChecksumIEEE(b[:len(b)-4]))
	return b
}

func TestDecodePackedErrors(t *testing.T) {
	good := encode(t, randomWeights(t, 0.25, 224, 2), false)
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	for _, tc := range []struct {
		name, want string
		data       []byte
	}{
		{"empty", "truncated", nil},
		{"bad magic", "bad magic", edit(func(b []byte) []byte { b[0] = 'X'; return b })},
		{"json", "bad magic", []byte(`{"modelTopology": {}}`)},
		{"version", "unsupported version 3", edit(func(b []byte) []byte { b[4] = 3; return withCRC(b) })},
		{"float in version 2", "float storage in a version 2 file", edit(func(b []byte) []byte { b[4] = 2; return withCRC(b) })},
		{"int8 in version 1", "int8 storage in a version 1 file", edit(func(b []byte) []byte { b[6] = 3; return withCRC(b) })},
		{"storage", "unknown storage type 4", edit(func(b []byte) []byte { b[6] = 4; return withCRC(b) })},
		{"flags", "unknown flags", edit(func(b []byte) []byte { b[7] = 1; return withCRC(b) })},
		{"alpha", "kernel shape", edit(func(b []byte) []byte {
			binary.LittleEndian.PutUint64(b[8:], math.Float64bits(0.5))
			return withCRC(b)
		})},
		{"alpha NaN", "width multiplier", edit(func(b []byte) []byte {
			binary.LittleEndian.PutUint64(b[8:], math.Float64bits(math.NaN()))
			return withCRC(b)
		})},
		{"size", "input size 100", edit(func(b []byte) []byte { b[16] = 100; return withCRC(b) })},
		{"layer count", "29 layers", edit(func(b []byte) []byte { b[20] = 29; return withCRC(b) })},
		{"shape", "layer 2 (conv_pw_1): kernel shape dimension 3 is 17", edit(func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[24+2*20+12:], 17)
			return withCRC(b)
		})},
		{"bias length", "layer 27 (conv_preds): bias length 999", edit(func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[24+27*20+16:], 999)
			return withCRC(b)
		})},
		{"truncated header", "truncated", good[:20]},
		{"truncated shapes", "truncated", good[:100]},
		{"truncated data", "truncated", good[:len(good)-1]},
		{"trailing garbage", "3 bytes of trailing garbage", append(append([]byte(nil), good...), 1, 2, 3)},
		{"checksum", "checksum mismatch", edit(func(b []byte) []byte { b[1000] ^= 0x10; return b })},
		{"NaN value", "is NaN", edit(func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[24+28*20+8:], 0x7fc00000)
			return withCRC(b)
		})},
	} {
		if _, err := DecodePacked(tc.data); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

// TestPackedRealModelSizes converts the real model and reports the .mnw sizes.
func TestPackedRealModelSizes(t *testing.T) {
	w, err := Load(realModelDir(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, f16 := range []bool{false, true} {
		data := encode(t, w, f16)
		got, err := DecodePacked(data)
		if err != nil {
			t.Fatal(err)
		}
		if !f16 && got.Layers[14].Kernel[4321] != w.Layers[14].Kernel[4321] {
			t.Fatal("f32 round trip changed a value")
		}
		t.Logf("mobilenet_v1_0.75_224.mnw, f16=%v: %d bytes", f16, len(data))
	}
}
