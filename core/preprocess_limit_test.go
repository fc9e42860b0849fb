package core

import (
	"strings"
	"testing"
)

// A raw frame over maxPixels is refused from its dimensions alone, before its pixels
// are looked at (issue 10: a 25000x25000 frame took 7.2 GB and 25 s).
func TestPreprocessRGBAPixelLimit(t *testing.T) {
	dst := make([]float32, 3*32*32)
	for _, wh := range [][2]int{{25000, 25000}, {maxPixels/1000 + 1, 1000}, {1 << 31, 1 << 31}} {
		err := PreprocessRGBA(dst, nil, wh[0], wh[1], 4*wh[0], 32, 0)
		if err == nil || !strings.Contains(err.Error(), "too large") {
			t.Errorf("%dx%d: %v", wh[0], wh[1], err)
		}
	}
	// At the limit, the frame is judged by its bytes as before.
	if err := PreprocessRGBA(dst, nil, maxPixels/1000, 1000, 4*maxPixels/1000, 32, 0); err == nil || !strings.Contains(err.Error(), "needs") {
		t.Errorf("at the limit: %v", err)
	}
}
