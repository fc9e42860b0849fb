package weights

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/mobilenet-go/mobilenet/core"
)

// MaxFileBytes bounds every file Load reads (a .mnw, a model.json or one shard), so a
// hostile server or a wrong path cannot exhaust memory. MobileNet v1 at alpha 1 is
// about 17 MB as float32.
var MaxFileBytes int64 = 64 << 20

// maxShardPaths bounds the number of shard files a manifest may name.
const maxShardPaths = 4096

// Load reads MobileNet v1 weights from src: a .mnw file, a TF.js layers model
// directory, a model.json path, or an http(s) URL of a .mnw or a model.json (a URL
// ending in "/" means its model.json). The format is detected from the content.
func Load(src string) (*core.Weights, error) {
	var w *core.Weights
	var err error
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		w, err = loadURL(src)
	} else {
		w, err = loadPath(src)
	}
	if err != nil {
		return nil, fmt.Errorf("weights: %s: %w", src, err)
	}
	return w, nil
}

// decode picks the format of a loaded file: .mnw by magic or name, else model.json
// whose shards readFile resolves.
func decode(name string, data []byte, readFile func(string) ([]byte, error)) (*core.Weights, error) {
	if IsPacked(data) || strings.HasSuffix(name, ".mnw") {
		w, err := DecodePacked(data)
		if err != nil {
			return nil, fmt.Errorf(".mnw: %w", err)
		}
		return w, nil
	}
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		return nil, errors.New("neither a .mnw file (no MNW magic) nor a TF.js model.json")
	}
	return parseTFJS(data, readFile)
}

func loadPath(src string) (*core.Weights, error) {
	fi, err := os.Stat(src)
	if err != nil {
		return nil, err
	}
	file := src
	if fi.IsDir() {
		file = filepath.Join(src, "model.json")
	}
	data, err := readLocal(file)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(file)
	return decode(file, data, func(name string) ([]byte, error) {
		p := filepath.FromSlash(name)
		if !filepath.IsLocal(p) {
			return nil, errors.New("shard path leaves the model directory")
		}
		return readLocal(filepath.Join(dir, p))
	})
}

// readLocal reads a file of at most MaxFileBytes, sized up front so the bytes are
// read once into one buffer.
func readLocal(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory", name)
	}
	return readLimited(f, fi.Size(), name)
}

// readLimited reads all of r, failing once it passes MaxFileBytes; sizeHint (the file
// size or Content-Length, -1 if unknown) preallocates the buffer.
func readLimited(r io.Reader, sizeHint int64, what string) ([]byte, error) {
	if sizeHint > MaxFileBytes {
		return nil, fmt.Errorf("%s is %d bytes, larger than the %d-byte limit", what, sizeHint, MaxFileBytes)
	}
	buf := bytes.NewBuffer(make([]byte, 0, max(sizeHint, 0)+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(r, MaxFileBytes+1)); err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	if int64(buf.Len()) > MaxFileBytes {
		return nil, fmt.Errorf("%s is larger than the %d-byte limit", what, MaxFileBytes)
	}
	return buf.Bytes(), nil
}

func loadURL(src string) (*core.Weights, error) {
	u, err := url.Parse(src)
	if err != nil {
		return nil, err
	}
	if u.Host == "" {
		return nil, errors.New("URL has no host")
	}
	if strings.HasSuffix(u.Path, "/") {
		u = u.JoinPath("model.json")
	}
	data, base, err := fetchURL(u)
	if err != nil {
		return nil, err
	}
	return decode(base.Path, data, func(name string) ([]byte, error) {
		ref, err := url.Parse(name)
		if err != nil {
			return nil, err
		}
		abs := base.ResolveReference(ref) // relative to model.json, after redirects
		if abs.Scheme != "http" && abs.Scheme != "https" {
			return nil, fmt.Errorf("shard URL %s is not http(s)", abs)
		}
		data, _, err := fetchURL(abs)
		return data, err
	})
}
