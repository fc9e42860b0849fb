package core

import (
	"image"
	"image/color"
	"testing"
)

// Orient on exact pixels: rotating a YCbCr image must give exactly the RGB values
// of the unrotated image (same conversion), only moved.
func TestOrientExactPixels(t *testing.T) {
	img, err := DecodeImage(encodeJPEG(t, quadImage(64, 32)))
	if err != nil {
		t.Fatal(err)
	}
	ycc := img.(*image.YCbCr)
	for o := 2; o <= 8; o++ {
		turned := Orient(img, o).(*image.NRGBA)
		for y := 0; y < 32; y++ {
			for x := 0; x < 64; x++ {
				i, c := ycc.YOffset(x, y), ycc.COffset(x, y)
				r, g, b := color.YCbCrToRGB(ycc.Y[i], ycc.Cb[c], ycc.Cr[c])
				want := color.NRGBA{r, g, b, 255}
				// Where the stored pixel (x, y) lands, per the spec-derived storedFor
				// run backwards: find it by position in a labelled image instead.
				tx, ty := landing(o, x, y, 64, 32)
				if got := turned.NRGBAAt(tx, ty); got != want {
					t.Fatalf("orientation %d: stored (%d,%d) landed as %v at (%d,%d), want %v", o, x, y, got, tx, ty, want)
				}
			}
		}
	}
	if Orient(img, 1) != img || Orient(img, 0) != img || Orient(img, 9) != img {
		t.Error("orientation 1 or an invalid one must return the image itself")
	}
}

// landing returns where stored pixel (x, y) of a w x h image appears once upright,
// found by labelling every pixel with its index and running storedFor's spec
// construction: independent of Orient's own mapping.
func landing(o, x, y, w, h int) (int, int) {
	key := [2]int{o, w*1000 + h}
	m, ok := landingCache[key]
	if !ok {
		// storedFor maps upright -> stored; label upright pixels with their index
		// and invert the resulting permutation.
		uw, uh := w, h
		if o >= 5 {
			uw, uh = h, w
		}
		u := image.NewNRGBA(image.Rect(0, 0, uw, uh))
		for i := 0; i < uw*uh; i++ {
			u.SetNRGBA(i%uw, i/uw, color.NRGBA{uint8(i), uint8(i >> 8), uint8(i >> 16), 255})
		}
		s := storedFor(u, o)
		m = make([][2]int, w*h)
		for sy := 0; sy < h; sy++ {
			for sx := 0; sx < w; sx++ {
				c := s.NRGBAAt(sx, sy)
				i := int(c.R) | int(c.G)<<8 | int(c.B)<<16
				m[sy*w+sx] = [2]int{i % uw, i / uw}
			}
		}
		landingCache[key] = m
	}
	p := m[y*w+x]
	return p[0], p[1]
}

var landingCache = map[[2]int][][2]int{}
