package mnw

import "github.com/mobilenet-go/mobilenet/core"

// KernelShape is layer l's kernel in TF's 4-D layout [kh, kw, in, out]; a depthwise
// kernel is [3, 3, C, 1]. Its product is l.KernelLen().
func KernelShape(l core.Layer) [4]int {
	switch l.Kind {
	case core.Conv3x3:
		return [4]int{3, 3, l.InC, l.OutC}
	case core.Depthwise:
		return [4]int{3, 3, l.InC, 1}
	default: // Pointwise, FullyConn
		return [4]int{1, 1, l.InC, l.OutC}
	}
}

// ParamLayers is the table of conv layers (28 of them) whose weights alpha and size need.
func ParamLayers(alpha float64, size int) ([]core.Layer, error) {
	arch, err := core.Architecture(alpha, size)
	if err != nil {
		return nil, err
	}
	return core.ParamLayers(arch), nil
}
