//go:build !js

package weights

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mobilenet-go/mobilenet/internal/limits"
)

func TestLoadURL(t *testing.T) {
	s := newSynthModel(t, 0.25, 160, 13, true)
	want, err := ParseTFJS(s.modelJSON(t), s.readFile)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"/m/model.json": s.modelJSON(t), "/w/a.mnw": encode(t, want, true)}
	for name, data := range s.files {
		files["/m/"+name] = data
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old/model.json" { // shards resolve against the final URL
			http.Redirect(w, r, "/m/model.json", http.StatusFound)
			return
		}
		if r.URL.Path == "/huge" { // no Content-Length: refused while streaming
			w.Write([]byte("{"))
			for range limits.MaxModelJSONBytes / 4096 {
				w.Write(make([]byte, 4096))
			}
			return
		}
		data, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, path := range []string{"/m/", "/m/model.json", "/old/model.json", "/w/a.mnw"} {
		got, err := Load(srv.URL + path)
		if err != nil {
			t.Fatalf("Load(%s): %v", path, err)
		}
		if got.Alpha != 0.25 || got.Size != 160 || len(got.Layers) != 28 {
			t.Fatalf("Load(%s): alpha %v size %d", path, got.Alpha, got.Size)
		}
		if path != "/w/a.mnw" && got.Layers[20].Kernel[3] != want.Layers[20].Kernel[3] {
			t.Fatalf("Load(%s) differs from ParseTFJS", path)
		}
	}

	delete(files, "/m/group4-shard2of2")
	_, err = Load(srv.URL + "/m/")
	if err == nil || !strings.Contains(err.Error(), srv.URL+"/m/group4-shard2of2") || !strings.Contains(err.Error(), "404") {
		t.Errorf("missing shard: %v", err)
	}
	if _, err := Load(srv.URL + "/nothing.mnw"); err == nil || !strings.Contains(err.Error(), "404 Not Found") ||
		!strings.Contains(err.Error(), srv.URL+"/nothing.mnw") {
		t.Errorf("404: %v", err)
	}
	if _, err := Load(srv.URL + "/huge"); !errors.Is(err, errTooBig) || !strings.Contains(err.Error(), "model.json may be") {
		t.Errorf("size limit: %v", err)
	}
	if _, err := Load("http://"); err == nil {
		t.Error("URL without host: no error")
	}
}

func TestLoadHTTPS(t *testing.T) {
	w := randomWeights(t, 0.25, 128, 14)
	data := encode(t, w, false)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { rw.Write(data) }))
	defer srv.Close()
	old := httpClient
	httpClient = srv.Client() // trusts the test server's certificate
	defer func() { httpClient = old }()
	got, err := Load(srv.URL + "/x.mnw")
	if err != nil {
		t.Fatal(err)
	}
	if got.Layers[1].Kernel[7] != w.Layers[1].Kernel[7] {
		t.Fatal("https .mnw differs")
	}
}
