package kernels

// ConvWeights are the first layer's 3x3 kernel, BN folded, as the kernels want them.
type ConvWeights struct {
	InC, OutC int
	K         []float32 // [3][3][InC][OutC]
	Bias      []float32 // [OutC]
	Packed    []float32 // layout chosen by the selected implementation (may be nil)
}

// DWWeights are a 3x3 depthwise layer's kernel, BN folded.
type DWWeights struct {
	C      int
	K      []float32 // [3][3][C]
	Bias   []float32 // [C]
	Packed []float32 // layout chosen by the selected implementation (may be nil)
}

// PWWeights are a 1x1 convolution (a K x N GEMM right-hand side), BN folded.
// ReLU6 says whether outputs are clamped to [0, 6] (true for every pointwise layer,
// false for the classifier).
type PWWeights struct {
	K, N   int
	W      []float32 // [K][N]
	Bias   []float32 // [N]
	ReLU6  bool
	Packed []float32 // layout chosen by the selected implementation (may be nil)
}

// NewConv, NewDW and NewPW wrap BN-folded weights and pre-pack them for the
// selected kernels, once, at load time.
func NewConv(k, bias []float32, inC, outC int) *ConvWeights {
	w := &ConvWeights{InC: inC, OutC: outC, K: k, Bias: bias}
	packConv(w)
	return w
}

func NewDW(k, bias []float32, c int) *DWWeights {
	w := &DWWeights{C: c, K: k, Bias: bias}
	packDW(w)
	return w
}

func NewPW(w, bias []float32, k, n int, relu6 bool) *PWWeights {
	p := &PWWeights{K: k, N: n, W: w, Bias: bias, ReLU6: relu6}
	packPW(p)
	return p
}
