// Package kernels holds MobileNet's compute kernels: the first 3x3 stride-2 conv, the
// 3x3 depthwise conv, the 1x1 pointwise conv (a GEMM) and the global average pool.
//
// Every kernel has a plain-Go reference (generic.go) that is the test
// oracle and the build used without GOEXPERIMENT=simd. Fast variants live beside them
// behind build tags; each implementation is a Set, and the fastest this CPU runs
// (Active) is chosen once at start-up.
//
// Activations are NHWC float32. 3x3 convolutions read a zero-bordered input: an
// H x W x C activation is stored as (H+2) x (W+2) x C with a one-pixel zero frame, so
// TF 'same' padding needs no bounds checks. The producer of such an input (the layer
// before) writes straight into its interior through an Out, so no padding pass runs.
package kernels

// Kernels are named op, ISA, tile: pointwiseAVX512Tile4x2 computes its output in
// register tiles of 4 output pixels x 2 vectors of output channels.
//
// Generated: the wasm register tiles unrolled over K (pointwise, RGB first conv),
// and both amd64 sets from one template over the vector width.
//go:generate go run gen_tiles.go
//go:generate go run gen_x86.go

// Out says where a kernel writes pixel (y, x), channel c of its output:
// Buf[Off + y*RowStride + x*C + c], with C the layer's output channel count.
// A dense output has Off = 0 and RowStride = W*C; the interior of a zero-bordered
// buffer of width W+2 has Off = (W+2+1)*C and RowStride = (W+2)*C.
type Out struct {
	Buf       []float32
	Off       int
	RowStride int
}

// Geom is the geometry of a 3x3 convolution over a zero-bordered input.
type Geom struct {
	InH, InW   int // unpadded input size
	OutH, OutW int
	Stride     int // 1 or 2
	// StartY, StartX are the bordered row/column where output (0,0)'s window begins:
	// 1 - padTop and 1 - padLeft. TF 'same' pads a stride-2 layer with even input only
	// at the bottom/right, so there the window starts at the first real pixel (1);
	// otherwise at the zero border (0).
	StartY, StartX int
}

// SameGeom returns TF 'same' geometry for a 3x3 kernel.
func SameGeom(inH, inW, stride int) Geom {
	oh, ow := (inH+stride-1)/stride, (inW+stride-1)/stride
	padH := max((oh-1)*stride+3-inH, 0)
	padW := max((ow-1)*stride+3-inW, 0)
	return Geom{InH: inH, InW: inW, OutH: oh, OutW: ow, Stride: stride, StartY: 1 - padH/2, StartX: 1 - padW/2}
}

func relu6(v float32) float32 { return min(max(v, 0), 6) }
