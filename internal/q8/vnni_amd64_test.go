//go:build goexperiment.simd && amd64

package q8

import (
	"slices"
	"testing"
)

// On a CPU with AVX-512 VNNI the other tests run the VNNI kernel; this one clears
// useBytes so that the AVX2 kernel (every CPU without VNNI) is tested here too, bit
// for bit against the reference on the same shapes, and checks that whole networks
// give the same logits with either (alpha 0.75: panel tails of 24- and 48-channel
// layers; size 160).
func TestPWAVX2OnVNNICPU(t *testing.T) {
	if !useBytes {
		t.Skip("no AVX-512 VNNI here: the other tests run the AVX2 kernel")
	}
	qw, vnniModel := randomModel(t, 0.75, 160)
	in := make([]float32, vnniModel.InputLen())
	for i := range in {
		in[i] = float32(i%251)/125 - 1
	}
	want, err := vnniModel.Forward(in)
	if err != nil {
		t.Fatal(err)
	}
	useBytes, KernelName = false, "int8-avx2"
	defer func() { useBytes, KernelName = true, kernelName() }()
	checkPWShapes(t)
	avx2Model, err := NewModel(qw, 160)
	if err != nil {
		t.Fatal(err)
	}
	got, err := avx2Model.Forward(in)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("logits differ between the AVX2 and the VNNI kernels")
	}
	if k1, k2 := vnniModel.Kernels(), avx2Model.Kernels(); k1 != "int8-avx512vnni" || k2 != "int8-avx2" {
		t.Fatalf("Kernels() = %q and %q, want int8-avx512vnni and int8-avx2", k1, k2)
	}
}
