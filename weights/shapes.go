package weights

import (
	"fmt"

	"github.com/mobilenet-go/mobilenet/core"
)

// kernelShape is layer l's kernel in TF's 4-D layout [kh, kw, in, out]; a depthwise
// kernel is [3, 3, C, 1]. Its product is l.KernelLen().
func kernelShape(l core.Layer) [4]int {
	switch l.Kind {
	case core.Conv3x3:
		return [4]int{3, 3, l.InC, l.OutC}
	case core.Depthwise:
		return [4]int{3, 3, l.InC, 1}
	default: // Pointwise, FullyConn
		return [4]int{1, 1, l.InC, l.OutC}
	}
}

// paramLayers is the table of conv layers (28 of them) whose weights alpha and size need.
func paramLayers(alpha float64, size int) ([]core.Layer, error) {
	arch, err := core.Architecture(alpha, size)
	if err != nil {
		return nil, err
	}
	return core.ParamLayers(arch), nil
}

// standardAlpha maps conv1's output channel count to the width multipliers Google
// published MobileNet v1 with (int(32*alpha) channels).
func standardAlpha(conv1Out int) (float64, error) {
	for _, a := range []float64{0.25, 0.5, 0.75, 1.0} {
		if core.Channels(32, a) == conv1Out {
			return a, nil
		}
	}
	return 0, fmt.Errorf("conv1 has %d output channels; MobileNet v1 has 8, 16, 24 or 32 (alpha 0.25, 0.5, 0.75, 1.0)", conv1Out)
}
