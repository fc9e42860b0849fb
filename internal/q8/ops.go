package q8

// The reference int8 ops, in plain Go: every other kernel must match them bit for
// bit. Activations are NHWC, one int16 per quantized value (see the package doc);
// kernels are int8 in core.Params' layouts; m and b are the per-output-channel
// requantization factors (Requant).

// Requant maps an int32 accumulator to an activation: clamp(roundHalfEven(
// float32(acc)*m + b), 0, 255), each float32 step rounded on its own.
func Requant(acc int32, m, b float32) int16 { return RequantMax(acc, m, b, ActMax) }

// RequantMax is Requant clamping to [0, hi] (ActMax or Act7Max).
func RequantMax(acc int32, m, b float32, hi int16) int16 {
	v := float32(float32(acc)*m) + b // the conversions forbid a fused multiply-add
	return int16(clampRound(float64(v), 0, float64(hi)))
}

// QuantizeInput writes the network input (values in [-1, 1]) as int8 values with
// scale InputScale: clamp(roundHalfEven(x*127), -127, 127).
func QuantizeInput(dst []int16, src []float32) {
	for i, x := range src[:len(dst)] {
		dst[i] = int16(clampRound(float64(float32(x*127)), -127, 127))
	}
}

// same is TF 'same' padding for a 3x3 window: the output size and the padding
// before the first input row or column.
func same(in, stride int) (out, padBefore int) {
	out = (in + stride - 1) / stride
	pad := max((out-1)*stride+3-in, 0)
	return out, pad / 2
}

// Conv3x3 is the first layer: a full 3x3 convolution of an h x w x cin input
// (kernel [3][3][cin][cout]) with TF 'same' padding.
func Conv3x3(dst, src []int16, h, w, cin, cout, stride int, kernel []int8, m, b []float32) {
	oh, py := same(h, stride)
	ow, px := same(w, stride)
	for y := 0; y < oh; y++ {
		for x := 0; x < ow; x++ {
			out := dst[(y*ow+x)*cout:][:cout]
			for c := 0; c < cout; c++ {
				var acc int32
				for dy := 0; dy < 3; dy++ {
					iy := y*stride + dy - py
					if iy < 0 || iy >= h {
						continue
					}
					for dx := 0; dx < 3; dx++ {
						ix := x*stride + dx - px
						if ix < 0 || ix >= w {
							continue
						}
						in := src[(iy*w+ix)*cin:][:cin]
						k := kernel[(dy*3+dx)*cin*cout:]
						for ci, a := range in {
							acc += int32(a) * int32(k[ci*cout+c])
						}
					}
				}
				out[c] = Requant(acc, m[c], b[c])
			}
		}
	}
}

// Depthwise is a 3x3 depthwise convolution of an h x w x c input (kernel [3][3][c]),
// its outputs clamped to [0, hi].
func Depthwise(dst, src []int16, h, w, c, stride int, kernel []int8, m, b []float32, hi int16) {
	oh, _ := same(h, stride)
	depthwiseRows(dst, src, h, w, c, stride, 0, oh, kernel, m, b, hi)
}

// depthwiseRows is Depthwise's output rows [y0, y1) (a worker's row band).
func depthwiseRows(dst, src []int16, h, w, c, stride, y0, y1 int, kernel []int8, m, b []float32, hi int16) {
	ow, _ := same(w, stride)
	for y := y0; y < y1; y++ {
		for x := 0; x < ow; x++ {
			depthwisePixel(dst, src, h, w, c, stride, y, x, 0, kernel, m, b, hi)
		}
	}
}

