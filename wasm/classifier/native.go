//go:build !js

package main

// Built natively, the package runs the same Engine over image files and prints one
// JSON line per file: the oracle the Node tests compare the wasm module against.
//
//	go run ./wasm/classifier -model DIR|FILE [-size 224] [-crop 0.875] [-topk 5] [-rgba] IMAGE...
//	go run ./wasm/classifier -dump-rgba OUT IMAGE   (decoded pixels for raw-frame tests)
//	go run ./wasm/classifier -write-random OUT.mnw -alpha A [-seed S]   (seeded random weights)
//
// With -rgba the image is decoded first and fed as raw RGBA pixels, like a canvas frame.

import (
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/draw"
	"os"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/pipeline"
	"github.com/mobilenet-go/mobilenet/weights"
	"github.com/mobilenet-go/mobilenet/weights/mnw"
)

// writeRandom writes core.RandomWeights as a float32 .mnw file: models of any alpha
// for tests that compare the engine with itself (trained weights exist for 0.75 only).
func writeRandom(out string, alpha float64, seed uint64) error {
	w, err := core.RandomWeights(alpha, 224, seed)
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := mnw.Encode(f, w, false); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func main() {
	model := flag.String("model", "", "packed .mnw file or TF.js model directory / model.json")
	size := flag.Int("size", 0, "input size (0 = the model's)")
	crop := flag.Float64("crop", 0, "central fraction kept (0 = whole image)")
	topk := flag.Int("topk", 5, "classes per image")
	rgba := flag.Bool("rgba", false, "feed decoded RGBA pixels instead of the encoded bytes")
	dump := flag.String("dump-rgba", "", "write the one IMAGE's decoded RGBA pixels to this file, print its size, and exit")
	random := flag.String("write-random", "", "write seeded random weights of -alpha to this .mnw file and exit")
	alpha := flag.Float64("alpha", 1, "width multiplier with -write-random")
	seed := flag.Uint64("seed", 1, "seed with -write-random")
	flag.Parse()
	if *random != "" {
		if err := writeRandom(*random, *alpha, *seed); err != nil {
			fmt.Fprintln(os.Stderr, "classifier:", err)
			os.Exit(1)
		}
		return
	}
	if *dump != "" {
		if err := dumpRGBA(*dump, flag.Args()); err != nil {
			fmt.Fprintln(os.Stderr, "classifier:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*model, *size, *crop, *topk, *rgba, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "classifier:", err)
		os.Exit(1)
	}
}

type result struct {
	File        string            `json:"file"`
	Predictions []core.Prediction `json:"predictions,omitempty"`
	Error       string            `json:"error,omitempty"`
}

func run(model string, size int, crop float64, topk int, rgba bool, files []string) error {
	w, err := weights.Load(model)
	if err != nil {
		return err
	}
	e, err := pipeline.New(w, 0)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	for _, f := range files {
		res := result{File: f}
		top, err := classifyFile(e, f, size, crop, topk, rgba)
		if err != nil {
			res.Error = err.Error()
		}
		res.Predictions = top
		if err := enc.Encode(res); err != nil {
			return err
		}
	}
	return nil
}

func classifyFile(e *pipeline.Engine, file string, size int, crop float64, topk int, rgba bool) ([]core.Prediction, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	if !rgba {
		return e.ClassifyEncoded(data, size, crop, topk)
	}
	pix, err := decodeRGBA(data)
	if err != nil {
		return nil, err
	}
	copy(e.Frame(len(pix.Pix)), pix.Pix)
	return e.Run(pix.Rect.Dx(), pix.Rect.Dy(), size, crop, topk)
}

// decodeRGBA decodes like the engine (EXIF orientation applied) into packed RGBA.
func decodeRGBA(data []byte) (*image.RGBA, error) {
	img, err := core.DecodeImage(data)
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	pix := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(pix, pix.Rect, img, b.Min, draw.Src)
	return pix, nil
}

func dumpRGBA(out string, files []string) error {
	if len(files) != 1 {
		return fmt.Errorf("-dump-rgba wants exactly one image")
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		return err
	}
	pix, err := decodeRGBA(data)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, pix.Pix, 0o644); err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]int{"width": pix.Rect.Dx(), "height": pix.Rect.Dy()})
}
