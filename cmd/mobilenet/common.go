package main

import (
	"errors"
	"flag"
	"io"
	"os"
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
