package kernels

// KernelSet is one implementation of every kernel with the packers its kernels need,
// so tests and benchmarks can run each implementation a build and CPU support, not
// only the one init selected.
type KernelSet struct {
	Name      string
	Conv3x3   func(Out, []float32, *ConvWeights, Geom, int, int)
	Depthwise func(Out, []float32, *DWWeights, Geom, int, int)
	Pointwise func(Out, []float32, *PWWeights, int, int, int)
	PackConv  func(*ConvWeights)
	PackDW    func(*DWWeights)
	PackPW    func(*PWWeights)
}

// moreKernelSets is set by a SIMD target's test file to list every set the CPU runs.
var moreKernelSets func() []KernelSet

// KernelSets lists the generic references, the selected set (when it is not the
// generic one) and every other set this CPU runs (moreKernelSets). It is a function
// because Impl is only known after every init has run.
func KernelSets() []KernelSet {
	sets := []KernelSet{{
		Name: "generic", Conv3x3: Conv3x3Generic, Depthwise: Depthwise3x3Generic, Pointwise: PointwiseGeneric,
		PackConv: func(*ConvWeights) {}, PackDW: func(*DWWeights) {}, PackPW: func(*PWWeights) {},
	}}
	if Impl != "generic" {
		sets = append(sets, KernelSet{
			Name: Impl, Conv3x3: conv3x3Impl, Depthwise: dwImpl, Pointwise: pwImpl,
			PackConv: packConv, PackDW: packDW, PackPW: packPW,
		})
	}
	if moreKernelSets != nil {
		for _, ks := range moreKernelSets() {
			if ks.Name != Impl {
				sets = append(sets, ks)
			}
		}
	}
	return sets
}

// NewConv, NewDW and NewPW build weights packed for this set.
func (ks KernelSet) NewConv(k, bias []float32, inC, outC int) *ConvWeights {
	w := &ConvWeights{InC: inC, OutC: outC, K: k, Bias: bias}
	ks.PackConv(w)
	return w
}

func (ks KernelSet) NewDW(k, bias []float32, c int) *DWWeights {
	w := &DWWeights{C: c, K: k, Bias: bias}
	ks.PackDW(w)
	return w
}

func (ks KernelSet) NewPW(w, bias []float32, k, n int, relu6 bool) *PWWeights {
	p := &PWWeights{K: k, N: n, W: w, Bias: bias, ReLU6: relu6}
	ks.PackPW(p)
	return p
}
