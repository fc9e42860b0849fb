package weights

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestWriteFuzzSeeds regenerates the small seed corpora in testdata/fuzz when
// WRITE_FUZZ_SEEDS=1; otherwise it checks they exist.
func TestWriteFuzzSeeds(t *testing.T) {
	packed := encode(t, randomWeights(t, 0.25, 32, 9), true)
	hdr := packed[:24+28*20] // header and shapes only: the data would be large
	tail := packed[len(packed)-64:]
	v2 := bytes.Clone(hdr)
	v2[4] = 2
	s := newSynthModel(t, 0.25, 32, 4, false)
	s.files = nil
	noTopo := *s
	noTopo.topology = nil
	one, _ := json.Marshal(map[string]any{"modelTopology": map[string]any{"config": map[string]any{"layers": []any{
		map[string]any{"class_name": "InputLayer", "config": map[string]any{"batch_input_shape": []any{nil, 96, 96, 3}}}}}},
		"weightsManifest": []any{map[string]any{"paths": []any{"a"},
			"weights": []any{map[string]any{"name": "conv1/kernel", "shape": []int{3, 3, 3, 8}, "dtype": "float32"}}}}})
	seeds := map[string][][]byte{
		"FuzzDecodePacked/header":     {hdr},
		"FuzzDecodePacked/version2":   {v2},
		"FuzzDecodePacked/headertail": {append(bytes.Clone(hdr), tail...)},
		"FuzzParseTFJS/manifest":      {noTopo.modelJSON(t), nil},
		"FuzzParseTFJS/onetensor":     {one, make([]byte, 4*3*3*3*8)},
		"FuzzParseTFJS/truncated":     {one[:len(one)/2], []byte{1, 2, 3}},
	}
	for name, args := range seeds {
		path := filepath.Join("testdata", "fuzz", filepath.FromSlash(name))
		if os.Getenv("WRITE_FUZZ_SEEDS") != "1" {
			if _, err := os.Stat(path); err != nil {
				t.Errorf("seed missing (run with WRITE_FUZZ_SEEDS=1): %v", err)
			}
			continue
		}
		var b bytes.Buffer
		b.WriteString("go test fuzz v1\n")
		for _, a := range args {
			fmt.Fprintf(&b, "[]byte(%s)\n", strconv.Quote(string(a)))
		}
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
