package main

import (
	"fmt"
	"io"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/weights"
)

func cmdInfo(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("info", stderr)
	model := fs.String("model", "", "weights to describe (alpha and size are read from them)")
	alpha := fs.Float64("alpha", 1, "width multiplier, when no -model is given")
	size := fs.Int("size", 0, "input size (rho); 0 = 224 or the weights' own")
	if err := parse(fs, args); err != nil {
		return err
	}
	a, s := *alpha, *size
	if *model != "" {
		w, err := weights.Load(*model)
		if err != nil {
			return err
		}
		a = w.Alpha
		if s == 0 {
			s = w.Size
		}
		fmt.Fprintf(stdout, "weights: %s\n", *model)
	}
	if s == 0 {
		s = 224
	}
	layers, err := core.Architecture(a, s)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "MobileNet v1 alpha %.2f, input %dx%dx3 (rho %.3f)\n\n", a, s, s, float64(s)/224)
	return writeTable(stdout, layers)
}
