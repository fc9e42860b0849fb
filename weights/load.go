package weights

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/q8"
	"github.com/mobilenet-go/mobilenet/weights/mnw"
)

// Load reads MobileNet v1 weights from src: a .mnw file, a TF.js layers model
// directory, a model.json path, or an http(s) URL of a .mnw or a model.json (a URL
// ending in "/" means its model.json). The format is detected from the content.
//
// src itself is trusted (the caller chose it); what it contains is not: shard paths
// stay inside model.json's folder (and origin), and every file is bounded by the size
// its format implies (internal/limits).
func Load(src string) (*core.Weights, error) { return load(src, decode) }

// LoadInt8 is Load for the int8 network: an int8 .mnw file gives its stored int8
// weights as they are; any other model is loaded as Load does and quantized
// (internal/q8.Quantize). The same bounds apply.
func LoadInt8(src string) (*core.Int8Weights, error) { return load(src, decodeInt8) }

// load reads src (a URL or a path) and hands its bytes to dec.
func load[T any](src string, dec decoder[T]) (T, error) {
	var w T
	var err error
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		w, err = loadURL(src, dec)
	} else {
		w, err = loadPath(src, dec)
	}
	if err != nil {
		var zero T
		return zero, fmt.Errorf("weights: %s: %w", src, err)
	}
	return w, nil
}

// decoder turns a loaded model file (name, bytes, and its shards on demand) into
// weights: decode for float, decodeInt8 for int8.
type decoder[T any] func(name string, data []byte, readShard shardReader) (T, error)

// shardReader returns a weight shard by its manifest path, reading at most maxBytes.
type shardReader func(name string, maxBytes int) ([]byte, error)

// decode picks the format of a loaded file: .mnw by magic or name, else model.json
// whose shards readShard resolves.
func decode(name string, data []byte, readShard shardReader) (*core.Weights, error) {
	if mnw.Is(data) || strings.HasSuffix(name, ".mnw") {
		w, err := DecodePacked(data)
		if err != nil {
			return nil, fmt.Errorf(".mnw: %w", err)
		}
		return w, nil
	}
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		return nil, errors.New("neither a .mnw file (no MNW magic) nor a TF.js model.json")
	}
	return parseTFJS(data, readShard)
}

// decodeInt8 reads an int8 .mnw file as stored, anything else through decode and
// q8.Quantize.
func decodeInt8(name string, data []byte, readShard shardReader) (*core.Int8Weights, error) {
	if mnw.IsInt8(data) {
		q, err := mnw.DecodeInt8(data)
		if err != nil {
			return nil, fmt.Errorf(".mnw: %w", err)
		}
		return q, nil
	}
	w, err := decode(name, data, readShard)
	if err != nil {
		return nil, err
	}
	return q8.Quantize(w)
}

func loadPath[T any](src string, dec decoder[T]) (T, error) {
	var zero T
	fi, err := os.Stat(src)
	if err != nil {
		return zero, err
	}
	file := src
	if fi.IsDir() {
		file = filepath.Join(src, "model.json")
	}
	data, err := readLocal(file)
	if err != nil {
		return zero, err
	}
	if mnw.Is(data) || !bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
		return dec(file, data, nil)
	}
	// os.Root confines every shard to model.json's directory, symlinks included:
	// a link inside the folder that points out of it is refused too.
	root, err := os.OpenRoot(filepath.Dir(file))
	if err != nil {
		return zero, err
	}
	defer root.Close()
	return dec(file, data, func(name string, maxBytes int) ([]byte, error) {
		rel, err := checkShardPath(name)
		if err != nil {
			return nil, err
		}
		p := filepath.FromSlash(rel)
		full := filepath.Join(root.Name(), p)
		fi, err := root.Stat(p)
		if err != nil {
			return nil, err
		}
		if !fi.Mode().IsRegular() { // a FIFO would block, a device never end
			return nil, fmt.Errorf("%s is not a regular file", full)
		}
		f, err := root.Open(p)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return readShard(f, fi.Size(), maxBytes, full)
	})
}

// readLocal reads a .mnw or model.json file, bounded by its format.
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
	size := fi.Size()
	if !fi.Mode().IsRegular() {
		size = -1 // a pipe or device: bounded by the format all the same
	}
	return readModelFile(f, size, name)
}

func loadURL[T any](src string, dec decoder[T]) (T, error) {
	var zero T
	u, err := url.Parse(src)
	if err != nil {
		return zero, err
	}
	if u.Host == "" {
		return zero, errors.New("URL has no host")
	}
	if strings.HasSuffix(u.Path, "/") {
		u = u.JoinPath("model.json")
	}
	data, base, err := fetchModelFile(u)
	if err != nil {
		return zero, err
	}
	return dec(base.Path, data, func(name string, maxBytes int) ([]byte, error) {
		abs, err := shardURL(base, name) // relative to model.json, after redirects
		if err != nil {
			return nil, err
		}
		return fetchShard(abs, base, maxBytes)
	})
}
