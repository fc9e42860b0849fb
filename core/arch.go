// Package core runs MobileNet v1 (Howard et al. 2017, arXiv 1704.04861) in pure Go.
// It knows nothing about browsers: the same code runs natively and under js/wasm.
//
// Most programs want the module root's Classifier instead. core exports what the
// rest of the module builds on, and nothing else: the layer table (Architecture,
// Layer, Totals, and Compare for the CLI's info), the weights (Weights, and
// Int8Weights that internal/q8 quantizes to and runs), the float network (Model;
// SetInput, RunRows, LayerRows and Logits are for cooperating workers, see
// internal/band), and the image steps around it (DecodeImage, Orient,
// PreprocessImage/RGBA, Softmax, TopK, Label).
package core

import "fmt"

// Kind is what a layer computes.
type Kind int

const (
	Conv3x3   Kind = iota // full 3x3 convolution (only the first layer)
	Depthwise             // 3x3 depthwise convolution
	Pointwise             // 1x1 convolution
	AvgPool               // global average pool
	FullyConn             // the classifier: a 1x1 conv with bias on the pooled vector
)

func (k Kind) String() string {
	switch k {
	case Conv3x3:
		return "Conv"
	case Depthwise:
		return "Conv dw"
	case Pointwise:
		return "Conv 1x1"
	case AvgPool:
		return "Avg Pool"
	case FullyConn:
		return "FC"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Layer is one row of the paper's Table 1, scaled by alpha and the input size.
type Layer struct {
	Name             string // Keras layer name in the TF.js model (conv1, conv_dw_1, conv_pw_1, ..., conv_preds)
	Kind             Kind
	Stride           int
	InH, InW, InC    int
	OutH, OutW, OutC int
}

// NumClasses is the size of the ImageNet classifier output.
const NumClasses = 1000

// base is Table 1 at alpha = 1: the output channels and stride of every conv layer
// after the first; depthwise layers keep their input channel count.
var base = []struct {
	out, stride int
}{
	{64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},
	{512, 1}, {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1},
}

// Channels scales a Table 1 channel count by alpha the way Keras' MobileNet does
// (int(c*alpha), truncating), which is also how the TF.js models were built.
func Channels(c int, alpha float64) int { return int(float64(c) * alpha) }

// ValidateConfig checks a width multiplier and an input size.
func ValidateConfig(alpha float64, size int) error {
	if !(alpha > 0 && alpha <= 1) {
		return fmt.Errorf("mobilenet: width multiplier alpha = %v, want 0 < alpha <= 1", alpha)
	}
	if Channels(32, alpha) < 1 {
		return fmt.Errorf("mobilenet: alpha = %v leaves the first layer with no channels", alpha)
	}
	if size < 32 || size%32 != 0 || size > 1024 {
		return fmt.Errorf("mobilenet: input size %d, want a multiple of 32 from 32 to 1024 (e.g. 224, 192, 160, 128)", size)
	}
	return nil
}

// Architecture returns MobileNet v1 as data: 1 conv, 13 depthwise + pointwise pairs,
// the global average pool and the classifier, for width multiplier alpha and a square
// input of size x size pixels.
func Architecture(alpha float64, size int) ([]Layer, error) {
	if err := ValidateConfig(alpha, size); err != nil {
		return nil, err
	}
	h := (size + 1) / 2 // TF 'same', stride 2: ceil(size/2)
	c := Channels(32, alpha)
	layers := []Layer{{Name: "conv1", Kind: Conv3x3, Stride: 2, InH: size, InW: size, InC: 3, OutH: h, OutW: h, OutC: c}}
	for i, b := range base {
		oh := (h + b.stride - 1) / b.stride
		n := fmt.Sprint(i + 1)
		layers = append(layers,
			Layer{Name: "conv_dw_" + n, Kind: Depthwise, Stride: b.stride, InH: h, InW: h, InC: c, OutH: oh, OutW: oh, OutC: c},
			Layer{Name: "conv_pw_" + n, Kind: Pointwise, Stride: 1, InH: oh, InW: oh, InC: c, OutH: oh, OutW: oh, OutC: Channels(b.out, alpha)})
		h, c = oh, Channels(b.out, alpha)
	}
	layers = append(layers,
		Layer{Name: "global_average_pooling2d_1", Kind: AvgPool, Stride: 1, InH: h, InW: h, InC: c, OutH: 1, OutW: 1, OutC: c},
		Layer{Name: "conv_preds", Kind: FullyConn, Stride: 1, InH: 1, InW: 1, InC: c, OutH: 1, OutW: 1, OutC: NumClasses})
	return layers, nil
}

// MultAdds is the number of multiply-adds the layer performs (the paper's measure;
// BN, ReLU and biases are not counted, as in the paper).
func (l Layer) MultAdds() int64 {
	out := int64(l.OutH) * int64(l.OutW)
	switch l.Kind {
	case Conv3x3:
		return out * 9 * int64(l.InC) * int64(l.OutC)
	case Depthwise:
		return out * 9 * int64(l.InC)
	case Pointwise, FullyConn:
		return out * int64(l.InC) * int64(l.OutC)
	}
	return 0
}

// Params is the number of learned parameters after BatchNorm is folded away, counted
// as the paper does: kernels only, plus the classifier's bias.
func (l Layer) Params() int64 {
	switch l.Kind {
	case Conv3x3:
		return 9 * int64(l.InC) * int64(l.OutC)
	case Depthwise:
		return 9 * int64(l.InC)
	case Pointwise:
		return int64(l.InC) * int64(l.OutC)
	case FullyConn:
		return int64(l.InC)*int64(l.OutC) + int64(l.OutC)
	}
	return 0
}

// standardMultAdds and standardParams are what a full 3x3 convolution with the same
// input and output shape would cost in place of a depthwise + pointwise pair (the
// paper's Section 3.1); they are defined on the depthwise layer of each pair, with
// outC the pointwise layer's output channels.
func (l Layer) standardMultAdds(outC int) int64 {
	return int64(l.OutH) * int64(l.OutW) * 9 * int64(l.InC) * int64(outC)
}

// standardParams: see standardMultAdds.
func (l Layer) standardParams(outC int) int64 { return 9 * int64(l.InC) * int64(outC) }

// Totals sums mult-adds and parameters over a layer table.
func Totals(layers []Layer) (multAdds, params int64) {
	for _, l := range layers {
		multAdds += l.MultAdds()
		params += l.Params()
	}
	return
}
