package kernels

// The package-level kernels and constructors run the Active set.

// Conv3x3 computes output rows [y0, y1) of a full 3x3 convolution with bias and
// ReLU6. src is zero-bordered [(g.InH+2)][(g.InW+2)][w.InC].
func Conv3x3(out Out, src []float32, w *ConvWeights, g Geom, y0, y1 int) {
	active.Conv3x3(out, src, w, g, y0, y1)
}

// Depthwise3x3 computes output rows [y0, y1) of a 3x3 depthwise convolution with
// bias and ReLU6. src is zero-bordered [(g.InH+2)][(g.InW+2)][w.C].
func Depthwise3x3(out Out, src []float32, w *DWWeights, g Geom, y0, y1 int) {
	active.Depthwise(out, src, w, g, y0, y1)
}

// Pointwise computes output rows [y0, y1) of a 1x1 convolution over a dense
// [h][width][w.K] input src: out(y, x) = act(bias + src(y, x) . W).
func Pointwise(out Out, src []float32, w *PWWeights, width, y0, y1 int) {
	active.Pointwise(out, src, w, width, y0, y1)
}

// NewConv, NewDW and NewPW build weights packed for the Active set.
func NewConv(k, bias []float32, inC, outC int) *ConvWeights {
	return active.NewConv(k, bias, inC, outC)
}

func NewDW(k, bias []float32, c int) *DWWeights { return active.NewDW(k, bias, c) }

func NewPW(w, bias []float32, k, n int, relu6 bool) *PWWeights {
	return active.NewPW(w, bias, k, n, relu6)
}