// depthwisePixel computes output pixel (y, x) of Depthwise for channels [c0, c).
func depthwisePixel(dst, src []int16, h, w, c, stride, y, x, c0 int, kernel []int8, m, b []float32, hi int16) {
	_, py := same(h, stride)
	ow, px := same(w, stride)
	out := dst[(y*ow+x)*c:][:c]
	for ch := c0; ch < c; ch++ {
		var acc int32
		for dy := 0; dy < 3; dy++ {
			iy := y*stride + dy - py
			if iy < 0 || iy >= h {
				continue
			}
			for dx := 0; dx < 3; dx++ {
				ix := x*stride + dx - px
				if ix < 0 || ix >= w {
					continue
				}
				acc += int32(src[(iy*w+ix)*c+ch]) * int32(kernel[(dy*3+dx)*c+ch])
			}
		}
		out[ch] = RequantMax(acc, m[ch], b[ch], hi)
	}
}

// Pointwise is a 1x1 convolution of p pixels of k channels (kernel [k][n]).
func Pointwise(dst, src []int16, p, k, n int, kernel []int8, m, b []float32) {
	for i := 0; i < p; i++ {
		in, out := src[i*k:][:k], dst[i*n:][:n]
		for c := 0; c < n; c++ {
			out[c] = Requant(dot(in, kernel, c, n), m[c], b[c])
		}
	}
}

// dot is sum over j of in[j] * kernel[j*n+c].
func dot(in []int16, kernel []int8, c, n int) int32 {
	var acc int32
	for j, a := range in {
		acc += int32(a) * int32(kernel[j*n+c])
	}
	return acc
}

// AvgPool averages p pixels of c channels, rounding half up:
// dst[ch] = floor(sum/p + 1/2), computed as (2*sum + p) / (2p) in integers.
func AvgPool(dst, src []int16, p, c int) {
	for ch := 0; ch < c; ch++ {
		var sum int64
		for i := 0; i < p; i++ {
			sum += int64(src[i*c+ch])
		}
		dst[ch] = int16((2*PoolUp*sum + int64(p)) / (2 * int64(p)))
	}
}

// Classifier computes float32 logits from k pooled activations (kernel [k][n]):
// logit[c] = float32(acc)*scale[c] + bias[c], each float32 step rounded on its own.
// acc is n int32s of scratch: the sums run over the kernel's rows in order (one
// contiguous pass over the weights).
func Classifier(dst []float32, src []int16, k, n int, kernel []int8, scale, bias []float32, acc []int32) {
	acc = acc[:n]
	clear(acc)
	for j, a := range src[:k] {
		row := kernel[j*n:][:n]
		for c, w := range row {
			acc[c] += int32(a) * int32(w)
		}
	}
	for c, v := range acc {
		dst[c] = float32(float32(v)*scale[c]) + bias[c]
	}
}

// Dequantize writes q*s for each activation (the pooled features as floats).
func Dequantize(dst []float32, src []int16, s float32) {
	for i, q := range src[:len(dst)] {
		dst[i] = float32(q) * s
	}
}

// Im2col writes, for each output pixel of a 3x3 'same' convolution, its 3x3xcin
// input patch in the kernel's [3][3][cin] order (zero where the window leaves the
// input), so the convolution becomes a pointwise layer with K = 9*cin over the
// patches (the same integer sums as Conv3x3).
func Im2col(dst, src []int16, h, w, cin, stride int) {
	oh, _ := same(h, stride)
	im2colRows(dst, src, h, w, cin, stride, 0, oh)
}

// im2colRows is Im2col for output rows [y0, y1) (a worker's row band), written
// from dst[0] on.
func im2colRows(dst, src []int16, h, w, cin, stride, y0, y1 int) {
	_, py := same(h, stride)
	ow, px := same(w, stride)
	k := 9 * cin
	for y := y0; y < y1; y++ {
		for x := 0; x < ow; x++ {
			patch := dst[((y-y0)*ow+x)*k:][:k]
			for t := 0; t < 9; t++ {
				iy, ix := y*stride+t/3-py, x*stride+t%3-px
				out := patch[t*cin:][:cin]
				if iy < 0 || iy >= h || ix < 0 || ix >= w {
					clear(out)
					continue
				}
				copy(out, src[(iy*w+ix)*cin:][:cin])
			}
		}
	}
}
