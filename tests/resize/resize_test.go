// Package resize checks core's preprocessing against TensorFlow.js itself
// (tfjs_resize.mjs under Node): crop, bilinear resize and normalisation.
package resize

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"image/draw"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mobilenet-go/mobilenet/core"
)

type resizeCase struct {
	W    int     `json:"w"`
	H    int     `json:"h"`
	Size int     `json:"size"`
	Crop float64 `json:"crop"`
	Pix  string  `json:"pix"` // base64 RGBA, tightly packed

	pix []byte
	img image.Image // when set, core.PreprocessImage(img) is checked instead of the raw path
}

// sharedSamples decodes a few real photos (a colour JPEG and a greyscale one) from
// $SHARED/imagenet-samples, or returns nothing when the data is absent.
func sharedSamples(t *testing.T) []resizeCase {
	dir := os.Getenv("SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared")
	}
	var out []resizeCase
	for _, s := range []struct {
		name string
		crop float64
	}{{"n01440764_tench.JPEG", 0.875}, {"n02815834_beaker.JPEG", 0}} {
		data, err := os.ReadFile(filepath.Join(dir, "imagenet-samples", s.name))
		if err != nil {
			t.Logf("skipping real samples: %v", err)
			return nil
		}
		img, err := core.DecodeImage(data)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		// image/draw's conversion to RGBA is the pixels TF.js gets.
		rgba := image.NewRGBA(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()))
		draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
		out = append(out, resizeCase{W: rgba.Rect.Dx(), H: rgba.Rect.Dy(), Size: 224, Crop: s.crop,
			Pix: base64.StdEncoding.EncodeToString(rgba.Pix), pix: rgba.Pix, img: img})
	}
	return out
}

func TestResizeMatchesTFJS(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	rng := rand.New(rand.NewPCG(1704, 4861))
	shapes := []struct {
		w, h, size int
		crop       float64
	}{
		{7, 5, 3, 0},        // downscale, non-integer ratios
		{5, 7, 11, 1},       // upscale
		{13, 17, 16, 0.875}, // crop then mild upscale
		{31, 23, 8, 0.5},
		{1, 1, 4, 0}, // a single pixel
		{2, 9, 5, 0.875},
		{100, 61, 32, 0.875},
		{97, 131, 224, 0}, // the network's size, upscaled
		{640, 480, 224, 0.875},
	}
	cases := make([]resizeCase, len(shapes))
	for i, s := range shapes {
		pix := make([]byte, s.w*s.h*4)
		for j := range pix {
			pix[j] = byte(rng.UintN(256))
		}
		cases[i] = resizeCase{W: s.w, H: s.h, Size: s.size, Crop: s.crop, Pix: base64.StdEncoding.EncodeToString(pix), pix: pix}
	}
	cases = append(cases, sharedSamples(t)...)

	dir := t.TempDir()
	casesPath, outPath := filepath.Join(dir, "cases.json"), filepath.Join(dir, "out.f32")
	js, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(casesPath, js, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "tfjs_resize.mjs", casesPath, outPath)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tfjs oracle: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}

	var worst float64
	for i, c := range cases {
		n := c.Size * c.Size * 3
		if len(raw) < 4*n {
			t.Fatalf("oracle output ends before case %d", i)
		}
		want := make([]float32, n)
		for j := range want {
			want[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
		}
		raw = raw[4*n:]

		got := make([]float32, n)
		if c.img != nil {
			if err := core.PreprocessImage(got, c.img, c.Size, c.Crop); err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
		} else {
			// Odd cases use a padded stride, as a canvas row or camera frame may have.
			stride := 4*c.W + 4*(i%2)*3
			padded := make([]byte, (c.H-1)*stride+4*c.W)
			for y := 0; y < c.H; y++ {
				copy(padded[y*stride:], c.pix[y*4*c.W:(y+1)*4*c.W])
			}
			if err := core.PreprocessRGBA(got, padded, c.W, c.H, stride, c.Size, c.Crop); err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
		}
		var caseWorst float64
		exact := 0
		for j := range got {
			d := math.Abs(float64(got[j]) - float64(want[j]))
			caseWorst = max(caseWorst, d)
			if got[j] == want[j] {
				exact++
			}
		}
		t.Logf("%s%dx%d -> %d crop %v: max |diff| %.3g, %d/%d bit-identical", kind(c), c.W, c.H, c.Size, c.Crop, caseWorst, exact, n)
		if caseWorst >= 1e-5 {
			t.Errorf("%dx%d -> %d crop %v: max |diff| %g vs TF.js", c.W, c.H, c.Size, c.Crop, caseWorst)
		}
		worst = max(worst, caseWorst)
	}
	if len(raw) != 0 {
		t.Errorf("oracle wrote %d extra bytes", len(raw))
	}
	t.Logf("max |diff| over all cases: %g", worst)
}

func kind(c resizeCase) string {
	if c.img != nil {
		return fmt.Sprintf("decoded %T ", c.img)
	}
	return ""
}
