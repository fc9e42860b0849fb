package core

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"runtime"
	"strings"
	"testing"
)

// quadColors are the colours of quadImage's quadrants: top-left, top-right,
// bottom-left, bottom-right. All four differ, so every orientation is distinguishable.
var quadColors = [4]color.NRGBA{{230, 20, 20, 255}, {20, 200, 40, 255}, {30, 40, 220, 255}, {240, 240, 240, 255}}

// quadImage is a w x h image with four flat quadrants (w, h multiples of 32 keep
// JPEG's 16x16 blocks inside one colour).
func quadImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, quadColors[2*(2*y/h)+2*x/w])
		}
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// encodeGIF writes a two-frame GIF: img's quadrants, then an all-black frame.
func encodeGIF(t testing.TB, img image.Image) []byte {
	t.Helper()
	pal := color.Palette{color.Black, quadColors[0], quadColors[1], quadColors[2], quadColors[3]}
	first := image.NewPaletted(img.Bounds(), pal)
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			first.Set(x, y, img.At(x, y))
		}
	}
	second := image.NewPaletted(img.Bounds(), pal)
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, &gif.GIF{Image: []*image.Paletted{first, second}, Delay: []int{10, 10}}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// checkQuadrants asserts that img is w x h and its quadrant centres have the colours
// quadColors[order[0..3]] (top-left, top-right, bottom-left, bottom-right), within tol.
func checkQuadrants(t *testing.T, img image.Image, w, h int, order [4]int, tol int) {
	t.Helper()
	b := img.Bounds()
	if b.Dx() != w || b.Dy() != h {
		t.Fatalf("decoded %dx%d, want %dx%d", b.Dx(), b.Dy(), w, h)
	}
	for q := 0; q < 4; q++ {
		x := b.Min.X + w/4 + (q%2)*w/2
		y := b.Min.Y + h/4 + (q/2)*h/2
		got := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
		want := quadColors[order[q]]
		if absDiff(got.R, want.R) > tol || absDiff(got.G, want.G) > tol || absDiff(got.B, want.B) > tol {
			t.Errorf("quadrant %d at (%d,%d) is %v, want %v", q, x, y, got, want)
		}
	}
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

func TestDecodeFormats(t *testing.T) {
	src := quadImage(64, 32)
	upright := [4]int{0, 1, 2, 3}
	for _, tc := range []struct {
		name string
		data func() []byte
		w, h int
		tol  int
		typ  string
	}{
		{"JPEG", func() []byte { return encodeJPEG(t, src) }, 64, 32, 12, "*image.YCbCr"},
		{"PNG", func() []byte { return encodePNG(t, src) }, 64, 32, 0, "*image.RGBA"},
		{"GIF first frame", func() []byte { return encodeGIF(t, src) }, 64, 32, 0, "*image.Paletted"},
		{"WebP lossy", func() []byte { return readTestdata(t, "quadrants-lossy.webp") }, 32, 24, 40, "*image.YCbCr"},
		{"WebP lossless", func() []byte { return readTestdata(t, "quadrants-lossless.webp") }, 32, 24, 0, "*image.NRGBA"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := DecodeImage(tc.data())
			if err != nil {
				t.Fatal(err)
			}
			if typ := typeName(img); typ != tc.typ {
				t.Errorf("decoded a %s, want %s", typ, tc.typ)
			}
			if tc.name == "WebP lossy" || tc.name == "WebP lossless" {
				// cwebp's input had pure red, green, blue and white quadrants.
				checkColors(t, img, [4]color.NRGBA{{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}, {255, 255, 255, 255}}, tc.tol)
				return
			}
			checkQuadrants(t, img, tc.w, tc.h, upright, tc.tol)
		})
	}
}

func checkColors(t *testing.T, img image.Image, want [4]color.NRGBA, tol int) {
	t.Helper()
	b := img.Bounds()
	for q := 0; q < 4; q++ {
		x, y := b.Min.X+b.Dx()/4+(q%2)*b.Dx()/2, b.Min.Y+b.Dy()/4+(q/2)*b.Dy()/2
		got := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
		if absDiff(got.R, want[q].R) > tol || absDiff(got.G, want[q].G) > tol || absDiff(got.B, want[q].B) > tol {
			t.Errorf("quadrant %d is %v, want %v", q, got, want[q])
		}
	}
}

