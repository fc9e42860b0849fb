//go:build js && wasm && tfjs

package main

// The TF.js importer (encoding/json and the converter) is a third of the wasm: only
// the classifier-tfjs*.wasm builds carry it, and the worker uses them only when the
// model is a model.json.

import (
	"fmt"
	"syscall/js"

	"github.com/mobilenet-go/mobilenet/weights"
)

func init() { calls["loadTFJS"] = loadTFJS }

// loadTFJS(modelJSON, shards, precision?): a TF.js layers model; shards maps each
// weightsManifest path to its bytes (the worker fetched them); precision int8
// quantizes it, else it runs f32.
func loadTFJS(args []js.Value) (any, error) {
	modelJSON, err := argBytes(args[0], "model.json")
	if err != nil {
		return nil, err
	}
	p, err := argPrecision(args, 2)
	if err != nil {
		return nil, err
	}
	shards := args[1]
	w, err := weights.ParseTFJS(modelJSON, func(name string) ([]byte, error) {
		v := shards.Get(name)
		if v.IsUndefined() {
			return nil, fmt.Errorf("weight file %q was not downloaded", name)
		}
		return argBytes(v, name)
	})
	if err != nil {
		return nil, err
	}
	return useWeights(w, p)
}
