//go:build ignore

// Command serve is the static server for the live page: `go run serve.go [-addr
// 127.0.0.1:8080] [-dir web]`. It serves the files under -dir (never outside it) with
// correct MIME types, gzip for text/wasm/weights when the client accepts it, ETags,
// revalidation for mutable files and a year-long cache for versioned URLs, and the
// cross-origin isolation headers that load({threads})'s SharedArrayBuffer transport needs.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	dir := flag.String("dir", "web", "directory to serve")
	quiet := flag.Bool("quiet", false, "do not log each request")
	flag.Parse()
	if err := run(*addr, *dir, *quiet); err != nil {
		log.Fatal(err)
	}
}

func run(addr, dir string, quiet bool) error {
	h, err := newStaticHandler(dir)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	var handler http.Handler = h
	if !quiet {
		handler = logRequests(h)
	}
	srv, ln := newServer(handler, ln, defaultLimits)
	log.Printf("serving %s at %s", dir, pageURL(ln.Addr()))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// serverLimits bound what one client can hold: an idle, trickling or non-reading
// client is dropped after these timeouts, and at most maxConns connections are served
// at once (more wait in the listen queue), so a few slow clients cannot starve the rest.
type serverLimits struct {
	readHeader, read, write, idle time.Duration
	maxConns                      int
}

// The largest file (overlay.wasm, ~15 MB) must fit the write timeout on a slow link.
var defaultLimits = serverLimits{readHeader: 10 * time.Second, read: 30 * time.Second,
	write: 2 * time.Minute, idle: time.Minute, maxConns: 256}

// newServer applies lim to an http.Server for handler and to its listener.
func newServer(handler http.Handler, ln net.Listener, lim serverLimits) (*http.Server, net.Listener) {
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: lim.readHeader, ReadTimeout: lim.read,
		WriteTimeout: lim.write, IdleTimeout: lim.idle, MaxHeaderBytes: 64 << 10}
	return srv, &limitListener{Listener: ln, slots: make(chan struct{}, lim.maxConns)}
}

// limitListener accepts a connection only while fewer than cap(slots) are open.
type limitListener struct {
	net.Listener
	slots chan struct{}
}

func (l *limitListener) Accept() (net.Conn, error) {
	l.slots <- struct{}{} // waits for a slot; the kernel queues new clients meanwhile
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &slotConn{Conn: c, release: func() { <-l.slots }}, nil
}

// slotConn gives its slot back once, on the first Close.
type slotConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *slotConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// pageURL is the address a person can paste into a browser: an unspecified host
// (":8080", "0.0.0.0") becomes localhost, which browsers treat as a secure context
// (getUserMedia needs one).
func pageURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String() + "/"
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

func logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		start := time.Now()
		next.ServeHTTP(rec, r)
		log.Printf("%s %s %d %s", r.Method, r.URL.RequestURI(), rec.status, time.Since(start).Round(time.Microsecond))
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// mimeTypes is explicit so the answer does not depend on the host's /etc/mime.types
// (WebAssembly.instantiateStreaming refuses anything but application/wasm).
var mimeTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".json":  "application/json",
	".wasm":  "application/wasm",
	".mnw":   "application/octet-stream",
	".bin":   "application/octet-stream",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".jpg":   "image/jpeg",
	".jpeg":  "image/jpeg",
	".gif":   "image/gif",
	".webp":  "image/webp",
	".ico":   "image/x-icon",
	".txt":   "text/plain; charset=utf-8",
	".map":   "application/json",
	".woff2": "font/woff2",
}

// compressible lists the extensions worth trying gzip on (images are already
// compressed). Whether a file is actually sent gzipped depends on minGzipSaving.
var compressible = map[string]bool{
	".html": true, ".js": true, ".mjs": true, ".css": true, ".json": true,
	".wasm": true, ".mnw": true, ".svg": true, ".txt": true, ".map": true,
}

// versioned matches URLs that name one immutable version of a file: a ?v= query or a
// content hash in the file name (app.3f2a9c1b.js).
var hashedName = regexp.MustCompile(`\.[0-9a-f]{8,}\.[a-z0-9]+$`)

func isVersioned(r *http.Request) bool {
	return r.URL.Query().Get("v") != "" || hashedName.MatchString(r.URL.Path)
}

// maxCached bounds the size of a file kept in memory with its gzip form; larger files
// are streamed from disk uncompressed.
const maxCached = 128 << 20

type staticHandler struct {
	root *os.Root

	mu    sync.Mutex
	cache map[string]*cachedFile
}

type cachedFile struct {
	modTime time.Time
	size    int64
	etag    string
	raw     []byte

	gzOnce sync.Once
	gz     []byte // nil when gzip does not make it smaller
}

func newStaticHandler(dir string) (*staticHandler, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	return &staticHandler{root: root, cache: map[string]*cachedFile{}}, nil
}

