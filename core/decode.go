package core

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/mobilenet-go/mobilenet/internal/limits"
	"golang.org/x/image/webp"
)

// maxPixels is the largest image (width*height) DecodeImage accepts. The header is
// checked before any pixel buffer is allocated, so a small file claiming a huge
// size (a decompression bomb) costs nothing. 40 megapixels decode to ~160 MB. Raw
// RGBA frames are held to the same bound (see internal/limits, shared with JS).
const maxPixels = limits.MaxPixels

// errUnsupportedFormat is returned for data that is not JPEG, PNG, GIF or WebP.
var errUnsupportedFormat = errors.New("mobilenet: unsupported image format (not JPEG, PNG, GIF or WebP)")

// imageCodec is one supported format, recognised by its magic bytes rather than
// image.RegisterFormat, so other packages' registrations do not widen what we accept.
type imageCodec struct {
	name   string
	match  func([]byte) bool
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

var imageCodecs = []imageCodec{
	{"JPEG", func(b []byte) bool { return bytes.HasPrefix(b, []byte{0xFF, 0xD8}) }, jpeg.DecodeConfig, jpeg.Decode},
	{"PNG", func(b []byte) bool { return bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) }, png.DecodeConfig, png.Decode},
	{"GIF", func(b []byte) bool {
		return bytes.HasPrefix(b, []byte("GIF87a")) || bytes.HasPrefix(b, []byte("GIF89a"))
	}, gif.DecodeConfig, gif.Decode}, // gif.Decode returns the first frame only
	{"WebP", func(b []byte) bool {
		return len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP"
	}, webp.DecodeConfig, webp.Decode},
}

// DecodeImage decodes a JPEG, PNG, GIF (first frame) or WebP image. A JPEG's EXIF
// orientation is applied, so the result is upright as a browser would show it.
// Images over 40 megapixels (internal/limits.MaxPixels) are refused from their
// header alone.
func DecodeImage(data []byte) (img image.Image, err error) {
	var codec *imageCodec
	for i := range imageCodecs {
		if imageCodecs[i].match(data) {
			codec = &imageCodecs[i]
			break
		}
	}
	if codec == nil {
		return nil, errUnsupportedFormat
	}
	// Third-party decoders fed hostile bytes must not take the worker down.
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("mobilenet: corrupt %s: decoder failed: %v", codec.name, r)
		}
	}()
	cfg, err := codec.config(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("mobilenet: corrupt %s: %w", codec.name, err)
	}
	if err := checkDimensions(cfg.Width, cfg.Height); err != nil {
		return nil, fmt.Errorf("mobilenet: %s %w", codec.name, err)
	}
	img, err = codec.decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("mobilenet: corrupt %s: %w", codec.name, err)
	}
	// A GIF's first frame may be smaller than its logical screen; never empty though.
	if b := img.Bounds(); b.Empty() {
		return nil, fmt.Errorf("mobilenet: corrupt %s: decoded an empty %dx%d image", codec.name, b.Dx(), b.Dy())
	}
	if codec.name == "JPEG" {
		img = Orient(img, jpegOrientation(data))
	}
	return img, nil
}

// checkDimensions refuses empty images and decompression bombs.
func checkDimensions(w, h int) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("image has invalid dimensions %dx%d", w, h)
	}
	if int64(w)*int64(h) > maxPixels {
		return fmt.Errorf("image is too large: %dx%d = %d pixels (limit %d)", w, h, int64(w)*int64(h), maxPixels)
	}
	return nil
}
