//go:build goexperiment.simd && amd64

package kernels

import (
	"simd/archsimd"
	"testing"
)

// Sets must hold every amd64 set the CPU supports (on an AVX-512 machine: the AVX2
// set too), so the tests that loop over Sets check each, not only the active one.
func TestEveryX86SetIsTested(t *testing.T) {
	names := map[string]bool{}
	for _, s := range Sets() {
		names[s.Name] = true
	}
	want := []string{"generic"}
	if archsimd.X86.AVX512() {
		want = append(want, "avx512")
	}
	if archsimd.X86.AVX2() && archsimd.X86.FMA() {
		want = append(want, "avx2")
	}
	for _, n := range want {
		if !names[n] {
			t.Errorf("kernel set %s runs on this CPU but is not in Sets", n)
		}
	}
	if archsimd.X86.AVX512() && Active().Name != "avx512" {
		t.Errorf("AVX-512 CPU selected %q, want avx512", Active().Name)
	}
	t.Logf("selected %s; testing %d kernel sets", Active().Name, len(Sets()))
}
