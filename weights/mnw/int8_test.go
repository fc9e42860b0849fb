package mnw

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/q8"
)

func int8File(t testing.TB, alpha float64) (*core.Weights, *core.Int8Weights, []byte) {
	w, err := core.RandomWeights(alpha, 224, 4)
	if err != nil {
		t.Fatal(err)
	}
	q, err := q8.Quantize(w)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := EncodeInt8(&buf, q); err != nil {
		t.Fatal(err)
	}
	return w, q, buf.Bytes()
}

// An int8 file round-trips exactly, its size is what FileSize says and about a
// quarter of the float32 file's, Decode gives the dequantized floats, and
// quantizing those again gives back the same int8 kernel (scales to float32
// rounding): a float-only loader path loses almost nothing.
func TestInt8RoundTrip(t *testing.T) {
	for _, alpha := range []float64{0.25, 1} {
		w, q, data := int8File(t, alpha)
		got, err := DecodeInt8(data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, q) {
			t.Fatalf("alpha %v: decoded int8 weights differ", alpha)
		}
		tl, _ := TableLen(data)
		if n, err := FileSize(data[:tl]); err != nil || n != int64(len(data)) {
			t.Fatalf("FileSize %d, %v; file is %d bytes", n, err, len(data))
		}
		var f32 bytes.Buffer
		if err := Encode(&f32, w, false); err != nil {
			t.Fatal(err)
		}
		if r := float64(len(data)) / float64(f32.Len()); r > 0.3 {
			t.Fatalf("alpha %v: int8 file is %.3f of the float32 one", alpha, r)
		}
		fw, err := Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fw, q.Dequantize()) {
			t.Fatal("Decode of an int8 file is not its dequantized weights")
		}
		again, err := q8.Quantize(fw)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range again.Layers {
			if !reflect.DeepEqual(p.Kernel, q.Layers[i].Kernel) {
				t.Fatalf("layer %d: requantizing the decoded floats changed the int8 kernel", i)
			}
			for c, s := range p.Scale { // the scale is found again to within float32 rounding
				if d := float64(s)/float64(q.Layers[i].Scale[c]) - 1; d > 1e-6 || d < -1e-6 {
					t.Fatalf("layer %d channel %d: scale %v, stored %v", i, c, s, q.Layers[i].Scale[c])
				}
			}
		}
		// A float file read as int8 is quantized.
		fromFloat, err := DecodeInt8(f32.Bytes())
		if err != nil || !reflect.DeepEqual(fromFloat, q) {
			t.Fatalf("DecodeInt8 of the float file: %v", err)
		}
	}
}

func TestInt8Corrupt(t *testing.T) {
	_, _, data := int8File(t, 0.25)
	spoil := func(f func([]byte) []byte) []byte { return f(append([]byte(nil), data...)) }
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"truncated":    {data[:len(data)-1], "truncated"},
		"trailing":     {append(append([]byte(nil), data...), 0), "trailing garbage"},
		"crc":          {spoil(func(b []byte) []byte { b[len(b)-10] ^= 1; return b }), "checksum"},
		"version 1":    {spoil(func(b []byte) []byte { b[4] = 1; return b }), "version"},
		"version 9":    {spoil(func(b []byte) []byte { b[4] = 9; return b }), "version"},
		"flags":        {spoil(func(b []byte) []byte { b[7] = 1; return b }), "flags"},
		"storage 4":    {spoil(func(b []byte) []byte { b[6] = 4; return b }), "storage"},
		"weight -128":  {withCRC(spoil(func(b []byte) []byte { b[24+28*20] = 0x80; return b })), "-128"},
		"zero scale":   {withCRC(spoil(func(b []byte) []byte { return zeroFirstScale(b) })), "scale"},
		"layer count":  {spoil(func(b []byte) []byte { b[20] = 27; return b }), "layers"},
		"short header": {data[:10], "truncated"},
	} {
		_, err := DecodeInt8(c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", name, err, c.want)
		}
		if _, err := Decode(c.data); err == nil {
			t.Errorf("%s: Decode accepted it", name)
		}
	}
}

// withCRC recomputes a file's checksum (to reach the checks after it).
func withCRC(b []byte) []byte {
	var buf bytes.Buffer
	sum := crc32IEEE(b[:len(b)-4])
	buf.Write(b[:len(b)-4])
	buf.Write([]byte{byte(sum), byte(sum >> 8), byte(sum >> 16), byte(sum >> 24)})
	return buf.Bytes()
}

// zeroFirstScale zeroes conv1's first scale (after its 9*3*8 kernel bytes at alpha 0.25).
func zeroFirstScale(b []byte) []byte {
	off := 24 + 28*20 + 9*3*8
	copy(b[off:off+4], []byte{0, 0, 0, 0})
	return b
}

// FuzzDecodeInt8: no input panics; whatever decodes passes Check and re-encodes to
// itself.
func FuzzDecodeInt8(f *testing.F) {
	_, _, data := int8File(f, 0.25)
	f.Add(data)
	f.Add(data[:200])
	f.Fuzz(func(t *testing.T, data []byte) {
		if !IsInt8(data) {
			return
		}
		q, err := DecodeInt8(data)
		if err != nil {
			return
		}
		if err := q.Check(); err != nil {
			t.Fatalf("decoded weights fail Check: %v", err)
		}
		var buf bytes.Buffer
		if err := EncodeInt8(&buf, q); err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
		if !bytes.Equal(buf.Bytes(), data) {
			t.Fatal("re-encoding changed the file")
		}
	})
}
