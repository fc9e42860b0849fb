package q8

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// DW.Run (the SIMD kernel where the build has one) against the reference
// Depthwise, bit for bit: odd sizes, stride 2, channel counts off multiples of 8,
// MobileNet's real shapes; outputs clamped to 255 and to 127.
func TestDWMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	shapes := [][4]int{{112, 112, 24, 1}, {112, 112, 32, 2}, {14, 14, 768, 1}, {7, 7, 1024, 1}, {14, 14, 512, 2},
		{1, 1, 8, 1}, {2, 2, 8, 2}, {3, 3, 16, 1}, {5, 7, 9, 2}, {4, 4, 17, 1}, {9, 5, 40, 2}, {3, 4, 7, 1}}
	for range 10 {
		shapes = append(shapes, [4]int{1 + r.IntN(20), 1 + r.IntN(20), 1 + r.IntN(50), 1 + r.IntN(2)})
	}
	for _, s := range shapes {
		h, w, c, stride := s[0], s[1], s[2], s[3]
		src := randActs(r, h*w*c, false)
		k := randKernel(r, 9*c)
		m, b := randFactors(r, c, 9)
		oh, ow := (h+stride-1)/stride, (w+stride-1)/stride
		for _, hi := range []int16{ActMax, Act7Max} {
			want := make([]int16, oh*ow*c)
			Depthwise(want, src, h, w, c, stride, k, m, b, hi)
			got := make([]int16, oh*ow*c)
			NewDW(k, m, b, c, hi).Run(got, src, h, w, stride)
			equal16(t, fmt.Sprintf("depthwise %v to %d", s, hi), got, want)
		}
	}
}
