package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/mobilenet-go/mobilenet"
)

func cmdClassify(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("classify", stderr)
	model := fs.String("model", defaultModel(), "weights: .mnw file, TF.js model dir or model.json, or http(s) URL")
	size := fs.Int("size", 0, "input size (rho): 224, 192, 160, 128 or another multiple of 32; 0 = the weights' own")
	top := fs.Int("top", 5, "how many classes to print per image")
	crop := fs.Float64("crop", 0, "central fraction to keep before resizing (e.g. 0.875); 0 = whole image")
	asJSON := fs.Bool("json", false, "print one JSON object per image")
	precision := fs.String("precision", "f32", "arithmetic: f32 (TF.js's) or int8 (8-bit weights and activations)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "mobilenet classify: name at least one image")
		fs.Usage()
		return errUsage
	}
	if *top < 1 {
		return fmt.Errorf("-top %d: want at least 1", *top)
	}
	c, err := mobilenet.Load(*model, mobilenet.WithSize(*size), mobilenet.WithCrop(*crop), mobilenet.WithPrecision(*precision))
	if err != nil {
		return err
	}
	defer c.Close()
	failed := 0
	enc := json.NewEncoder(stdout)
	for _, path := range fs.Args() {
		preds, err := c.ClassifyFile(path, *top)
		if err != nil {
			failed++
			if *asJSON {
				enc.Encode(map[string]any{"file": path, "error": err.Error()})
			}
			fmt.Fprintln(stderr, "mobilenet classify:", err)
			continue
		}
		if *asJSON {
			enc.Encode(map[string]any{"file": path, "predictions": preds})
			continue
		}
		fmt.Fprintln(stdout, path)
		for _, p := range preds {
			fmt.Fprintf(stdout, "  %6.2f%%  %4d  %s\n", 100*p.Probability, p.Index, p.Label)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d images failed", failed, fs.NArg())
	}
	return nil
}
