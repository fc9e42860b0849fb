package core

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestCentralCrop(t *testing.T) {
	for _, tc := range []struct {
		w, h int
		frac float64
		want image.Rectangle
	}{
		{500, 375, 0.875, image.Rect(31, 23, 469, 352)}, // int(62.5/2)=31, int(46.875/2)=23
		{224, 224, 0.875, image.Rect(14, 14, 210, 210)},
		{7, 5, 0.5, image.Rect(1, 1, 6, 4)}, // int(1.75)=1, int(1.25)=1
		{1, 1, 0.875, image.Rect(0, 0, 1, 1)},
		{640, 480, 0, image.Rect(0, 0, 640, 480)},
		{640, 480, 1, image.Rect(0, 0, 640, 480)},
	} {
		got, err := centralCrop(tc.w, tc.h, tc.frac)
		if err != nil || got != tc.want {
			t.Errorf("centralCrop(%d, %d, %v) = %v, %v; want %v", tc.w, tc.h, tc.frac, got, err, tc.want)
		}
	}
}

// At the network's own size with no crop, the resize is the identity: exactly x/127.5-1.
func TestPreprocessIdentitySize(t *testing.T) {
	img := randomNRGBA(rand.New(rand.NewPCG(1, 2)), 9, 9)
	dst := make([]float32, 9*9*3)
	if err := PreprocessImage(dst, img, 9, 0); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 9*9; i++ {
		for c := 0; c < 3; c++ {
			want := float32(img.Pix[4*i+c])/127.5 - 1
			if dst[3*i+c] != want {
				t.Fatalf("pixel %d channel %d: %v, want %v", i, c, dst[3*i+c], want)
			}
		}
	}
}

// A 2x1 image upscaled to 4x4: columns sample x = 0, 0.5, 1, 1.5 (clamped to the last
// pixel), rows all sample row 0. Values worked out by hand.
func TestPreprocessHandWorked(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	img.SetNRGBA(0, 0, color.NRGBA{0, 100, 255, 255})
	img.SetNRGBA(1, 0, color.NRGBA{255, 200, 0, 255})
	dst := make([]float32, 4*4*3)
	if err := PreprocessImage(dst, img, 4, 0); err != nil {
		t.Fatal(err)
	}
	cols := [4][3]float32{{0, 100, 255}, {127.5, 150, 127.5}, {255, 200, 0}, {255, 200, 0}}
	for y := 0; y < 4; y++ {
		for x := 0; x < 4; x++ {
			for c := 0; c < 3; c++ {
				if got, want := dst[(y*4+x)*3+c], cols[x][c]/127.5-1; got != want {
					t.Errorf("(%d,%d,%d) = %v, want %v", x, y, c, got, want)
				}
			}
		}
	}
}

func randomNRGBA(rng *rand.Rand, w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.UintN(256))
	}
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 255
	}
	return img
}

func randomYCbCr(rng *rand.Rand, w, h int, ratio image.YCbCrSubsampleRatio) *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), ratio)
	for _, p := range [][]byte{img.Y, img.Cb, img.Cr} {
		for i := range p {
			p[i] = uint8(rng.UintN(256))
		}
	}
	return img
}

// opaqueImage hides the concrete type, forcing the generic img.At path.
type opaqueImage struct{ image.Image }

// Every fast path and the generic path must give identical tensors for the same
// pixels. The YCbCr reference is image/draw's own YCbCr->RGBA conversion.
func TestPreprocessPathsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const size = 24
	for _, crop := range []float64{0, 0.875} {
		for _, ratio := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio440} {
			ycc := randomYCbCr(rng, 37, 29, ratio)
			rgba := image.NewRGBA(ycc.Bounds())
			draw.Draw(rgba, rgba.Bounds(), ycc, image.Point{}, draw.Src)
			want := preprocessed(t, rgba, size, crop)
			assertSame(t, "YCbCr "+ratio.String(), preprocessed(t, ycc, size, crop), want)
			assertSame(t, "NYCbCrA", preprocessed(t, &image.NYCbCrA{YCbCr: *ycc, A: make([]byte, 37*29), AStride: 37}, size, crop), want)
			assertSame(t, "generic", preprocessed(t, opaqueImage{rgba}, size, crop), want)
			// A YCbCr sub-image at odd bounds: its chroma rows and columns start mid-sample.
			sub := ycc.SubImage(image.Rect(3, 5, 30, 26)).(*image.YCbCr)
			subRGBA := image.NewRGBA(sub.Bounds())
			draw.Draw(subRGBA, subRGBA.Bounds(), sub, sub.Bounds().Min, draw.Src)
			assertSame(t, "YCbCr sub-image "+ratio.String(), preprocessed(t, sub, size, crop), preprocessed(t, subRGBA, size, crop))
		}

		n := randomNRGBA(rng, 41, 23)
		want := preprocessed(t, n, size, crop)
		assertSame(t, "RGBA", preprocessed(t, &image.RGBA{Pix: n.Pix, Stride: n.Stride, Rect: n.Rect}, size, crop), want)
		assertSame(t, "generic NRGBA", preprocessed(t, opaqueImage{n}, size, crop), want)

		// Raw bytes with a padded stride.
		stride := 4*41 + 12
		raw := make([]byte, 23*stride)
		for y := 0; y < 23; y++ {
			copy(raw[y*stride:], n.Pix[y*n.Stride:y*n.Stride+4*41])
		}
		got := make([]float32, size*size*3)
		if err := PreprocessRGBA(got, raw[:22*stride+4*41], 41, 23, stride, size, crop); err != nil {
			t.Fatal(err)
		}
		assertSame(t, "raw RGBA", got, want)

		// A sub-image (non-zero Min) equals the same pixels copied to the origin.
		big := randomNRGBA(rng, 60, 50)
		sub := big.SubImage(image.Rect(7, 5, 48, 28)).(*image.NRGBA)
		moved := image.NewNRGBA(image.Rect(0, 0, 41, 23))
		draw.Draw(moved, moved.Bounds(), sub, sub.Bounds().Min, draw.Src)
		assertSame(t, "sub-image", preprocessed(t, sub, size, crop), preprocessed(t, moved, size, crop))
		assertSame(t, "generic sub-image", preprocessed(t, opaqueImage{sub}, size, crop), preprocessed(t, moved, size, crop))

		gray := image.NewGray(image.Rect(0, 0, 30, 20))
		for i := range gray.Pix {
			gray.Pix[i] = uint8(rng.UintN(256))
		}
		grayRGBA := image.NewRGBA(gray.Bounds())
		draw.Draw(grayRGBA, gray.Bounds(), gray, image.Point{}, draw.Src)
		assertSame(t, "Gray", preprocessed(t, gray, size, crop), preprocessed(t, grayRGBA, size, crop))
	}
}

