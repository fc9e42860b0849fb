//go:build !js

package weights

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mobilenet-go/mobilenet/internal/limits"
)

// The rows of issue 10 for the Go loaders: a model.json may be written by anyone, so
// its shards stay in its folder and every download is bounded in bytes and time.

// recorder is an HTTP server that logs every path it is asked for.
type recorder struct {
	*httptest.Server
	mu    sync.Mutex
	paths []string
}

func newRecorder(t *testing.T, h http.HandlerFunc) *recorder {
	r := &recorder{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.paths = append(r.paths, req.URL.Path)
		r.mu.Unlock()
		h(w, req)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *recorder) requested() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.paths...)
}

// serveModel serves s under /m/ and the rest of the site (/secret, /outside/x) as bait.
func serveModel(t *testing.T, s *synthModel) *recorder {
	return newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/m/model.json" {
			w.Write(s.modelJSON(t))
			return
		}
		if data, ok := s.files[strings.TrimPrefix(r.URL.Path, "/m/")]; ok {
			w.Write(data)
			return
		}
		w.Write(make([]byte, 1<<16)) // bait: outside the folder, never asked for
	})
}

func TestHostileShardPathsURL(t *testing.T) {
	other := newRecorder(t, func(w http.ResponseWriter, r *http.Request) { w.Write(make([]byte, 864)) })
	for _, p := range append(hostilePaths, other.URL+"/group1-shard1of1", "//"+strings.TrimPrefix(other.URL, "http://")+"/x") {
		s := newSynthModel(t, 0.25, 32, 3, false)
		s.manifest[0]["paths"] = []any{p}
		srv := serveModel(t, s)
		_, err := Load(srv.URL + "/m/model.json")
		if err == nil || !strings.Contains(err.Error(), "leaves the model's folder") || !strings.Contains(err.Error(), shardPathRule) {
			t.Errorf("shard %q: %v", p, err)
		}
		if got := srv.requested(); len(got) != 1 { // model.json only: refused before any shard is fetched
			t.Errorf("shard %q: requests %v", p, got)
		}
	}
	if got := other.requested(); len(got) != 0 {
		t.Errorf("the other origin was asked for %v", got)
	}
}

// A shard on the model's origin that redirects elsewhere is refused at the redirect.
func TestShardRedirectToOtherOrigin(t *testing.T) {
	other := newRecorder(t, func(w http.ResponseWriter, r *http.Request) { w.Write(make([]byte, 864)) })
	s := newSynthModel(t, 0.25, 32, 3, false)
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/m/model.json" {
			w.Write(s.modelJSON(t))
			return
		}
		http.Redirect(w, r, other.URL+"/x", http.StatusFound)
	})
	_, err := Load(srv.URL + "/m/model.json")
	if err == nil || !strings.Contains(err.Error(), "another origin") {
		t.Errorf("redirected shard: %v", err)
	}
	if got := other.requested(); len(got) != 0 {
		t.Errorf("the other origin was asked for %v", got)
	}
}

func TestHostileShardPathsLocal(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "x"), make([]byte, 864), 0o644)
	for _, p := range hostilePaths {
		s := newSynthModel(t, 0.25, 32, 3, false)
		s.manifest[0]["paths"] = []any{p}
		if _, err := Load(writeDir(t, s)); err == nil || !strings.Contains(err.Error(), shardPathRule) {
			t.Errorf("shard %q: %v", p, err)
		}
	}
	// A symlink inside the folder that points out of it, a FIFO (would block) and a
	// device (never ends) are refused too.
	s := newSynthModel(t, 0.25, 32, 3, false)
	for name, make := range map[string]func(string) error{
		"symlink out": func(p string) error { return os.Symlink(filepath.Join(outside, "x"), p) },
		"fifo":        func(p string) error { return syscall.Mkfifo(p, 0o644) },
		"device":      func(p string) error { return os.Symlink("/dev/zero", p) },
	} {
		dir := writeDir(t, s)
		shard := filepath.Join(dir, "group1-shard1of1")
		os.Remove(shard)
		if err := make(shard); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err := Load(dir)
		if err == nil || !strings.Contains(err.Error(), "group1-shard1of1") {
			t.Errorf("%s: %v", name, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s took %v", name, d)
		}
	}
}

