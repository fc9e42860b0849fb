package mobilenet_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mobilenet-go/mobilenet"
	"github.com/mobilenet-go/mobilenet/core"
	"github.com/stretchr/testify/require"
)

func load(t *testing.T, opts ...mobilenet.Option) *mobilenet.Classifier {
	t.Helper()
	clf, err := mobilenet.Load(writeRandomModel(t.TempDir()), opts...)
	require.NoError(t, err)
	t.Cleanup(func() { clf.Close() })
	return clf
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

func TestNumClassesMatchesCore(t *testing.T) {
	require.Equal(t, core.NumClasses, mobilenet.NumClasses)
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(text, []byte("not weights"), 0o644))
	good := writeRandomModel(dir)
	for _, c := range []struct {
		name, src string
		opts      []mobilenet.Option
		want      string
	}{
		{"missing file", filepath.Join(dir, "missing.mnw"), nil, "missing.mnw"},
		{"not a model", text, nil, "notes.txt"},
		{"empty path", "", nil, "weights"},
		{"size not a multiple of 32", good, []mobilenet.Option{mobilenet.WithSize(100)}, "multiple of 32"},
		{"negative size", good, []mobilenet.Option{mobilenet.WithSize(-32)}, "input size -32"},
		{"crop above 1", good, []mobilenet.Option{mobilenet.WithCrop(1.5)}, "WithCrop"},
		{"NaN crop", good, []mobilenet.Option{mobilenet.WithCrop(math.NaN())}, "WithCrop"},
		{"negative threads", good, []mobilenet.Option{mobilenet.WithThreads(-1)}, "WithThreads(-1)"},
	} {
		clf, err := mobilenet.Load(c.src, c.opts...)
		require.Nil(t, clf, c.name)
		require.ErrorContains(t, err, c.want, c.name)
		require.True(t, strings.HasPrefix(err.Error(), "mobilenet: "), "%s: %v", c.name, err)
	}
}

func TestClassifyErrors(t *testing.T) {
	clf := load(t)
	var nilRGBA *image.RGBA
	for _, c := range []struct {
		name string
		call func() ([]mobilenet.Prediction, error)
		want string
	}{
		{"k = 0", func() ([]mobilenet.Prediction, error) { return clf.Classify(stripes(), 0) }, "k = 0"},
		{"k < 0 on bytes", func() ([]mobilenet.Prediction, error) { return clf.ClassifyBytes(nil, -3) }, "k = -3"},
		{"nil image", func() ([]mobilenet.Prediction, error) { return clf.Classify(nil, 5) }, "nil image"},
		{"typed nil image", func() ([]mobilenet.Prediction, error) { return clf.Classify(nilRGBA, 5) }, "reading the image failed"},
		{"empty image", func() ([]mobilenet.Prediction, error) { return clf.Classify(image.NewRGBA(image.Rect(0, 0, 0, 0)), 5) }, "empty image"},
		{"no bytes", func() ([]mobilenet.Prediction, error) { return clf.ClassifyBytes(nil, 5) }, "unsupported image format"},
		{"text bytes", func() ([]mobilenet.Prediction, error) { return clf.ClassifyBytes([]byte("hello"), 5) }, "unsupported image format"},
		{"truncated PNG", func() ([]mobilenet.Prediction, error) {
			b := encodePNG(t, stripes())
			return clf.ClassifyBytes(b[:len(b)/2], 5)
		}, "corrupt PNG"},
		{"missing file", func() ([]mobilenet.Prediction, error) {
			return clf.ClassifyFile(filepath.Join(t.TempDir(), "nope.jpg"), 5)
		}, "nope.jpg"},
	} {
		top, err := c.call()
		require.Nil(t, top, c.name)
		require.ErrorContains(t, err, c.want, c.name)
	}
	// A file that is not an image names the file and the reason.
	bad := filepath.Join(t.TempDir(), "photo.jpg")
	require.NoError(t, os.WriteFile(bad, []byte("\xff\xd8 not really"), 0o644))
	_, err := clf.ClassifyFile(bad, 5)
	require.ErrorContains(t, err, "photo.jpg: mobilenet: corrupt JPEG")
	// After all that the classifier still works.
	top, err := clf.Classify(stripes(), 1)
	require.NoError(t, err)
	require.Len(t, top, 1)
}

func TestClassifyAllClasses(t *testing.T) {
	clf := load(t)
	top, err := clf.Classify(stripes(), 5000)
	require.NoError(t, err)
	require.Len(t, top, mobilenet.NumClasses)
	var sum float64
	seen := map[int]bool{}
	for i, p := range top {
		sum += float64(p.Probability)
		seen[p.Index] = true
		require.Equal(t, core.Label(p.Index), p.Label)
		if i > 0 {
			require.LessOrEqual(t, p.Probability, top[i-1].Probability)
		}
	}
	require.Len(t, seen, mobilenet.NumClasses)
	require.InDelta(t, 1, sum, 1e-4)
}