func preprocessed(t *testing.T, img image.Image, size int, crop float64) []float32 {
	t.Helper()
	dst := make([]float32, size*size*3)
	if err := PreprocessImage(dst, img, size, crop); err != nil {
		t.Fatal(err)
	}
	return dst
}

func assertSame(t *testing.T, name string, got, want []float32) {
	t.Helper()
	for i := range want {
		if got[i] != want[i] || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s: element %d is %v, want %v", name, i, got[i], want[i])
		}
	}
}

func TestPreprocessErrors(t *testing.T) {
	img := randomNRGBA(rand.New(rand.NewPCG(5, 6)), 8, 8)
	dst := make([]float32, 4*4*3)
	pix := make([]byte, 8*8*4)
	for _, tc := range []struct {
		name, want string
		err        error
	}{
		{"nil image", "nil image", PreprocessImage(dst, nil, 4, 0)},
		{"empty image", "empty image", PreprocessImage(dst, image.NewNRGBA(image.Rect(0, 0, 0, 5)), 4, 0)},
		{"size 0", "invalid output size 0", PreprocessImage(dst, img, 0, 0)},
		{"short dst", "need 75", PreprocessImage(dst, img, 5, 0)},
		{"crop > 1", "crop fraction 1.5", PreprocessImage(dst, img, 4, 1.5)},
		{"crop < 0", "crop fraction -0.1", PreprocessImage(dst, img, 4, -0.1)},
		{"crop NaN", "crop fraction NaN", PreprocessImage(dst, img, 4, math.NaN())},
		{"zero frame", "invalid frame size 0x8", PreprocessRGBA(dst, pix, 0, 8, 32, 4, 0)},
		{"small stride", "stride 31", PreprocessRGBA(dst, pix, 8, 8, 31, 4, 0)},
		{"short pixels", "needs 256 bytes, got 255", PreprocessRGBA(dst, pix[:255], 8, 8, 32, 4, 0)},
		{"huge frame", "too large", PreprocessRGBA(dst, pix, 1<<20, 1<<20, 1<<22, 4, 0)},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) || !strings.HasPrefix(tc.err.Error(), "mobilenet: ") {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, tc.err, tc.want)
		}
	}
}

// Per-frame preprocessing of camera frames and decoded JPEGs allocates nothing.
func TestPreprocessAllocatesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const size = 32
	dst := make([]float32, size*size*3)
	n := randomNRGBA(rng, 64, 48)
	for name, img := range map[string]image.Image{
		"YCbCr": randomYCbCr(rng, 64, 48, image.YCbCrSubsampleRatio420),
		"NRGBA": n,
		"RGBA":  &image.RGBA{Pix: n.Pix, Stride: n.Stride, Rect: n.Rect},
		"Gray":  image.NewGray(image.Rect(0, 0, 64, 48)),
	} {
		if a := testing.AllocsPerRun(5, func() { _ = PreprocessImage(dst, img, size, 0.875) }); a != 0 {
			t.Errorf("PreprocessImage(%s) allocates %v times per call", name, a)
		}
	}
	if a := testing.AllocsPerRun(5, func() { _ = PreprocessRGBA(dst, n.Pix, 64, 48, n.Stride, size, 0) }); a != 0 {
		t.Errorf("PreprocessRGBA allocates %v times per call", a)
	}
}

func BenchmarkPreprocessRGBA640x480(b *testing.B) {
	n := randomNRGBA(rand.New(rand.NewPCG(9, 10)), 640, 480)
	dst := make([]float32, 224*224*3)
	for b.Loop() {
		_ = PreprocessRGBA(dst, n.Pix, 640, 480, n.Stride, 224, 0)
	}
}

func BenchmarkPreprocessYCbCr640x480(b *testing.B) {
	img := randomYCbCr(rand.New(rand.NewPCG(11, 12)), 640, 480, image.YCbCrSubsampleRatio420)
	dst := make([]float32, 224*224*3)
	for b.Loop() {
		_ = PreprocessImage(dst, img, 224, 0.875)
	}
}
