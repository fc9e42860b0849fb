//go:build goexperiment.simd && amd64

package kernels

// Pointwise on amd64: a register tile of 4 pixels x 2 vectors of output channels.
// Weights are packed once into panels of 2 vectors' worth of output channels
// (packPWPanels), so the inner loop reads one contiguous row per k and every load
// is a full vector; the panel past N is zero-padded and only the stores are partial.
// K is processed in blocks of pwKC rows, 16 KiB of panel (128 rows of AVX-512's
// 32-wide panels, 256 of AVX2's 16-wide), so the block being swept over all pixels
// stays in L1 (K reaches 1024: a whole 32-wide panel is then 128 KiB).

// packPWPanels lays w.W out as ceil(N/nr) panels of [K+1][nr] floats each: row 0
// is the bias, row k+1 is W[k][n0:n0+nr], zero past N.
func packPWPanels(w *PWWeights, nr int) {
	np := (w.N + nr - 1) / nr
	stride := (w.K + 1) * nr
	p := make([]float32, np*stride)
	for j := 0; j < np; j++ {
		n0, n1 := j*nr, min(j*nr+nr, w.N)
		panel := p[j*stride:][:stride]
		copy(panel[:n1-n0], w.Bias[n0:n1])
		for k := 0; k < w.K; k++ {
			copy(panel[(k+1)*nr:][:n1-n0], w.W[k*w.N+n0:k*w.N+n1])
		}
	}
	w.Packed = p
}

// pixelCursor walks the output pixels of dense rows of the given width, tracking
// where each starts in an Out without dividing per pixel.
type pixelCursor struct {
	off, x, width, n, rowStride int
}

func newPixelCursor(out Out, p, width, n int) pixelCursor {
	return pixelCursor{off: out.Off + p/width*out.RowStride + p%width*n, x: p % width, width: width, n: n, rowStride: out.RowStride}
}

// tile returns the offsets of 4 consecutive pixels starting at the cursor's, the
// ones at or past pixel `left` (counted from the cursor) repeating the last real
// one, and moves the cursor 4 pixels on.
func (c *pixelCursor) tile(left int) (o0, o1, o2, o3 int) {
	o0 = c.off
	c.next()
	o1, o2, o3 = o0, o0, o0
	if left > 1 {
		o1 = c.off
		c.next()
		o2, o3 = o1, o1
	}
	if left > 2 {
		o2 = c.off
		c.next()
		o3 = o2
	}
	if left > 3 {
		o3 = c.off
		c.next()
	}
	return
}

func (c *pixelCursor) next() {
	c.x++
	c.off += c.n
	if c.x == c.width {
		c.x = 0
		c.off += c.rowStride - c.width*c.n
	}
}
