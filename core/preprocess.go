package core

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// PreprocessImage writes the network input for img into dst ([size][size][3],
// x/127.5-1): the central crop fraction of the image (tf.image.central_crop; 0 or 1
// keeps the whole image), resized bilinearly to size x size exactly as TF.js
// tf.image.resizeBilinear(x, [size, size], alignCorners=false) does. Alpha is ignored
// like tf.browser.fromPixels does (colour as stored; decoders give opaque *image.RGBA).
// *image.YCbCr (JPEG, converted with color.YCbCrToRGB), *image.RGBA, *image.NRGBA and
// *image.Gray allocate nothing; other image types go through img.At.
func PreprocessImage(dst []float32, img image.Image, size int, crop float64) error {
	if img == nil {
		return fmt.Errorf("mobilenet: preprocess: nil image")
	}
	b := img.Bounds()
	src := newPixelSource(img)
	return preprocess(dst, &src, b.Min.X, b.Min.Y, b.Dx(), b.Dy(), size, crop)
}

// PreprocessRGBA is PreprocessImage for raw 8-bit RGBA pixels (a canvas ImageData or
// a camera frame): pixel (x, y) starts at pix[y*stride+4*x]. It allocates nothing.
func PreprocessRGBA(dst []float32, pix []byte, width, height, stride, size int, crop float64) error {
	if width <= 0 || height <= 0 {
		return fmt.Errorf("mobilenet: preprocess: invalid frame size %dx%d", width, height)
	}
	if int64(width)*int64(height) > maxPixels { // the same limit as encoded images
		return fmt.Errorf("mobilenet: preprocess: frame is too large: %dx%d = %d pixels (limit %d)",
			width, height, int64(width)*int64(height), maxPixels)
	}
	if stride < 4*width {
		return fmt.Errorf("mobilenet: preprocess: stride %d is less than 4*width (%d)", stride, 4*width)
	}
	if need := int64(height-1)*int64(stride) + 4*int64(width); int64(len(pix)) < need {
		return fmt.Errorf("mobilenet: preprocess: %dx%d RGBA frame with stride %d needs %d bytes, got %d",
			width, height, stride, need, len(pix))
	}
	src := pixelSource{pix: pix, stride: stride}
	return preprocess(dst, &src, 0, 0, width, height, size, crop)
}

// centralCrop returns the region tf.image.central_crop keeps of a w x h image:
// offsets int((h - h*frac)/2), sizes h - 2*offset. frac 0 or 1 keeps everything.
func centralCrop(w, h int, frac float64) (image.Rectangle, error) {
	if frac == 0 || frac == 1 {
		return image.Rect(0, 0, w, h), nil
	}
	if !(frac > 0 && frac < 1) {
		return image.Rectangle{}, fmt.Errorf("mobilenet: preprocess: crop fraction %v is not in (0, 1]", frac)
	}
	x0 := int((float64(w) - float64(w)*frac) / 2)
	y0 := int((float64(h) - float64(h)*frac) / 2)
	return image.Rect(x0, y0, w-x0, h-y0), nil
}

func preprocess(dst []float32, src *pixelSource, minX, minY, w, h, size int, crop float64) error {
	if size <= 0 {
		return fmt.Errorf("mobilenet: preprocess: invalid output size %d", size)
	}
	if len(dst) < size*size*3 {
		return fmt.Errorf("mobilenet: preprocess: dst has %d floats, need %d for %dx%dx3", len(dst), size*size*3, size, size)
	}
	if w <= 0 || h <= 0 {
		return fmt.Errorf("mobilenet: preprocess: empty image %dx%d", w, h)
	}
	r, err := centralCrop(w, h, crop)
	if err != nil {
		return err
	}
	resizeNormalize(dst, src, minX+r.Min.X, minY+r.Min.Y, r.Dx(), r.Dy(), size)
	return nil
}

// resizeNormalize resizes the w x h region at (x0, y0) of src to size x size and
// writes x/127.5-1. The arithmetic is TF.js's CPU kernel's: coordinates and lerps in
// float64 (JavaScript numbers), the result rounded to float32, then divided and
// shifted in float32. Explicit float64() conversions forbid fused multiply-adds,
// which would round differently.
func resizeNormalize(dst []float32, src *pixelSource, x0, y0, w, h, size int) {
	switch {
	case src.pix != nil:
		resizeNormalizePix(dst, src, x0, y0, w, h, size)
		return
	case src.ycc != nil && src.cx >= 0:
		resizeNormalizeYCbCr(dst, src, x0, y0, w, h, size)
		return
	}
	ratioY := float64(h) / float64(size)
	ratioX := float64(w) / float64(size)
	o := 0
	for r := 0; r < size; r++ {
		top, bot, dy := sourceCoord(ratioY, r, h)
		for c := 0; c < size; c++ {
			left, right, dx := sourceCoord(ratioX, c, w)
			tlR, tlG, tlB := src.rgb(x0+left, y0+top)
			trR, trG, trB := src.rgb(x0+right, y0+top)
			blR, blG, blB := src.rgb(x0+left, y0+bot)
			brR, brG, brB := src.rgb(x0+right, y0+bot)
			dst[o] = normalize(lerp2(tlR, trR, blR, brR, dx, dy))
			dst[o+1] = normalize(lerp2(tlG, trG, blG, brG, dx, dy))
			dst[o+2] = normalize(lerp2(tlB, trB, blB, brB, dx, dy))
			o += 3
		}
	}
}

