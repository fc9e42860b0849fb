package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWeightsIndexParsesNamesAndHashesContent(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"mobilenet_v1_0.75_224.mnw":      "abc",
		"mobilenet_v1_0.75_224.f16.mnw":  "",
		"mobilenet_v1_1.0_128.mnw":       "x",
		"mobilenet_v1_0.75_224.int8.mnw": "ab",
		"notes.txt":                      "not a model",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out strings.Builder
	if err := run([]string{"weights", dir}, &out); err != nil {
		t.Fatal(err)
	}
	var got []struct {
		File      string
		Alpha     float64
		Size      int
		F16       bool
		Storage   string
		Precision string
		Bytes     int64
		SHA256    string
	}
	if err := json.Unmarshal([]byte(out.String()), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	// Sorted by name: .f16, .int8, plain 0.75, then 1.0.
	if len(got) != 4 || got[0].File != "mobilenet_v1_0.75_224.f16.mnw" || !got[0].F16 || got[0].Bytes != 0 ||
		got[0].Storage != "f16" || got[0].Precision != "f32" ||
		got[1].File != "mobilenet_v1_0.75_224.int8.mnw" || got[1].F16 || got[1].Storage != "int8" || got[1].Precision != "int8" ||
		got[1].Bytes != 2 ||
		got[2].Alpha != 0.75 || got[2].Size != 224 || got[2].F16 || got[2].Storage != "f32" || got[2].Precision != "f32" ||
		got[2].Bytes != 3 ||
		got[3].Alpha != 1 || got[3].Size != 128 {
		t.Fatalf("index:\n%s", out.String())
	}
	// sha256("abc") = ba7816bf8f01cfea...
	if got[2].SHA256 != "ba7816bf8f01cfea" || got[0].SHA256 != "e3b0c44298fc1c14" {
		t.Errorf("hashes %q %q", got[2].SHA256, got[0].SHA256)
	}

	// A model named otherwise would be described wrongly: refused, naming the file.
	os.WriteFile(filepath.Join(dir, "mobilenet_v1_0.5_160.q4.mnw"), nil, 0o644)
	if err := run([]string{"weights", dir}, &out); err == nil || !strings.Contains(err.Error(), "q4.mnw") {
		t.Errorf("unparseable name: err = %v", err)
	}
}

func TestAssetsIndexMapsEachFileToItsHash(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "weights"), 0o755)
	os.WriteFile(filepath.Join(dir, "a.js"), []byte("abc"), 0o644)
	os.WriteFile(filepath.Join(dir, "weights", "index.json"), nil, 0o644)
	var out strings.Builder
	if err := run([]string{"assets", dir, "a.js", "weights/index.json"}, &out); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"a.js\": \"ba7816bf8f01cfea\",\n  \"weights/index.json\": \"e3b0c44298fc1c14\"\n}\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	if err := run([]string{"assets", dir, "missing.js"}, &out); err == nil {
		t.Error("a missing file: no error")
	}
}
