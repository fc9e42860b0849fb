package core

import "image"

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