func typeName(v any) string {
	switch v.(type) {
	case *image.YCbCr:
		return "*image.YCbCr"
	case *image.RGBA:
		return "*image.RGBA"
	case *image.NRGBA:
		return "*image.NRGBA"
	case *image.Paletted:
		return "*image.Paletted"
	}
	return "other"
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeUnsupported(t *testing.T) {
	for _, data := range [][]byte{nil, {}, []byte("hello, world"), []byte("BM\x36\x00\x00\x00"), {0xFF}, []byte("RIFF\x00\x00\x00\x00WAVE")} {
		if _, err := DecodeImage(data); !errors.Is(err, errUnsupportedFormat) {
			t.Errorf("DecodeImage(%q) = %v, want errUnsupportedFormat", data, err)
		}
	}
}

func TestDecodeCorrupt(t *testing.T) {
	src := quadImage(64, 32)
	files := map[string][]byte{
		"JPEG": encodeJPEG(t, src),
		"PNG":  encodePNG(t, src),
		"GIF":  encodeGIF(t, src),
		"WebP": readTestdata(t, "quadrants-lossy.webp"),
	}
	for name, data := range files {
		for _, n := range []int{len(data) / 2, 40, 13, 12} {
			n = min(n, len(data)-1)
			_, err := DecodeImage(data[:n])
			if err == nil {
				t.Errorf("%s truncated to %d of %d bytes decoded without error", name, n, len(data))
				continue
			}
			if !strings.HasPrefix(err.Error(), "mobilenet: corrupt "+name) {
				t.Errorf("%s truncated to %d bytes: error %q does not say corrupt %s", name, n, err, name)
			}
		}
		// Flipped bytes must give an image or an error, never a panic.
		for i := 2; i < len(data); i += 7 {
			bad := bytes.Clone(data)
			bad[i] ^= 0x5A
			_, _ = DecodeImage(bad)
		}
	}
}

// pngHeader is a PNG signature and IHDR claiming w x h RGB, with no pixel data.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 0, 17)
	ihdr = append(ihdr, "IHDR"...)
	ihdr = binary.BigEndian.AppendUint32(ihdr, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0)
	b := []byte("\x89PNG\r\n\x1a\n")
	b = binary.BigEndian.AppendUint32(b, 13)
	b = append(b, ihdr...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(ihdr))
}

// jpegWithSize is a real small JPEG whose SOF0 header is patched to claim w x h.
func jpegWithSize(t testing.TB, w, h uint16) []byte {
	data := encodeJPEG(t, quadImage(32, 32))
	i := bytes.Index(data, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0 in the encoded JPEG")
	}
	binary.BigEndian.PutUint16(data[i+5:], h)
	binary.BigEndian.PutUint16(data[i+7:], w)
	return data
}

func gifHeader(w, h uint16) []byte {
	b := []byte("GIF89a")
	b = binary.LittleEndian.AppendUint16(b, w)
	b = binary.LittleEndian.AppendUint16(b, h)
	return append(b, 0, 0, 0, ';')
}

// webpLosslessHeader is a VP8L header claiming w x h (each at most 16384).
func webpLosslessHeader(w, h uint32) []byte {
	chunk := []byte{0x2F}
	chunk = binary.LittleEndian.AppendUint32(chunk, (w-1)|(h-1)<<14)
	chunk = append(chunk, make([]byte, 11)...)
	b := []byte("RIFF")
	b = binary.LittleEndian.AppendUint32(b, uint32(4+8+len(chunk)))
	b = append(b, "WEBPVP8L"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(chunk)))
	return append(b, chunk...)
}

func TestDecodeBombs(t *testing.T) {
	for _, tc := range []struct {
		name, dims string
		data       []byte
	}{
		{"PNG", "50000x50000", pngHeader(50000, 50000)},
		{"JPEG", "60000x50000", jpegWithSize(t, 60000, 50000)},
		{"GIF", "65535x65535", gifHeader(65535, 65535)},
		{"WebP", "16384x16384", webpLosslessHeader(16384, 16384)},
		{"GIF", "0x0", gifHeader(0, 0)},
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		img, err := DecodeImage(tc.data)
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Errorf("%s %s: decoded a %v image", tc.name, tc.dims, img.Bounds())
			continue
		}
		if !strings.Contains(err.Error(), tc.dims) || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("%s %s: error %q does not state the format and dimensions", tc.name, tc.dims, err)
		}
		if a := after.TotalAlloc - before.TotalAlloc; a > 1<<20 {
			t.Errorf("%s %s: allocated %d bytes before refusing", tc.name, tc.dims, a)
		}
	}
	// Just under the limit is accepted by the size check (the data is then corrupt).
	_, err := DecodeImage(pngHeader(8000, 5000))
	if err == nil || strings.Contains(err.Error(), "too large") {
		t.Errorf("8000x5000 PNG header: %v, want a corrupt-data error", err)
	}
}
