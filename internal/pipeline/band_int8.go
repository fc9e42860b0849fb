package pipeline

import (
	"unsafe"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/band"
	"github.com/mobilenet-go/mobilenet/internal/q8"
)

// BandNet is what a banded worker runs, the float32 network (core.Model) or the
// int8 one (q8.Model): the same plan and schedule (internal/band) over the same
// layer table; only
// the exchanged rows' element type differs (float32 or int16), so the transport
// moves bytes.
type BandNet interface {
	SetInput(input []float32) error
	// RunOp runs one band.OpRun of the worker's schedule.
	RunOp(op band.Op)
	Logits() []float32
	Features() []float32
	// BandLayers is the layer table the plan is made for.
	BandLayers() []core.Layer
	// RowBytes is LayerRows as bytes (aliasing the model's buffers).
	RowBytes(li int, rows band.RowSpan) []byte
}

type f32Band struct{ *core.Model }

func (b f32Band) BandLayers() []core.Layer { return b.Layers }

func (b f32Band) RunOp(op band.Op) { b.RunRows(op.Layer, op.Rows.R0, op.Rows.R1, op.Clear) }

func (b f32Band) RowBytes(li int, rows band.RowSpan) []byte {
	return asBytes(b.LayerRows(li, rows.R0, rows.R1))
}

type int8Band struct{ *q8.Model }

func (b int8Band) BandLayers() []core.Layer { return b.Layers }

// RunOp: the int8 buffers have no zero frame, so Clear needs nothing here.
func (b int8Band) RunOp(op band.Op) { b.RunRows(op.Layer, op.Rows.R0, op.Rows.R1) }

func (b int8Band) RowBytes(li int, rows band.RowSpan) []byte {
	return asBytes(b.LayerRows(li, rows.R0, rows.R1))
}

// asBytes views r's memory as bytes (nil for no rows).
func asBytes[T float32 | int16](r []T) []byte {
	if len(r) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&r[0])), len(r)*int(unsafe.Sizeof(r[0])))
}

// bandNet is the sized model as a BandNet (made once per model: the bridge keeps it).
func (sm *sizedModel) bandNet() BandNet { return sm.net }
