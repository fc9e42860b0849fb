//go:build ignore

package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func newTestServer(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"index.html":         "<!doctype html><title>x</title>" + strings.Repeat("<p>hello</p>", 200),
		"app.js":             strings.Repeat("console.log('hi');\n", 200),
		"classifier.wasm":    "\x00asm\x01\x00\x00\x00" + strings.Repeat("\x00", 4096),
		"weights/index.json": `{"models":[]}`,
		"weights/a.mnw":      strings.Repeat("\x01\x02\x03\x04", 4096),
		"photo.jpg":          "\xff\xd8\xff\xe0not really a jpeg",
		"sub/index.html":     "<p>sub</p>",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	noise := make([]byte, 1<<16)
	rand.NewChaCha8([32]byte{1}).Read(noise)
	if err := os.WriteFile(filepath.Join(dir, "weights", "noise.mnw"), noise, 0o644); err != nil {
		t.Fatal(err)
	}
	// A secret next to the served directory: traversal must not reach it.
	if err := os.WriteFile(filepath.Join(filepath.Dir(dir), "secret.txt"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	h, err := newStaticHandler(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, dir
}

// get issues a request without Go's transparent gzip handling, so the test sees the
// encoding the server chose.
func get(t *testing.T, url string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	tr := &http.Transport{DisableCompression: true}
	resp, err := (&http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestMIMETypesAndIsolationHeaders(t *testing.T) {
	srv, _ := newTestServer(t)
	for path, want := range map[string]string{
		"/":                   "text/html; charset=utf-8",
		"/app.js":             "text/javascript; charset=utf-8",
		"/classifier.wasm":    "application/wasm",
		"/weights/index.json": "application/json",
		"/weights/a.mnw":      "application/octet-stream",
		"/photo.jpg":          "image/jpeg",
	} {
		resp, _ := get(t, srv.URL+path, nil)
		if resp.StatusCode != 200 {
			t.Errorf("%s: status %d", path, resp.StatusCode)
		}
		if got := resp.Header.Get("Content-Type"); got != want {
			t.Errorf("%s: Content-Type %q, want %q", path, got, want)
		}
		if resp.Header.Get("Cross-Origin-Opener-Policy") != "same-origin" ||
			resp.Header.Get("Cross-Origin-Embedder-Policy") != "require-corp" {
			t.Errorf("%s: missing COOP/COEP headers", path)
		}
	}
}

func TestGzipOnlyWhenAcceptedAndUseful(t *testing.T) {
	srv, dir := newTestServer(t)
	want, _ := os.ReadFile(filepath.Join(dir, "classifier.wasm"))

	resp, body := get(t, srv.URL+"/classifier.wasm", map[string]string{"Accept-Encoding": "gzip, br"})
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("wasm not gzipped: %v", resp.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	if !bytes.Equal(got, want) {
		t.Fatal("gunzipped body differs from the file")
	}
	if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
		t.Error("gzip response lacks Vary: Accept-Encoding")
	}

	resp, body = get(t, srv.URL+"/classifier.wasm", map[string]string{"Accept-Encoding": "gzip;q=0"})
	if resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, want) {
		t.Error("gzip;q=0 must get the identity body")
	}
	resp, _ = get(t, srv.URL+"/photo.jpg", map[string]string{"Accept-Encoding": "gzip"})
	if resp.Header.Get("Content-Encoding") != "" {
		t.Error("JPEG must not be gzipped")
	}
	// Weights that barely compress keep their Content-Length (download progress);
	// weights that compress well are gzipped.
	resp, body = get(t, srv.URL+"/weights/noise.mnw", map[string]string{"Accept-Encoding": "gzip"})
	if resp.Header.Get("Content-Encoding") != "" || resp.ContentLength != int64(len(body)) || len(body) != 1<<16 {
		t.Errorf("incompressible .mnw: encoding %q, Content-Length %d, %d bytes",
			resp.Header.Get("Content-Encoding"), resp.ContentLength, len(body))
	}
	resp, _ = get(t, srv.URL+"/weights/a.mnw", map[string]string{"Accept-Encoding": "gzip"})
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Error("compressible .mnw was not gzipped")
	}
}

func TestETagRevalidationAndCaching(t *testing.T) {
	srv, dir := newTestServer(t)
	resp, _ := get(t, srv.URL+"/app.js", nil)
	etag := resp.Header.Get("ETag")
	if etag == "" || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("app.js: ETag %q Cache-Control %q", etag, resp.Header.Get("Cache-Control"))
	}
	resp, body := get(t, srv.URL+"/app.js", map[string]string{"If-None-Match": etag})
	if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Fatalf("revalidation: status %d, %d bytes", resp.StatusCode, len(body))
	}
	// A rebuilt file gets a new ETag even within the same second.
	if err := os.WriteFile(filepath.Join(dir, "app.js"), []byte("console.log('v2');"), 0o644); err != nil {
		t.Fatal(err)
	}
	resp, body = get(t, srv.URL+"/app.js", map[string]string{"If-None-Match": etag})
	if resp.StatusCode != 200 || string(body) != "console.log('v2');" {
		t.Fatalf("after rebuild: status %d body %q", resp.StatusCode, body)
	}
	resp, _ = get(t, srv.URL+"/classifier.wasm?v=abc", nil)
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("versioned URL: Cache-Control %q", cc)
	}
}

func TestNotFoundTraversalAndMethods(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, p := range []string{"/missing.js", "/../secret.txt", "/%2e%2e/secret.txt", "/weights/../../secret.txt"} {
		resp, body := get(t, srv.URL+p, nil)
		if resp.StatusCode != http.StatusNotFound || strings.Contains(string(body), "secret") {
			t.Errorf("%s: status %d body %q", p, resp.StatusCode, body)
		}
	}
	resp, _ := get(t, srv.URL+"/sub", nil)
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/sub/" {
		t.Errorf("/sub: status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := get(t, srv.URL+"/sub/", nil)
	if resp.StatusCode != 200 || string(body) != "<p>sub</p>" {
		t.Errorf("/sub/: status %d body %q", resp.StatusCode, body)
	}
	post, err := http.Post(srv.URL+"/app.js", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	post.Body.Close()
	if post.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d", post.StatusCode)
	}
}

func TestPageURL(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080/",
		"0.0.0.0:9000":   "http://localhost:9000/",
		"[::]:80":        "http://localhost:80/",
	} {
		a, _ := net.ResolveTCPAddr("tcp", addr)
		if got := pageURL(a); got != want {
			t.Errorf("pageURL(%s) = %s, want %s", addr, got, want)
		}
	}
}

func TestMissingDirIsAnError(t *testing.T) {
	if _, err := newStaticHandler(filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Fatal("want an error for a missing directory")
	}
}