// resizeNormalizePix is resizeNormalize for 4-byte pixels (RGBA, NRGBA, camera
// frames): the per-frame path, reading pix directly.
func resizeNormalizePix(dst []float32, src *pixelSource, x0, y0, w, h, size int) {
	pix, stride := src.pix, src.stride
	base := (y0-src.min.Y)*stride + (x0-src.min.X)*4
	ratioY := float64(h) / float64(size)
	ratioX := float64(w) / float64(size)
	o := 0
	for r := 0; r < size; r++ {
		top, bot, dy := sourceCoord(ratioY, r, h)
		rowT, rowB := pix[base+top*stride:], pix[base+bot*stride:]
		for c := 0; c < size; c++ {
			left, right, dx := sourceCoord(ratioX, c, w)
			l, rr := 4*left, 4*right
			tl, tr, bl, br := rowT[l:l+3], rowT[rr:rr+3], rowB[l:l+3], rowB[rr:rr+3]
			d := dst[o : o+3]
			d[0] = normalize(lerp2(tl[0], tr[0], bl[0], br[0], dx, dy))
			d[1] = normalize(lerp2(tl[1], tr[1], bl[1], br[1], dx, dy))
			d[2] = normalize(lerp2(tl[2], tr[2], bl[2], br[2], dx, dy))
			o += 3
		}
	}
}

// resizeNormalizeYCbCr is resizeNormalize for a YCbCr image (a JPEG, the common
// case) at non-negative bounds: it indexes the luma and chroma planes directly,
// each row's bases once, and converts like pixelSource.rgb.
func resizeNormalizeYCbCr(dst []float32, src *pixelSource, x0, y0, w, h, size int) {
	m, cx, cy := src.ycc, src.cx, src.cy
	ratioY := float64(h) / float64(size)
	ratioX := float64(w) / float64(size)
	// Pixel (x, y) has luma at yRow(y)+x and chroma at cRow(y)+x>>cx.
	yRow := func(y int) int { return (y-src.min.Y)*m.YStride - src.min.X }
	cRow := func(y int) int { return (y>>cy-src.min.Y>>cy)*m.CStride - src.min.X>>cx }
	o := 0
	for r := 0; r < size; r++ {
		top, bot, dy := sourceCoord(ratioY, r, h)
		yT, yB := yRow(y0+top), yRow(y0+bot)
		cT, cB := cRow(y0+top), cRow(y0+bot)
		for c := 0; c < size; c++ {
			left, right, dx := sourceCoord(ratioX, c, w)
			xl, xr := x0+left, x0+right
			cl, cr := xl>>cx, xr>>cx
			tlR, tlG, tlB := color.YCbCrToRGB(m.Y[yT+xl], m.Cb[cT+cl], m.Cr[cT+cl])
			trR, trG, trB := color.YCbCrToRGB(m.Y[yT+xr], m.Cb[cT+cr], m.Cr[cT+cr])
			blR, blG, blB := color.YCbCrToRGB(m.Y[yB+xl], m.Cb[cB+cl], m.Cr[cB+cl])
			brR, brG, brB := color.YCbCrToRGB(m.Y[yB+xr], m.Cb[cB+cr], m.Cr[cB+cr])
			d := dst[o : o+3]
			d[0] = normalize(lerp2(tlR, trR, blR, brR, dx, dy))
			d[1] = normalize(lerp2(tlG, trG, blG, brG, dx, dy))
			d[2] = normalize(lerp2(tlB, trB, blB, brB, dx, dy))
			o += 3
		}
	}
}

// sourceCoord is TF.js's source coordinate for output index i (alignCorners=false,
// halfPixelCenters=false): ratio*i, its floor lo, min(ceil, n-1) hi, and the fraction.
func sourceCoord(ratio float64, i, n int) (lo, hi int, frac float64) {
	f := ratio * float64(i)
	lo = int(math.Floor(f))
	return lo, min(n-1, int(math.Ceil(f))), f - float64(lo)
}

func lerp2(tl, tr, bl, br uint8, dx, dy float64) float32 {
	t := float64(tl) + float64((float64(tr)-float64(tl))*dx)
	b := float64(bl) + float64((float64(br)-float64(bl))*dx)
	return float32(t + float64((b-t)*dy))
}

func normalize(v float32) float32 { return v/127.5 - 1 }
