package core

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// FuzzDecodeImage: any bytes give an image or an error, never a panic, never more
// than maxPixels; a decoded image always preprocesses.
func FuzzDecodeImage(f *testing.F) {
	small := quadImage(32, 32)
	f.Add(encodeJPEG(f, small))
	f.Add(withExif(encodeJPEG(f, small), exifTIFF(6, binary.LittleEndian)))
	f.Add(withExif(encodeJPEG(f, small), exifTIFF(3, binary.BigEndian)[:20]))
	f.Add(encodePNG(f, small))
	f.Add(encodeGIF(f, small))
	f.Add(readTestdata(f, "quadrants-lossy.webp"))
	f.Add(readTestdata(f, "quadrants-lossless.webp"))
	f.Add(pngHeader(50000, 50000))
	f.Add(gifHeader(0, 0))
	f.Add(webpLosslessHeader(16384, 16384))
	f.Add([]byte("GIF89a"))
	dst := make([]float32, 8*8*3)
	f.Fuzz(func(t *testing.T, data []byte) {
		// Keep each input's decode cheap: the fuzzer likes huge headers.
		if cfgTooBigForFuzz(data) {
			return
		}
		img, err := DecodeImage(data)
		if err != nil {
			if img != nil {
				t.Fatal("an image and an error")
			}
			return
		}
		b := img.Bounds()
		if b.Empty() || int64(b.Dx())*int64(b.Dy()) > maxPixels {
			t.Fatalf("decoded bounds %v", b)
		}
		if err := PreprocessImage(dst, img, 8, 0.875); err != nil {
			t.Fatalf("preprocess a decoded %v image: %v", b, err)
		}
		_ = jpegOrientation(data)
	})
}

// cfgTooBigForFuzz skips inputs whose header promises more than 4 megapixels: valid
// but slow to decode thousands of times. The maxPixels refusal itself is tested above.
func cfgTooBigForFuzz(data []byte) bool {
	for _, c := range imageCodecs {
		if c.match(data) {
			cfg, err := c.config(bytes.NewReader(data))
			return err == nil && int64(cfg.Width)*int64(cfg.Height) > 4<<20
		}
	}
	return false
}
