package core

import (
	"bytes"
	"encoding/binary"
	"image"
	"testing"
)

type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// exifTIFF is a TIFF block whose IFD0 holds one entry: orientation o (type SHORT).
func exifTIFF(o uint16, bo byteOrder) []byte {
	var b []byte
	if bo == binary.LittleEndian {
		b = []byte("II*\x00")
	} else {
		b = []byte("MM\x00*")
	}
	b = bo.AppendUint32(b, 8) // IFD0 right after the header
	b = bo.AppendUint16(b, 2) // two entries: an unrelated one first
	b = bo.AppendUint16(b, 0x010F)
	b = bo.AppendUint16(b, 2) // ASCII "Go\0" (fits in the value field)
	b = bo.AppendUint32(b, 3)
	b = append(b, 'G', 'o', 0, 0)
	b = bo.AppendUint16(b, 0x0112)
	b = bo.AppendUint16(b, 3)
	b = bo.AppendUint32(b, 1)
	b = bo.AppendUint16(b, o)
	b = bo.AppendUint16(b, 0)
	return bo.AppendUint32(b, 0) // no next IFD
}

// withAPP1 inserts an APP1 segment holding payload right after a JPEG's SOI.
func withAPP1(jpegData, payload []byte) []byte {
	seg := []byte{0xFF, 0xE1}
	seg = binary.BigEndian.AppendUint16(seg, uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, jpegData[:2]...)
	out = append(out, seg...)
	return append(out, jpegData[2:]...)
}

func withExif(jpegData, tiff []byte) []byte {
	return withAPP1(jpegData, append([]byte("Exif\x00\x00"), tiff...))
}

// storedFor builds the image a camera stores for the upright image u under EXIF
// orientation o, straight from the spec's wording: "the 0th row represents the
// visual <rowSide> of the image, and the 0th column the visual <colSide>".
func storedFor(u *image.NRGBA, o int) *image.NRGBA {
	sides := map[int][2]string{
		1: {"top", "left"}, 2: {"top", "right"}, 3: {"bottom", "right"}, 4: {"bottom", "left"},
		5: {"left", "top"}, 6: {"right", "top"}, 7: {"right", "bottom"}, 8: {"left", "bottom"},
	}[o]
	W, H := u.Bounds().Dx(), u.Bounds().Dy()
	sw, sh := W, H
	if sides[0] == "left" || sides[0] == "right" {
		sw, sh = H, W
	}
	s := image.NewNRGBA(image.Rect(0, 0, sw, sh))
	for i := 0; i < sh; i++ { // stored row i
		for j := 0; j < sw; j++ { // stored column j
			var x, y int
			switch sides[0] {
			case "top":
				y = i
			case "bottom":
				y = H - 1 - i
			case "left":
				x = i
			case "right":
				x = W - 1 - i
			}
			switch sides[1] {
			case "top":
				y = j
			case "bottom":
				y = H - 1 - j
			case "left":
				x = j
			case "right":
				x = W - 1 - j
			}
			s.SetNRGBA(j, i, u.NRGBAAt(x, y))
		}
	}
	return s
}

func TestDecodeAppliesEXIFOrientation(t *testing.T) {
	upright := quadImage(64, 32)
	for o := 1; o <= 8; o++ {
		for _, bo := range []byteOrder{binary.BigEndian, binary.LittleEndian} {
			data := withExif(encodeJPEG(t, storedFor(upright, o)), exifTIFF(uint16(o), bo))
			if got := jpegOrientation(data); got != o {
				t.Fatalf("orientation %d (%v): jpegOrientation = %d", o, bo, got)
			}
			img, err := DecodeImage(data)
			if err != nil {
				t.Fatalf("orientation %d: %v", o, err)
			}
			checkQuadrants(t, img, 64, 32, [4]int{0, 1, 2, 3}, 12)
		}
	}
}

func TestJPEGOrientationMalformed(t *testing.T) {
	base := encodeJPEG(t, quadImage(64, 32))
	good := exifTIFF(6, binary.BigEndian)
	cases := map[string][]byte{
		"no exif":            base,
		"empty exif":         withAPP1(base, []byte("Exif\x00\x00")),
		"bad byte order":     withExif(base, append([]byte("XX"), good[2:]...)),
		"truncated tiff":     withExif(base, good[:12]),
		"ifd offset huge":    withExif(base, append(append(good[:4:4], 0x7F, 0xFF, 0xFF, 0xFF), good[8:]...)),
		"ifd offset small":   withExif(base, append(append(good[:4:4], 0, 0, 0, 2), good[8:]...)),
		"entries cut short":  withExif(base, good[:30]),
		"orientation 0":      withExif(base, exifTIFF(0, binary.BigEndian)),
		"orientation 9":      withExif(base, exifTIFF(9, binary.LittleEndian)),
		"orientation 0xFFFF": withExif(base, exifTIFF(0xFFFF, binary.BigEndian)),
		"not exif app1":      withAPP1(base, []byte("http://ns.adobe.com/xap/1.0/\x00<x/>")),
	}
	wrongType := exifTIFF(6, binary.BigEndian)
	binary.BigEndian.PutUint16(wrongType[24:], 4) // LONG instead of SHORT
	cases["wrong type"] = withExif(base, wrongType)
	// An APP1 length running past the end of the file.
	overrun := bytes.Clone(withExif(base, good))
	binary.BigEndian.PutUint16(overrun[4:], 0xFFFF)
	cases["segment overrun"] = overrun[:200]

	for name, data := range cases {
		if o := jpegOrientation(data); o != 1 {
			t.Errorf("%s: orientation %d, want 1", name, o)
		}
		if name == "segment overrun" {
			continue // the JPEG itself is broken there
		}
		if img, err := DecodeImage(data); err != nil {
			t.Errorf("%s: broken EXIF must not stop decoding: %v", name, err)
		} else {
			checkQuadrants(t, img, 64, 32, [4]int{0, 1, 2, 3}, 12)
		}
	}
	for _, data := range [][]byte{nil, {0xFF}, {0xFF, 0xD8}, {0xFF, 0xD8, 0xFF, 0xE1, 0x00}, {0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01}} {
		if o := jpegOrientation(data); o != 1 {
			t.Errorf("jpegOrientation(%x) = %d, want 1", data, o)
		}
	}
}
