package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/weights"
)

// errUsage reports that a FlagSet already printed the problem and its usage.
var errUsage = errors.New("usage")

// PublicModelURL is where Google hosts the TF.js MobileNet v1 models; the same pattern
// serves mobilenet_v1_{0.25,0.50,0.75,1.0}_{128,160,192,224}.
const PublicModelURL = "https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_1.0_224/model.json"

// localModel is what 'make' imports from ../shared or the public URL.
const localModel = "web/weights/mobilenet_v1_0.75_224.mnw"

func defaultModel() string {
	if m := os.Getenv("MOBILENET_MODEL"); m != "" {
		return m
	}
	if _, err := os.Stat(localModel); err == nil {
		return localModel
	}
	return PublicModelURL
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("mobilenet "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse parses flags, mapping -h and bad flags to errUsage (the FlagSet has printed).
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errUsage
		}
		return errUsage
	}
	return nil
}

// loadModel loads weights from src and prepares them for size x size inputs (0: the
// size the weights were trained at).
func loadModel(src string, size int) (*core.Model, error) {
	w, err := weights.Load(src)
	if err != nil {
		return nil, err
	}
	if size == 0 {
		size = w.Size
	}
	return core.NewModel(w, size)
}

// classifier turns encoded image bytes into predictions with buffers reused across
// images.
type classifier struct {
	m     *core.Model
	crop  float64
	input []float32 // [size][size][3]
	probs []float32 // [1000]
	top   []core.Prediction
}

func newClassifier(m *core.Model, crop float64) *classifier {
	return &classifier{m: m, crop: crop, input: make([]float32, m.InputLen()), probs: make([]float32, core.NumClasses)}
}

func (c *classifier) classifyFile(path string, k int) ([]core.Prediction, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	img, err := core.DecodeImage(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := core.PreprocessImage(c.input, img, c.m.Size, c.crop); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	logits, err := c.m.Forward(c.input)
	if err != nil {
		return nil, err
	}
	core.Softmax(c.probs, logits)
	c.top = core.TopK(c.top, c.probs, k)
	return c.top, nil
}
