package kernels

// Set is one complete implementation of the kernels, with the packers that lay out
// weights the way its kernels read them (see each packer for its layout). Every
// build has the plain-Go references, Generic; a SIMD build adds the sets its target
// and CPU run (simdSets). The package runs one of them, Active; tests and
// benchmarks run each set of Sets directly.
type Set struct {
	Name      string // "generic", "avx512", "avx2", "wasm-simd"
	Conv3x3   func(Out, []float32, *ConvWeights, Geom, int, int)
	Depthwise func(Out, []float32, *DWWeights, Geom, int, int)
	Pointwise func(Out, []float32, *PWWeights, int, int, int)
	PackConv  func(*ConvWeights)
	PackDW    func(*DWWeights)
	PackPW    func(*PWWeights)
}

// Generic is the set of plain-Go references: the test oracle, and what runs
// without GOEXPERIMENT=simd. They read the unpacked K, W and Bias.
func Generic() Set {
	return Set{
		Name: "generic", Conv3x3: Conv3x3Generic, Depthwise: Depthwise3x3Generic, Pointwise: PointwiseGeneric,
		PackConv: func(*ConvWeights) {}, PackDW: func(*DWWeights) {}, PackPW: func(*PWWeights) {},
	}
}

// Sets lists every set this build and CPU run, fastest first; Generic is last.
func Sets() []Set { return append(simdSets(), Generic()) }

// active is the one selection point: the fastest set this build and CPU run,
// chosen once when the package is initialised.
var active = Sets()[0]

// Active is the set Conv3x3, Depthwise3x3, Pointwise and NewConv/NewDW/NewPW use.
func Active() Set { return active }

// NewConv, NewDW and NewPW wrap BN-folded weights and pre-pack them for this set's
// kernels, once, at load time.
func (s Set) NewConv(k, bias []float32, inC, outC int) *ConvWeights {
	w := &ConvWeights{InC: inC, OutC: outC, K: k, Bias: bias}
	s.PackConv(w)
	return w
}

func (s Set) NewDW(k, bias []float32, c int) *DWWeights {
	w := &DWWeights{C: c, K: k, Bias: bias}
	s.PackDW(w)
	return w
}

func (s Set) NewPW(w, bias []float32, k, n int, relu6 bool) *PWWeights {
	p := &PWWeights{K: k, N: n, W: w, Bias: bias, ReLU6: relu6}
	s.PackPW(p)
	return p
}
