package weights

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/mobilenet-go/mobilenet/weights/mnw"
)

// The fuzz targets check that no input panics and that whatever decodes is valid.
// Seeds live in testdata/fuzz/<Target>; these add a couple of valid models.

func FuzzDecodePacked(f *testing.F) {
	f.Add(encode(f, randomWeights(f, 0.25, 32, 1), true))
	f.Add([]byte("MNW\x1a\x01\x00\x01\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := DecodePacked(data)
		if err != nil {
			return
		}
		if err := w.Check(); err != nil {
			t.Fatalf("decoded weights fail Check: %v", err)
		}
		// A valid file re-encodes to itself (in its own storage type).
		var buf bytes.Buffer
		if mnw.IsInt8(data) { // storage 3: Decode gave the dequantized floats
			q, err := mnw.DecodeInt8(data)
			if err != nil {
				t.Fatalf("Decode accepted what DecodeInt8 refuses: %v", err)
			}
			if err := mnw.EncodeInt8(&buf, q); err != nil || !bytes.Equal(buf.Bytes(), data) {
				t.Fatalf("re-encoding the int8 file changed it (%v)", err)
			}
			return
		}
		f16 := data[6] == 2 // the storage byte: 2 is float16 (README)
		if err := EncodePacked(&buf, w, f16); err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
		if !bytes.Equal(buf.Bytes(), data) {
			t.Fatal("re-encoding changed the file")
		}
	})
}

// fuzzShards is a tiny model file set for FuzzParseTFJS: model.json is the fuzzed
// input, the shards are fixed or derived from it.
func FuzzParseTFJS(f *testing.F) {
	s := newSynthModel(f, 0.25, 32, 2, true)
	f.Add(s.modelJSON(f), []byte{})
	small, _ := json.Marshal(map[string]any{"weightsManifest": []any{map[string]any{
		"paths": []any{"a"}, "weights": []any{map[string]any{"name": "conv1/kernel", "shape": []int{3, 3, 3, 8}, "dtype": "float32"}}}}})
	f.Add(small, make([]byte, 4*3*3*3*8))
	f.Fuzz(func(t *testing.T, modelJSON, shard []byte) {
		// Shard "a" is the fuzzed bytes; the synthetic shards answer their own names.
		// No shard outside the model's folder is ever asked for.
		w, err := ParseTFJS(modelJSON, func(name string) ([]byte, error) {
			if _, err := checkShardPath(name); err != nil {
				t.Fatalf("readFile(%q) called: %v", name, err)
			}
			if name == "a" {
				return shard, nil
			}
			return s.readFile(name)
		})
		if err != nil {
			return
		}
		if err := w.Check(); err != nil {
			t.Fatalf("imported weights fail Check: %v", err)
		}
	})
}
