//go:build goexperiment.simd && amd64

package kernels

import (
	"simd/archsimd"
	"testing"
)

// Test every amd64 kernel set the CPU supports (on an AVX-512 machine: the AVX2 set
// too), not only the selected one.
func init() { moreKernelSets = x86KernelSets }

func x86KernelSets() []KernelSet {
	var sets []KernelSet
	for _, v := range x86Variants() {
		sets = append(sets, KernelSet{
			Name: v.name, Conv3x3: v.conv3x3, Depthwise: v.depthwise, Pointwise: v.pointwise,
			PackConv: v.packConv, PackDW: v.packDW, PackPW: v.packPW,
		})
	}
	return sets
}

func TestEveryX86VariantIsTested(t *testing.T) {
	names := map[string]bool{}
	for _, ks := range KernelSets() {
		names[ks.Name] = true
	}
	for _, v := range x86Variants() {
		if !names[v.name] {
			t.Errorf("kernel set %s runs on this CPU but is not in KernelSets", v.name)
		}
	}
	if archsimd.X86.AVX512() && Impl != "avx512" {
		t.Errorf("AVX-512 CPU selected %q, want avx512", Impl)
	}
	t.Logf("selected %s; testing %d kernel sets", Impl, len(KernelSets()))
}