// The three ways in agree: a decoded image, its PNG bytes and a PNG file.
func TestImageBytesAndFileAgree(t *testing.T) {
	clf := load(t, mobilenet.WithCrop(0.875), mobilenet.WithSize(96))
	img := stripes()
	data := encodePNG(t, img)
	path := filepath.Join(t.TempDir(), "stripes.png")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	want, err := clf.Classify(img, 5)
	require.NoError(t, err)
	got, err := clf.ClassifyBytes(data, 5)
	require.NoError(t, err)
	require.Equal(t, want, got)
	got, err = clf.ClassifyFile(path, 5)
	require.NoError(t, err)
	require.Equal(t, want, got)
	// Results belong to the caller: the next call does not overwrite them.
	first := append([]mobilenet.Prediction(nil), want...)
	_, err = clf.Classify(image.NewGray(image.Rect(0, 0, 40, 40)), 5)
	require.NoError(t, err)
	require.Equal(t, first, want)
}

// exifJPEG is data with an APP1 Exif segment carrying orientation o.
func exifJPEG(data []byte, o uint16) []byte {
	bo := binary.LittleEndian
	tiff := []byte("II*\x00")
	tiff = bo.AppendUint32(tiff, 8)
	tiff = bo.AppendUint16(tiff, 1) // one IFD entry: Orientation, SHORT, 1 value
	tiff = bo.AppendUint16(tiff, 0x0112)
	tiff = bo.AppendUint16(tiff, 3)
	tiff = bo.AppendUint32(tiff, 1)
	tiff = bo.AppendUint16(tiff, o)
	tiff = bo.AppendUint16(tiff, 0)
	tiff = bo.AppendUint32(tiff, 0)
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := binary.BigEndian.AppendUint16([]byte{0xFF, 0xE1}, uint16(len(payload)+2))
	out := append([]byte{}, data[:2]...)
	out = append(append(out, seg...), payload...)
	return append(out, data[2:]...)
}

// ClassifyBytes shows the network the photo upright, as a browser shows it.
func TestClassifyBytesAppliesOrientation(t *testing.T) {
	clf := load(t)
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, stripes(), &jpeg.Options{Quality: 95}))
	stored, err := jpeg.Decode(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	upright, err := clf.Classify(core.Orient(stored, 6), 5) // 6: rotate 90 degrees clockwise
	require.NoError(t, err)
	asStored, err := clf.Classify(stored, 5)
	require.NoError(t, err)
	require.NotEqual(t, upright, asStored, "the test image looks the same rotated")
	got, err := clf.ClassifyBytes(exifJPEG(buf.Bytes(), 6), 5)
	require.NoError(t, err)
	require.Equal(t, upright, got)
}

func TestEmbed(t *testing.T) {
	clf := load(t)
	a, err := clf.Embed(stripes())
	require.NoError(t, err)
	in, err := clf.Info()
	require.NoError(t, err)
	require.Len(t, a, in.Features)
	b, err := clf.Embed(image.NewGray(image.Rect(0, 0, 50, 70)))
	require.NoError(t, err)
	require.NotEqual(t, a, b)
	a2, err := clf.Embed(stripes())
	require.NoError(t, err)
	require.Equal(t, a, a2, "the first embedding was overwritten or is not deterministic")
	_, err = clf.Embed(nil)
	require.ErrorContains(t, err, "nil image")
}

func TestInfo(t *testing.T) {
	clf := load(t, mobilenet.WithSize(128), mobilenet.WithThreads(1))
	in, err := clf.Info()
	require.NoError(t, err)
	arch, err := core.Architecture(0.25, 128)
	require.NoError(t, err)
	ma, p := core.Totals(arch)
	require.Equal(t, mobilenet.Info{Alpha: 0.25, Size: 128, MultAdds: ma, Params: p, Features: 256,
		Kernels: expectedKernels(t), Threads: 1, Precision: "f32"}, in)
}

func TestCloseThenUse(t *testing.T) {
	clf, err := mobilenet.Load(writeRandomModel(t.TempDir()))
	require.NoError(t, err)
	require.NoError(t, clf.Close())
	require.NoError(t, clf.Close(), "a second Close")
	_, err = clf.Classify(stripes(), 5)
	require.ErrorIs(t, err, mobilenet.ErrClosed)
	_, err = clf.ClassifyBytes(encodePNG(t, stripes()), 5)
	require.ErrorIs(t, err, mobilenet.ErrClosed)
	path := filepath.Join(t.TempDir(), "s.png")
	require.NoError(t, os.WriteFile(path, encodePNG(t, stripes()), 0o644))
	_, err = clf.ClassifyFile(path, 5)
	require.ErrorIs(t, err, mobilenet.ErrClosed)
	_, err = clf.Embed(stripes())
	require.ErrorIs(t, err, mobilenet.ErrClosed)
	_, err = clf.Info()
	require.ErrorIs(t, err, mobilenet.ErrClosed)
}

// Concurrent callers get the same answers as one caller (run with -race to check the
// locking too).
func TestConcurrentUse(t *testing.T) {
	clf := load(t, mobilenet.WithSize(64))
	imgs := []image.Image{stripes(), image.NewGray(image.Rect(0, 0, 30, 20)), gradientImage(90, 60)}
	want := make([][]mobilenet.Prediction, len(imgs))
	for i, img := range imgs {
		var err error
		want[i], err = clf.Classify(img, 3)
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for n := range 6 {
				i := (g + n) % len(imgs)
				got, err := clf.Classify(imgs[i], 3)
				if err == nil && !slices.Equal(got, want[i]) {
					err = errors.New("a concurrent call got another image's result")
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func gradientImage(w, h int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	return img
}
