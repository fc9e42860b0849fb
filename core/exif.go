package core

import (
	"encoding/binary"
	"image"
	"image/color"
)

// JPEGOrientation returns the EXIF orientation (1..8) stored in a JPEG's APP1 block,
// or 1 (upright) when there is none or it is malformed: a broken EXIF block must
// never stop a photo from being classified.
func JPEGOrientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 1
	}
	for p := 2; p+4 <= len(data); {
		if data[p] != 0xFF {
			return 1
		}
		marker := data[p+1]
		if marker == 0xFF { // fill byte before a marker
			p++
			continue
		}
		if marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) {
			p += 2 // markers without a length
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan / end: no more metadata
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			return 1
		}
		seg := data[p+4 : p+2+n]
		if marker == 0xE1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			if o := tiffOrientation(seg[6:]); o != 0 {
				return o
			}
		}
		p += 2 + n
	}
	return 1
}

// tiffOrientation reads tag 0x0112 from IFD0 of a TIFF block; 0 if absent or invalid.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return 0
	}
	ifd := int64(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > int64(len(t)) {
		return 0
	}
	count := int(bo.Uint16(t[ifd:]))
	for i := 0; i < count; i++ {
		e := ifd + 2 + int64(i)*12
		if e+12 > int64(len(t)) {
			return 0
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		// Type SHORT (3), count 1: the value sits in the first 2 bytes of the field.
		if bo.Uint16(t[e+2:]) != 3 || bo.Uint32(t[e+4:]) != 1 {
			return 0
		}
		if o := int(bo.Uint16(t[e+8:])); o >= 1 && o <= 8 {
			return o
		}
		return 0
	}
	return 0
}

// Orient returns img transformed so that an image stored with EXIF orientation o
// is upright. Orientation 1 (or an unknown value) returns img itself; otherwise the
// result is a new *image.NRGBA (YCbCr is converted with color.YCbCrToRGB, like
// image/draw, so preprocessing it matches preprocessing the unrotated original).
func Orient(img image.Image, o int) image.Image {
	if o < 2 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 { // the four orientations that swap width and height
		dw, dh = h, w
	}
	out := image.NewNRGBA(image.Rect(0, 0, dw, dh))
	src := newPixelSource(img)
	for y := 0; y < dh; y++ {
		row := out.Pix[y*out.Stride:]
		for x := 0; x < dw; x++ {
			sx, sy := orientedSource(o, x, y, w, h)
			r, g, bl := src.rgb(b.Min.X+sx, b.Min.Y+sy)
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = r, g, bl, 0xFF
		}
	}
	return out
}

// orientedSource maps a pixel (x, y) of the upright image to the stored w x h image.
func orientedSource(o, x, y, w, h int) (int, int) {
	switch o {
	case 2: // mirrored horizontally
		return w - 1 - x, y
	case 3: // rotated 180
		return w - 1 - x, h - 1 - y
	case 4: // mirrored vertically
		return x, h - 1 - y
	case 5: // transposed
		return y, x
	case 6: // stored rotated 90 counter-clockwise: turn it clockwise
		return y, h - 1 - x
	case 7: // transversed
		return w - 1 - y, h - 1 - x
	case 8: // stored rotated 90 clockwise: turn it counter-clockwise
		return w - 1 - y, x
	}
	return x, y
}

// pixelSource reads 8-bit RGB from any image, with fast paths for the decoders'
// usual types. Alpha is ignored, as tf.browser.fromPixels does.
type pixelSource struct {
	img   image.Image
	ycc   *image.YCbCr
	pix   []byte // 4 bytes per pixel (RGBA / NRGBA)
	gray  *image.Gray
	min   image.Point
	strid int

	// Chroma subsampling as shifts (x>>cx, y>>cy), valid when min >= 0 so that
	// shifting equals the division image.YCbCr.COffset does; else cx = -1.
	cx, cy int
}

func (s *pixelSource) setYCbCr(m *image.YCbCr) {
	s.ycc, s.cx = m, -1
	if s.min.X < 0 || s.min.Y < 0 {
		return
	}
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio444:
		s.cx, s.cy = 0, 0
	case image.YCbCrSubsampleRatio422:
		s.cx, s.cy = 1, 0
	case image.YCbCrSubsampleRatio420:
		s.cx, s.cy = 1, 1
	case image.YCbCrSubsampleRatio440:
		s.cx, s.cy = 0, 1
	case image.YCbCrSubsampleRatio411:
		s.cx, s.cy = 2, 0
	case image.YCbCrSubsampleRatio410:
		s.cx, s.cy = 2, 1
	}
}

func newPixelSource(img image.Image) pixelSource {
	s := pixelSource{img: img, min: img.Bounds().Min}
	switch m := img.(type) {
	case *image.YCbCr:
		s.setYCbCr(m)
	case *image.NYCbCrA:
		s.setYCbCr(&m.YCbCr)
	case *image.RGBA:
		s.pix, s.strid = m.Pix, m.Stride
	case *image.NRGBA:
		s.pix, s.strid = m.Pix, m.Stride
	case *image.Gray:
		s.gray = m
	}
	return s
}

func (s *pixelSource) rgb(x, y int) (r, g, b uint8) {
	switch {
	case s.pix != nil:
		i := (y-s.min.Y)*s.strid + (x-s.min.X)*4
		return s.pix[i], s.pix[i+1], s.pix[i+2]
	case s.ycc != nil:
		m := s.ycc
		yi := (y-s.min.Y)*m.YStride + (x - s.min.X)
		var ci int
		if s.cx >= 0 {
			ci = (y>>s.cy-s.min.Y>>s.cy)*m.CStride + (x>>s.cx - s.min.X>>s.cx)
		} else {
			ci = m.COffset(x, y)
		}
		return color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
	case s.gray != nil:
		v := s.gray.Pix[s.gray.PixOffset(x, y)]
		return v, v, v
	}
	c := color.NRGBAModel.Convert(s.img.At(x, y)).(color.NRGBA)
	return c.R, c.G, c.B
}
