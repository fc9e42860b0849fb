package mnw

import (
	"math"
	"testing"
)

// nearestHalf is a slow reference: the binary16 nearest to x (ties to even), found by
// comparing x with the exact midpoint between neighbouring halves, in float64.
func nearestHalf(x float32) uint16 {
	if math.IsNaN(float64(x)) {
		return 0x7e00
	}
	sign := uint16(0)
	v := float64(x)
	if v < 0 || (v == 0 && math.Signbit(v)) {
		sign, v = 0x8000, -v
	}
	// Binary search the largest finite half pattern lo with value(lo) <= v.
	lo, hi := uint16(0), uint16(0x7bff)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if float64(HalfToFloat32(mid)) <= v {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if float64(HalfToFloat32(lo)) == v {
		return sign | lo
	}
	next := lo + 1 // 0x7c00 is +Inf; its "midpoint" with 65504 is 65520
	upper := float64(HalfToFloat32(next))
	if next == 0x7c00 {
		upper = 65536
	}
	midpoint := (float64(HalfToFloat32(lo)) + upper) / 2 // exact in float64
	switch {
	case v < midpoint:
		return sign | lo
	case v > midpoint:
		return sign | next
	case lo&1 == 0:
		return sign | lo
	}
	return sign | next
}

func TestHalfRoundTripsEveryHalf(t *testing.T) {
	for h := range 1 << 16 {
		f := HalfToFloat32(uint16(h))
		if math.IsNaN(float64(f)) {
			if back := Float32ToHalf(f); back&0x7c00 != 0x7c00 || back&0x3ff == 0 {
				t.Fatalf("NaN %04x -> %04x is not a NaN", h, back)
			}
			continue
		}
		if back := Float32ToHalf(f); back != uint16(h) {
			t.Fatalf("half %04x -> %v -> %04x", h, f, back)
		}
	}
}

func TestFloat32ToHalfRoundsToNearestEven(t *testing.T) {
	check := func(x float32) {
		if got, want := Float32ToHalf(x), nearestHalf(x); got != want && !math.IsNaN(float64(x)) {
			t.Fatalf("Float32ToHalf(%v = %08x) = %04x, want %04x", x, math.Float32bits(x), got, want)
		}
	}
	// Every midpoint between neighbouring halves (ties), and the floats either side.
	for h := uint16(0); h < 0x7c00; h++ {
		a, b := float64(HalfToFloat32(h)), float64(HalfToFloat32(h+1))
		if h+1 == 0x7c00 {
			b = 65536
		}
		mid := float32((a + b) / 2) // exact: a half's midpoint needs 12 significant bits
		for _, x := range []float32{mid, math.Nextafter32(mid, 0), math.Nextafter32(mid, math.MaxFloat32)} {
			check(x)
			check(-x)
		}
	}
	// A sweep of float32 bit patterns: normals, subnormals, huge values, Inf.
	for b := uint32(0); b < 0x7f800001; b += 7919 {
		check(math.Float32frombits(b))
		check(math.Float32frombits(b | 0x80000000))
	}
	for _, x := range []float32{0, float32(math.Inf(1)), float32(math.Inf(-1)), math.MaxFloat32, math.SmallestNonzeroFloat32, 65504, 65519.99, 65520, 5.9604645e-08, 2.9802322e-08, 2.9802326e-08} {
		check(x)
	}
}

func TestHalfSubnormalsAndSpecials(t *testing.T) {
	for _, tc := range []struct {
		f float32
		h uint16
	}{
		{5.960464477539063e-08, 0x0001},  // smallest subnormal 2^-24
		{2.9802322387695312e-08, 0x0000}, // 2^-25: a tie, rounds to even zero
		{2.98023259e-08, 0x0001},         // just above the tie
		{6.097555160522461e-05, 0x03ff},  // largest subnormal
		{6.103515625e-05, 0x0400},        // smallest normal 2^-14
		{65504, 0x7bff},
		{65520, 0x7c00}, // rounds up to Inf
		{-2, 0xc000},
		{float32(math.Inf(-1)), 0xfc00},
	} {
		if got := Float32ToHalf(tc.f); got != tc.h {
			t.Errorf("Float32ToHalf(%v) = %04x, want %04x", tc.f, got, tc.h)
		}
	}
}