// Every download is bounded by what its format implies: refused after at most the
// bound (plus one read), whatever the server claims or sends.
func TestDownloadBounds(t *testing.T) {
	var sent atomic.Int64
	endless := func(w http.ResponseWriter, first []byte) {
		n, _ := w.Write(first)
		sent.Add(int64(n))
		chunk := make([]byte, 64<<10)
		for range 4 * (limits.MaxMnwBytes / len(chunk)) { // bounded, so the test cannot run away
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
	}
	w := randomWeights(t, 0.25, 32, 5)
	mnwFile := encode(t, w, true)
	hugeHeader := append([]byte(nil), mnwFile[:24+28*20]...)
	for i := 24; i < len(hugeHeader); i += 20 { // every kernel 1024x1024x1x1
		copy(hugeHeader[i:], "\x00\x04\x00\x00\x00\x04\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00")
	}
	s := newSynthModel(t, 0.25, 32, 3, false)
	dup := newSynthModel(t, 0.25, 32, 3, false)
	p := dup.manifest[0]["paths"].([]any)[0]
	dup.manifest[0]["paths"] = []any{p, p, p, p}
	srv := newRecorder(t, func(rw http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/endless.json":
			endless(rw, []byte("{"))
		case "/endless.mnw":
			endless(rw, mnwFile)
		case "/huge-header.mnw":
			endless(rw, hugeHeader)
		case "/claims-200MB.json":
			rw.Header().Set("Content-Length", fmt.Sprint(200<<20))
			rw.Write([]byte("{"))
		case "/dup/model.json":
			rw.Write(dup.modelJSON(t))
		case "/shard/model.json":
			rw.Write(s.modelJSON(t))
		default: // every shard of /shard/: endless
			endless(rw, nil)
		}
	})
	for _, c := range []struct{ path, want string }{
		{"/endless.json", "larger than a model.json may be"},
		{"/endless.mnw", "trailing garbage"},
		{"/huge-header.mnw", "more than the 33554432-byte limit"},
		{"/claims-200MB.json", "209715200 bytes, more than a model file may be"},
		{"/dup/model.json", "listed twice"},
		{"/shard/model.json", "more than the 864 bytes its manifest group has left"},
	} {
		sent.Store(0)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := Load(srv.URL + c.path)
		runtime.ReadMemStats(&after)
		// Everything the loader allocated, not just what it kept (the issue saw 0.5-2.4 GB).
		t.Logf("%s: allocated %d bytes, server sent %d", c.path, after.TotalAlloc-before.TotalAlloc, sent.Load())
		if n := after.TotalAlloc - before.TotalAlloc; n > 2*limits.MaxMnwBytes {
			t.Errorf("%s: the loader allocated %d bytes before giving up", c.path, n)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.path, err, c.want)
		}
		// What the server got out before the refusal: the bound plus socket buffers.
		if n := sent.Load(); n > limits.MaxMnwBytes+8<<20 {
			t.Errorf("%s: the server sent %d bytes before the loader gave up", c.path, n)
		}
	}
	if got := srv.requested(); countPrefix(got, "/dup/") != 1 {
		t.Errorf("a duplicated shard was fetched: %v", got)
	}
}

func countPrefix(paths []string, prefix string) int {
	n := 0
	for _, p := range paths {
		if strings.HasPrefix(p, prefix) {
			n++
		}
	}
	return n
}

// A server that accepts and never answers, or stops mid-body, fails after the stall
// timeout rather than hanging Load.
func TestDownloadStall(t *testing.T) {
	old := stallTimeout
	stallTimeout = 300 * time.Millisecond
	defer func() { stallTimeout = old }()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, never answered
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	}()
	block := make(chan struct{})
	defer close(block)
	midway := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("MNW\x1a"))
		w.(http.Flusher).Flush()
		<-block
	})
	for _, u := range []string{"http://" + ln.Addr().String() + "/model.json", midway.URL + "/x.mnw"} {
		start := time.Now()
		_, err := Load(u)
		if !errors.Is(err, errStalled) {
			t.Errorf("%s: %v, want a stall", u, err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s: took %v with a 300ms stall timeout", u, d)
		}
	}
}

// TestManifestProperty feeds generated model.jsons (hostile paths, counts and sizes)
// to the URL and directory loaders: each is refused, and nothing outside the model
// folder is requested (the directory loader reads shards through os.Root, which
// cannot leave the folder at all).
func TestManifestProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	pieces := []string{"..", ".", "%2e%2e", "%2E.", "/", `\`, "file:", "http:", "//127.0.0.1", "a", "b",
		"%2f", "%5c", "?", "#", "\t", "", "C:", "~", "group1-shard1of1", "%", "%00", "x.bin"}
	other := newRecorder(t, func(w http.ResponseWriter, r *http.Request) { w.Write(make([]byte, 864)) })
	pieces = append(pieces, other.URL+"/", "//"+strings.TrimPrefix(other.URL, "http://")+"/")
	base := newSynthModel(t, 0.25, 32, 3, false)
	var current atomic.Pointer[[]byte]
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/p/model.json" {
			w.Write(*current.Load())
			return
		}
		if strings.HasPrefix(r.URL.Path, "/p/") {
			http.NotFound(w, r)
			return
		}
		w.Write(make([]byte, 864)) // bait outside the folder: a valid-looking shard
	})
	work := t.TempDir()
	for i := range 150 {
		s := *base
		s.manifest = make([]map[string]any, len(base.manifest))
		for gi, g := range base.manifest {
			s.manifest[gi] = map[string]any{"paths": g["paths"], "weights": g["weights"]}
		}
		g := rng.IntN(len(s.manifest))
		var paths []any
		for range 1 + rng.IntN(3) {
			var b strings.Builder
			for range 1 + rng.IntN(5) {
				b.WriteString(pieces[rng.IntN(len(pieces))])
			}
			paths = append(paths, b.String())
		}
		if rng.IntN(5) == 0 { // many paths, or one listed many times
			for range rng.IntN(2 * limits.MaxShards) {
				paths = append(paths, paths[0])
			}
		}
		s.manifest[g]["paths"] = paths
		if rng.IntN(4) == 0 { // a huge declared size
			s.manifest[g]["weights"] = []any{map[string]any{"name": "conv1/kernel", "shape": []int{3, 3, 3, 1 << 20}, "dtype": "float32"}}
		}
		js := s.modelJSON(t)
		dir := filepath.Join(work, fmt.Sprint(i))
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, "model.json"), js, 0o644)
		if _, err := Load(dir); err == nil {
			t.Fatalf("manifest %q loaded from a directory", paths)
		}
		current.Store(&js)
		if _, err := Load(srv.URL + "/p/model.json"); err == nil {
			t.Fatalf("manifest %q loaded over HTTP", paths)
		}
	}
	for _, p := range srv.requested() {
		if !strings.HasPrefix(p, "/p/") {
			t.Errorf("requested %s, outside the model folder /p/", p)
		}
	}
	if got := other.requested(); len(got) != 0 {
		t.Errorf("the other origin was asked for %v", got)
	}
}
