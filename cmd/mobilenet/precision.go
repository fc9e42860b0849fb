package main

import (
	"fmt"
	"io"
	"os"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/pipeline"
	"github.com/mobilenet-go/mobilenet/internal/q8"
	"github.com/mobilenet-go/mobilenet/weights"
	"github.com/mobilenet-go/mobilenet/weights/mnw"
)

// loadWeights loads a model for precision p: float weights for f32; for int8, an
// int8 .mnw file as stored, anything else quantized (q8.Quantize). Exactly one of
// the results is set.
func loadWeights(src string, p pipeline.Precision) (*core.Weights, *q8.Weights, error) {
	if p == pipeline.Int8 {
		if data, ok, err := readInt8File(src); err != nil {
			return nil, nil, err
		} else if ok {
			q, err := mnw.DecodeInt8(data)
			return nil, q, err
		}
	}
	w, err := weights.Load(src)
	if err != nil {
		return nil, nil, err
	}
	if p == pipeline.Int8 {
		q, err := q8.Quantize(w)
		return nil, q, err
	}
	return w, nil, nil
}

// readInt8File reads src when it is a local int8 .mnw file (ok), bounded by the
// size its header implies; anything else is left to weights.Load.
func readInt8File(src string) (data []byte, ok bool, err error) {
	f, err := os.Open(src)
	if err != nil {
		return nil, false, nil
	}
	defer f.Close()
	head := make([]byte, mnw.HeaderLen)
	if _, err := io.ReadFull(f, head); err != nil || !mnw.IsInt8(head) {
		return nil, false, nil
	}
	tl, err := mnw.TableLen(head)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", src, err)
	}
	table := make([]byte, tl)
	copy(table, head)
	if _, err := io.ReadFull(f, table[len(head):]); err != nil {
		return nil, false, fmt.Errorf("%s: %w", src, err)
	}
	n, err := mnw.FileSize(table)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", src, err)
	}
	data = make([]byte, n)
	copy(data, table)
	if _, err := io.ReadFull(f, data[tl:]); err != nil {
		return nil, false, fmt.Errorf("%s: truncated .mnw (%d bytes expected): %w", src, n, err)
	}
	return data, true, nil
}

// newEngine prepares the pipeline for whichever weights loadWeights returned.
func newEngine(w *core.Weights, q *q8.Weights, size int) (*pipeline.Engine, error) {
	if q != nil {
		return pipeline.NewInt8(q, size)
	}
	return pipeline.New(w, size)
}

// shapeOf is the width multiplier and training size of whichever weights are set.
func shapeOf(w *core.Weights, q *q8.Weights) (alpha float64, size int) {
	if q != nil {
		return q.Alpha, q.Size
	}
	return w.Alpha, w.Size
}
