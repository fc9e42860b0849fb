package kernels

// ConvWeights are the first layer's 3x3 kernel, BN folded, as the kernels want them.
type ConvWeights struct {
	InC, OutC int
	K         []float32 // [3][3][InC][OutC]
	Bias      []float32 // [OutC]
	Packed    []float32 // laid out by the Set's PackConv (nil for Generic)
}

// DWWeights are a 3x3 depthwise layer's kernel, BN folded.
type DWWeights struct {
	C      int
	K      []float32 // [3][3][C]
	Bias   []float32 // [C]
	Packed []float32 // laid out by the Set's PackDW (nil for Generic)
}

// PWWeights are a 1x1 convolution (a K x N GEMM right-hand side), BN folded.
// ReLU6 says whether outputs are clamped to [0, 6] (true for every pointwise layer,
// false for the classifier).
type PWWeights struct {
	K, N   int
	W      []float32 // [K][N]
	Bias   []float32 // [N]
	ReLU6  bool
	Packed []float32 // laid out by the Set's PackPW (nil for Generic)
}
