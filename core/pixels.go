package core

import (
	"image"
	"image/color"
)

// pixelSource reads 8-bit RGB from any image. Preprocessing has a direct loop for
// each of the decoders' usual layouts (pix: RGBA/NRGBA and camera frames; ycc: JPEG)
// and falls back to rgb, one pixel at a time, for the rest. Alpha is ignored, as
// tf.browser.fromPixels does.
type pixelSource struct {
	img image.Image
	min image.Point // img.Bounds().Min: pixel (x, y) is at (x-min.X, y-min.Y) in the buffers

	pix    []byte // 4 bytes per pixel (RGBA, NRGBA, a raw frame), rows stride bytes apart
	stride int

	ycc *image.YCbCr
	// Chroma subsampling as shifts (x>>cx, y>>cy), valid when min >= 0 so that
	// shifting equals the division image.YCbCr.COffset does; else cx = -1.
	cx, cy int

	gray *image.Gray
}

func newPixelSource(img image.Image) pixelSource {
	s := pixelSource{img: img, min: img.Bounds().Min}
	switch m := img.(type) {
	case *image.YCbCr:
		s.setYCbCr(m)
	case *image.NYCbCrA:
		s.setYCbCr(&m.YCbCr)
	case *image.RGBA:
		s.pix, s.stride = m.Pix, m.Stride
	case *image.NRGBA:
		s.pix, s.stride = m.Pix, m.Stride
	case *image.Gray:
		s.gray = m
	}
	return s
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

// yccIndex returns where pixel (x, y) of s.ycc has its luma and its chroma.
func (s *pixelSource) yccIndex(x, y int) (yi, ci int) {
	m := s.ycc
	yi = (y-s.min.Y)*m.YStride + (x - s.min.X)
	if s.cx >= 0 {
		ci = (y>>s.cy-s.min.Y>>s.cy)*m.CStride + (x>>s.cx - s.min.X>>s.cx)
	} else {
		ci = m.COffset(x, y)
	}
	return yi, ci
}

// rgb returns pixel (x, y). YCbCr is converted with color.YCbCrToRGB, like
// image/draw does.
func (s *pixelSource) rgb(x, y int) (r, g, b uint8) {
	switch {
	case s.pix != nil:
		i := (y-s.min.Y)*s.stride + (x-s.min.X)*4
		return s.pix[i], s.pix[i+1], s.pix[i+2]
	case s.ycc != nil:
		yi, ci := s.yccIndex(x, y)
		return color.YCbCrToRGB(s.ycc.Y[yi], s.ycc.Cb[ci], s.ycc.Cr[ci])
	case s.gray != nil:
		v := s.gray.Pix[s.gray.PixOffset(x, y)]
		return v, v, v
	}
	c := color.NRGBAModel.Convert(s.img.At(x, y)).(color.NRGBA)
	return c.R, c.G, c.B
}
