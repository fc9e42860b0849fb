package kernels

// The selected implementations. They start as the plain-Go references; a file built
// for a SIMD-capable target replaces them in init after checking the CPU.
var (
	conv3x3Impl = Conv3x3Generic
	dwImpl      = Depthwise3x3Generic
	pwImpl      = PointwiseGeneric
	packConv    = func(*ConvWeights) {}
	packDW      = func(*DWWeights) {}
	packPW      = func(*PWWeights) {}
	// Impl names the selected kernel set, e.g. "generic", "avx2", "wasm-simd".
	Impl = "generic"
)

// Conv3x3 computes output rows [y0, y1) of a full 3x3 convolution with bias and
// ReLU6. src is zero-bordered [(g.InH+2)][(g.InW+2)][w.InC].
func Conv3x3(out Out, src []float32, w *ConvWeights, g Geom, y0, y1 int) {
	conv3x3Impl(out, src, w, g, y0, y1)
}

// Depthwise3x3 computes output rows [y0, y1) of a 3x3 depthwise convolution with
// bias and ReLU6. src is zero-bordered [(g.InH+2)][(g.InW+2)][w.C].
func Depthwise3x3(out Out, src []float32, w *DWWeights, g Geom, y0, y1 int) {
	dwImpl(out, src, w, g, y0, y1)
}

// Pointwise computes output rows [y0, y1) of a 1x1 convolution over a dense
// [h][width][w.K] input src: out(y, x) = act(bias + src(y, x) . W).
func Pointwise(out Out, src []float32, w *PWWeights, width, y0, y1 int) {
	pwImpl(out, src, w, width, y0, y1)
}
