package mobilenet_test

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"log"
	"os"
	"path/filepath"

	"github.com/mobilenet-go/mobilenet"
	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/weights"
)

// The examples run offline on seeded random weights (alpha 0.25, input 128) written
// to a temporary .mnw file; with a real model, such as the
// web/weights/mobilenet_v1_0.75_224.mnw that make imports, the calls are the same.

// writeRandomModel writes seeded random MobileNet weights to a .mnw file in dir.
func writeRandomModel(dir string) string {
	w, err := core.RandomWeights(0.25, 128, 1)
	if err != nil {
		log.Fatal(err)
	}
	path := filepath.Join(dir, "random_0.25_128.mnw")
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	if err := weights.EncodePacked(f, w, false); err != nil {
		log.Fatal(err)
	}
	return path
}

// stripes is a synthetic 160x120 picture: diagonal colour bands.
func stripes() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 160, 120))
	for y := 0; y < 120; y++ {
		for x := 0; x < 160; x++ {
			v := uint8((x + y) * 4)
			img.Set(x, y, color.RGBA{v, 255 - v, uint8(x), 255})
		}
	}
	return img
}

func Example() {
	dir, _ := os.MkdirTemp("", "mobilenet-example")
	defer os.RemoveAll(dir)
	model := writeRandomModel(dir)

	clf, err := mobilenet.Load(model)
	if err != nil {
		log.Fatal(err)
	}
	defer clf.Close()
	top, err := clf.Classify(stripes(), 5)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(top), "classes, best:", top[0].Label)
	// Output: 5 classes, best: coffeepot
}

func ExampleClassifier_Info() {
	dir, _ := os.MkdirTemp("", "mobilenet-example")
	defer os.RemoveAll(dir)
	clf, err := mobilenet.Load(writeRandomModel(dir), mobilenet.WithSize(160))
	if err != nil {
		log.Fatal(err)
	}
	defer clf.Close()
	in, _ := clf.Info()
	fmt.Printf("alpha %.2f, %dx%d input, %.1fM mult-adds, %.2fM parameters, %d features\n",
		in.Alpha, in.Size, in.Size, float64(in.MultAdds)/1e6, float64(in.Params)/1e6, in.Features)
	// Output: alpha 0.25, 160x160 input, 21.1M mult-adds, 0.46M parameters, 256 features
}

func ExampleClassifier_Embed() {
	dir, _ := os.MkdirTemp("", "mobilenet-example")
	defer os.RemoveAll(dir)
	clf, err := mobilenet.Load(writeRandomModel(dir), mobilenet.WithCrop(0.875))
	if err != nil {
		log.Fatal(err)
	}
	defer clf.Close()
	features, err := clf.Embed(stripes())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(features), "features")
	// Output: 256 features
}

func ExampleClassifier_ClassifyFile() {
	dir, _ := os.MkdirTemp("", "mobilenet-example")
	defer os.RemoveAll(dir)
	clf, err := mobilenet.Load(writeRandomModel(dir), mobilenet.WithSize(128), mobilenet.WithCrop(0.875))
	if err != nil {
		log.Fatal(err)
	}
	defer clf.Close()
	photo := filepath.Join(dir, "stripes.png")
	f, _ := os.Create(photo)
	png.Encode(f, stripes())
	f.Close()

	top, err := clf.ClassifyFile(photo, 3) // JPEG, PNG, GIF or WebP
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(top[0].Index, top[0].Label)
	_, err = clf.ClassifyFile(filepath.Join(dir, "missing.jpg"), 3)
	fmt.Println("missing file:", errors.Is(err, fs.ErrNotExist))
	// Output:
	// 505 coffeepot
	// missing file: true
}
