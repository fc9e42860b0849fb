//go:build ignore

package main

import (
	"bufio"
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
	"sync/atomic"
	"testing"
	"time"
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

// startLimited serves a directory holding one large file through newServer with lim,
// and reports the most connections it ever served at once.
func startLimited(t *testing.T, lim serverLimits) (addr string, maxActive func() int64) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>hi</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 48<<20) // larger than loopback socket buffers, so a non-reader blocks the server
	if err := os.WriteFile(filepath.Join(dir, "big.mnw"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	h, err := newStaticHandler(dir)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, lln := newServer(h, ln, lim)
	var active, peak atomic.Int64
	srv.ConnState = func(c net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			if n := active.Add(1); n > peak.Load() {
				peak.Store(n)
			}
		case http.StateClosed, http.StateHijacked:
			active.Add(-1)
		}
	}
	go srv.Serve(lln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), peak.Load
}

// closedWithin reads c until the server closes it and returns how long that took
// (failing past limit) and how many bytes arrived.
func closedWithin(t *testing.T, c net.Conn, limit time.Duration) (time.Duration, int64) {
	t.Helper()
	start := time.Now()
	c.SetReadDeadline(start.Add(limit))
	n, err := io.Copy(io.Discard, c)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the server still held the connection after %v (%d bytes read)", limit, n)
	}
	return time.Since(start), n
}

var testLimits = serverLimits{readHeader: 200 * time.Millisecond, read: 400 * time.Millisecond,
	write: 400 * time.Millisecond, idle: 300 * time.Millisecond, maxConns: 8}

func TestSlowAndIdleClientsAreDropped(t *testing.T) {
	addr, _ := startLimited(t, testLimits)
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}

	// Connects and sends nothing: dropped at the read-header timeout.
	if d, _ := closedWithin(t, dial(), 3*time.Second); d < 150*time.Millisecond {
		t.Errorf("an idle client was dropped after %v, before the 200ms header timeout", d)
	}

	// Trickles its headers a byte every 20 ms: dropped at the same deadline.
	c := dial()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n"))
		for range 150 {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			if _, err := c.Write([]byte("X")); err != nil {
				return
			}
		}
	}()
	closedWithin(t, c, 3*time.Second)

	// Keeps a connection open after its response: dropped at the idle timeout.
	c = dial()
	c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("keep-alive request: %v %v", resp, err)
	}
	io.Copy(io.Discard, resp.Body)
	start := time.Now()
	c.SetReadDeadline(start.Add(3 * time.Second))
	rest, err := io.ReadAll(br)
	if d := time.Since(start); err != nil || d > 2*time.Second || d < 200*time.Millisecond {
		t.Errorf("an idle keep-alive connection: closed after %v (%v; sent %q)", d, err, rest)
	}

	// Asks for a large file and never reads it: dropped at the write timeout, short of the file.
	c = dial()
	c.(*net.TCPConn).SetReadBuffer(4096)
	c.Write([]byte("GET /big.mnw HTTP/1.1\r\nHost: x\r\n\r\n"))
	time.Sleep(testLimits.write + 300*time.Millisecond)
	if _, n := closedWithin(t, c, 3*time.Second); n >= 48<<20 {
		t.Errorf("a non-reading client got all %d bytes: no write timeout", n)
	}
}

// At most maxConns connections are served at once: a third client waits until a slot
// frees (here, when an idle one is dropped), and is then served.
func TestConnectionCap(t *testing.T) {
	lim := testLimits
	lim.maxConns = 2
	lim.readHeader = 400 * time.Millisecond
	addr, peak := startLimited(t, lim)
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	time.Sleep(50 * time.Millisecond) // let the server accept both
	start := time.Now()
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("the third client was served after %v, while two idle ones held both slots", d)
	}
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
	if p := peak(); p > 2 {
		t.Errorf("%d connections served at once, cap 2", p)
	}
}

func TestDefaultLimitsAreSet(t *testing.T) {
	srv, ln := newServer(http.NotFoundHandler(), nil, defaultLimits)
	if srv.ReadHeaderTimeout == 0 || srv.ReadTimeout == 0 || srv.WriteTimeout == 0 || srv.IdleTimeout == 0 {
		t.Errorf("a timeout is unset: %+v", srv)
	}
	if cap(ln.(*limitListener).slots) != defaultLimits.maxConns || defaultLimits.maxConns <= 0 {
		t.Error("no connection cap")
	}
}