func (h *staticHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// Cross-origin isolation: lets the page use SharedArrayBuffer, which
	// load({threads}) needs for its 'shared' transport (tests/browser/threads.test.mjs;
	// without isolation the threads fall back to MessageChannels). require-corp also
	// refuses cross-origin subresources that are not fetched with CORS, so
	// embed.html?img=<cross-origin URL> requests the image with crossorigin="anonymous"
	// (its pixels could not be read without CORS anyway).
	w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
	w.Header().Set("Cross-Origin-Embedder-Policy", "require-corp")
	w.Header().Set("Cross-Origin-Resource-Policy", "same-origin")
	w.Header().Set("X-Content-Type-Options", "nosniff")

	name := path.Clean("/" + r.URL.Path)
	if strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	rel := strings.TrimPrefix(name, "/")
	info, err := h.root.Stat(rel)
	if err == nil && info.IsDir() {
		if !strings.HasSuffix(r.URL.Path, "/") {
			http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
			return
		}
		rel = path.Join(rel, "index.html")
		info, err = h.root.Stat(rel)
	}
	if err != nil || !info.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}

	ext := strings.ToLower(path.Ext(rel))
	if ct, ok := mimeTypes[ext]; ok {
		w.Header().Set("Content-Type", ct)
	} else {
		w.Header().Set("Content-Type", "application/octet-stream")
	}
	if isVersioned(r) {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		// Revalidate every time: a rebuilt classifier.wasm must never be mixed with a
		// stale app.js. The ETag makes the revalidation a cheap 304.
		w.Header().Set("Cache-Control", "no-cache")
	}

	if info.Size() > maxCached {
		h.serveLarge(w, r, rel, info)
		return
	}
	cf, err := h.load(rel, info)
	if err != nil {
		http.Error(w, "cannot read file", http.StatusInternalServerError)
		return
	}
	body, etag := cf.raw, cf.etag
	if compressible[ext] {
		w.Header().Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			if gz := cf.gzipped(); gz != nil {
				body, etag = gz, strings.TrimSuffix(cf.etag, `"`)+`-gz"`
				w.Header().Set("Content-Encoding", "gzip")
			}
		}
	}
	w.Header().Set("ETag", etag)
	http.ServeContent(w, r, "", cf.modTime, bytes.NewReader(body))
}

func (h *staticHandler) serveLarge(w http.ResponseWriter, r *http.Request, rel string, info fs.FileInfo) {
	f, err := h.root.Open(rel)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	w.Header().Set("ETag", fmt.Sprintf(`"%x-%x"`, info.ModTime().UnixNano(), info.Size()))
	http.ServeContent(w, r, "", info.ModTime(), f)
}

// load returns the file's cached bytes, rereading it when its size or mtime changed
// (the build rewrites web/ while the server runs).
func (h *staticHandler) load(rel string, info fs.FileInfo) (*cachedFile, error) {
	h.mu.Lock()
	cf := h.cache[rel]
	h.mu.Unlock()
	if cf != nil && cf.size == info.Size() && cf.modTime.Equal(info.ModTime()) {
		return cf, nil
	}
	f, err := h.root.Open(rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxCached+1))
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	cf = &cachedFile{
		modTime: info.ModTime(),
		size:    int64(len(raw)),
		etag:    `"` + hex.EncodeToString(sum[:12]) + `"`,
		raw:     raw,
	}
	h.mu.Lock()
	h.cache[rel] = cf
	h.mu.Unlock()
	return cf, nil
}

// minGzipSaving is the percentage gzip must save for a file to be sent compressed.
// Float weights (.mnw) gain only ~7%, and a gzipped response has no Content-Length, so
// the page could not show download progress for the largest file it loads: they are
// sent as they are. Wasm (-65%), JS and JSON easily qualify.
const minGzipSaving = 15

func (cf *cachedFile) gzipped() []byte {
	cf.gzOnce.Do(func() {
		var buf bytes.Buffer
		// Compressed once per file version, so spend the CPU: best compression keeps
		// the classifier wasm under 1 MB on the wire. The ~20 MB overlay gets the
		// default level, which is 5x quicker for 2% more bytes.
		level := gzip.BestCompression
		if len(cf.raw) > 8<<20 {
			level = gzip.DefaultCompression
		}
		zw, _ := gzip.NewWriterLevel(&buf, level)
		zw.Write(cf.raw)
		zw.Close()
		if buf.Len() <= len(cf.raw)*(100-minGzipSaving)/100 {
			cf.gz = buf.Bytes()
		}
	})
	return cf.gz
}

// acceptsGzip reports whether Accept-Encoding lists gzip without q=0.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") && strings.TrimSpace(coding) != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		if q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000" {
			return false
		}
		return true
	}
	return false
}
