package q8

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The reference ops against a float64 simulation of the same quantized arithmetic:
// the simulation pads the input explicitly (TF 'same': the extra row and column of
// an even input at stride 2 go after), sums products in float64 (exact: every term
// is an integer and the sums stay far below 2^53) and applies the requantization
// formula of the package doc. Shapes are random with odd sizes, stride 2, channel
// counts off every multiple of 8 and the real alpha 0.25 shapes.

// simRequant is RequantMax from an exact float64 sum.
func simRequant(sum float64, m, b float32, hi int16) int16 {
	v := float64(float32(float32(sum)*m) + b)
	return int16(math.Min(math.Max(math.RoundToEven(v), 0), float64(hi)))
}

// padded returns the h x w x c input inside a zero frame, with the 'same' padding
// before (pb) and after (pa) each axis.
func padded(src []int16, h, w, c, stride int) (buf []float64, ph, pw, py, px int) {
	oh := (h + stride - 1) / stride
	total := max((oh-1)*stride+3-h, 0)
	py = total / 2
	ph = h + total
	ow := (w + stride - 1) / stride
	totalW := max((ow-1)*stride+3-w, 0)
	px = totalW / 2
	pw = w + totalW
	buf = make([]float64, ph*pw*c)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			for ch := 0; ch < c; ch++ {
				buf[((y+py)*pw+x+px)*c+ch] = float64(src[(y*w+x)*c+ch])
			}
		}
	}
	return buf, ph, pw, py, px
}

func simConv(src []int16, h, w, cin, cout, stride int, kernel []int8, m, b []float32, depthwise bool, hi int16) []int16 {
	buf, _, pw, _, _ := padded(src, h, w, cin, stride)
	oh, ow := (h+stride-1)/stride, (w+stride-1)/stride
	out := make([]int16, oh*ow*cout)
	for y := 0; y < oh; y++ {
		for x := 0; x < ow; x++ {
			for co := 0; co < cout; co++ {
				sum := 0.0
				for t := 0; t < 9; t++ {
					row := ((y*stride+t/3)*pw + x*stride + t%3) * cin
					if depthwise {
						sum += buf[row+co] * float64(kernel[t*cin+co])
						continue
					}
					for ci := 0; ci < cin; ci++ {
						sum += buf[row+ci] * float64(kernel[(t*cin+ci)*cout+co])
					}
				}
				out[(y*ow+x)*cout+co] = simRequant(sum, m[co], b[co], hi)
			}
		}
	}
	return out
}

func randActs(r *rand.Rand, n int, signed bool) []int16 {
	a := make([]int16, n)
	for i := range a {
		if signed {
			a[i] = int16(r.IntN(255) - 127)
		} else if r.IntN(4) > 0 { // post-ReLU6 activations are often 0 or 255
			a[i] = int16(r.IntN(256))
		} else {
			a[i] = int16(255 * r.IntN(2))
		}
	}
	return a
}

func randKernel(r *rand.Rand, n int) []int8 {
	k := make([]int8, n)
	for i := range k {
		k[i] = int8(r.IntN(255) - 127)
	}
	return k
}

// randFactors gives requantization factors that land most outputs inside [0, 255]
// for a sum of terms terms (with some saturating on both sides).
func randFactors(r *rand.Rand, n, terms int) (m, b []float32) {
	m, b = make([]float32, n), make([]float32, n)
	for c := range m {
		m[c] = float32((0.5 + r.Float64()) * 128 / (127 * 128 * math.Sqrt(float64(terms))))
		b[c] = float32(r.Float64()*300 - 50)
	}
	return m, b
}

func equal16(t *testing.T, what string, got, want []int16) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s: value %d is %d, want %d", what, i, got[i], want[i])
		}
	}
}

type convShape struct{ h, w, cin, cout, stride int }

func convShapes(r *rand.Rand, depthwise bool) []convShape {
	shapes := []convShape{{1, 1, 3, 8, 1}, {1, 1, 3, 8, 2}, {2, 2, 3, 8, 2}, {3, 5, 3, 7, 2}, {7, 7, 8, 8, 1},
		{32, 32, 3, 8, 2}, {16, 16, 8, 8, 1}, {13, 11, 5, 9, 2}} // 32x32x3->8: alpha 0.25 conv1 at rho 32
	for range 12 {
		s := convShape{1 + r.IntN(17), 1 + r.IntN(17), 1 + r.IntN(20), 1 + r.IntN(20), 1 + r.IntN(2)}
		shapes = append(shapes, s)
	}
	if depthwise {
		for i := range shapes {
			shapes[i].cout = shapes[i].cin
		}
	}
	return shapes
}

func TestConv3x3MatchesSimulation(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, s := range convShapes(r, false) {
		src := randActs(r, s.h*s.w*s.cin, true)
		k := randKernel(r, 9*s.cin*s.cout)
		m, b := randFactors(r, s.cout, 9*s.cin)
		oh, ow := (s.h+s.stride-1)/s.stride, (s.w+s.stride-1)/s.stride
		got := make([]int16, oh*ow*s.cout)
		Conv3x3(got, src, s.h, s.w, s.cin, s.cout, s.stride, k, m, b)
		equal16(t, fmt.Sprintf("conv3x3 %+v", s), got, simConv(src, s.h, s.w, s.cin, s.cout, s.stride, k, m, b, false, ActMax))
	}
}

func TestDepthwiseMatchesSimulation(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i, s := range convShapes(r, true) {
		src := randActs(r, s.h*s.w*s.cin, false)
		k := randKernel(r, 9*s.cin)
		m, b := randFactors(r, s.cin, 9)
		oh, ow := (s.h+s.stride-1)/s.stride, (s.w+s.stride-1)/s.stride
		got := make([]int16, oh*ow*s.cin)
		hi := []int16{ActMax, Act7Max}[i%2] // 8-bit and 7-bit outputs
		Depthwise(got, src, s.h, s.w, s.cin, s.stride, k, m, b, hi)
		equal16(t, fmt.Sprintf("depthwise %+v to %d", s, hi), got, simConv(src, s.h, s.w, s.cin, s.cin, s.stride, k, m, b, true, hi))
	}
}

// pointwiseShapes: pixels, k, n; the alpha 0.25 shapes (k, n multiples of 8 from 8)
// and odd ones.
func pointwiseShapes(r *rand.Rand) [][3]int {
	s := [][3]int{{1, 1, 1}, {1, 8, 16}, {3, 9, 7}, {5, 16, 8}, {49, 256, 256}, {4, 64, 64}, {7, 33, 65}, {1, 256, 1000}}
	for range 12 {
		s = append(s, [3]int{1 + r.IntN(40), 1 + r.IntN(300), 1 + r.IntN(70)})
	}
	return s
}

func simPointwise(src []int16, p, k, n int, kernel []int8, m, b []float32) []int16 {
	out := make([]int16, p*n)
	for i := 0; i < p; i++ {
		for c := 0; c < n; c++ {
			sum := 0.0
			for j := 0; j < k; j++ {
				sum += float64(src[i*k+j]) * float64(kernel[j*n+c])
			}
			out[i*n+c] = simRequant(sum, m[c], b[c], ActMax)
		}
	}
	return out
}

func TestPointwiseMatchesSimulation(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, s := range pointwiseShapes(r) {
		p, k, n := s[0], s[1], s[2]
		src := randActs(r, p*k, false)
		kern := randKernel(r, k*n)
		m, b := randFactors(r, n, k)
		got := make([]int16, p*n)
		Pointwise(got, src, p, k, n, kern, m, b)
		equal16(t, fmt.Sprintf("pointwise %v", s), got, simPointwise(src, p, k, n, kern, m, b))
	}
}

func TestAvgPoolAndClassifierMatchSimulation(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, s := range [][2]int{{1, 8}, {49, 256}, {16, 768}, {9, 13}, {1024, 5}} {
		p, c := s[0], s[1]
		src := randActs(r, p*c, false)
		got := make([]int16, c)
		AvgPool(got, src, p, c)
		for ch := range c {
			sum := 0.0
			for i := range p {
				sum += float64(src[i*c+ch])
			}
			if want := int16(math.Floor(PoolUp*sum/float64(p) + 0.5)); got[ch] != want {
				t.Fatalf("avgpool %v: channel %d is %d, want %d", s, ch, got[ch], want)
			}
		}
		n := 1 + r.IntN(1000)
		kern := randKernel(r, c*n)
		scale, bias := make([]float32, n), make([]float32, n)
		for i := range scale {
			scale[i], bias[i] = float32(r.Float64()*1e-3), float32(r.NormFloat64())
		}
		logits := make([]float32, n)
		Classifier(logits, got, c, n, kern, scale, bias, make([]int32, n))
		for j := range n {
			sum := 0.0
			for i := range c {
				sum += float64(got[i]) * float64(kern[i*n+j])
			}
			if want := float32(float32(sum)*scale[j]) + bias[j]; logits[j] != want {
				t.Fatalf("classifier %v: logit %d is %v, want %v", s, j, logits[j], want)
			}
		}
	}
}

// The requantization factors represent the real layer: the int8 pointwise output,
// dequantized, is within half a step (plus float32 rounding) of ReLU6 of the float
// layer computed on the dequantized input and kernel.
func TestRequantFactorsRepresentTheFloatLayer(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	const p, k, n = 10, 64, 24
	kernel := make([]float32, k*n)
	for i := range kernel {
		kernel[i] = float32(r.NormFloat64() * 0.2)
	}
	bias := make([]float32, n)
	for i := range bias {
		bias[i] = float32(r.NormFloat64())
	}
	qp := quantizeKernel(kernel, bias, n)
	m, b := requantFactors(qp, ActScale, ActScale)
	src := randActs(r, p*k, false)
	got := make([]int16, p*n)
	Pointwise(got, src, p, k, n, qp.Kernel, m, b)
	for i := range p {
		for c := range n {
			v := float64(bias[c])
			for j := range k {
				v += float64(src[i*k+j]) * ActScale * float64(qp.Kernel[j*n+c]) * float64(qp.Scale[c])
			}
			v = math.Min(math.Max(v, 0), 6)
			if d := math.Abs(float64(got[i*n+c])*ActScale - v); d > 0.5001*ActScale {
				t.Fatalf("pixel %d channel %d: int8 gives %v, the float layer %v", i, c, float64(got[i*n+c])*ActScale, v)
			}
		}
	}
	// And each quantized weight is within a step of the float one (balanceRounding
	// moves some by one step) unless the scale clips it, each channel's errors
	// summing to at most half a step.
	for c := range n {
		s, sum := float64(qp.Scale[c]), 0.0
		for i := c; i < len(kernel); i += n {
			d := float64(qp.Kernel[i])*s - float64(kernel[i])
			if math.Abs(d) > 1.0001*s && !(qp.Kernel[i] == 127 || qp.Kernel[i] == -127) { // or clipped
				t.Fatalf("weight %d: %v quantized to %d*%v", i, kernel[i], qp.Kernel[i], s)
			}
			sum += d
		}
		if math.Abs(sum) > 0.5001*s {
			t.Fatalf("channel %d: rounding errors sum to %v steps", c, sum/s)
		}
	}
}

// Im2col + Pointwise (how the model runs conv1) is Conv3x3.
func TestIm2colPointwiseIsConv3x3(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, s := range convShapes(r, false) {
		src := randActs(r, s.h*s.w*s.cin, true)
		k := randKernel(r, 9*s.cin*s.cout)
		m, b := randFactors(r, s.cout, 9*s.cin)
		oh, ow := (s.h+s.stride-1)/s.stride, (s.w+s.stride-1)/s.stride
		want := make([]int16, oh*ow*s.cout)
		Conv3x3(want, src, s.h, s.w, s.cin, s.cout, s.stride, k, m, b)
		patches := make([]int16, oh*ow*9*s.cin+slack)
		Im2col(patches, src, s.h, s.w, s.cin, s.stride)
		got := make([]int16, oh*ow*s.cout)
		NewPW(k, m, b, 9*s.cin, s.cout).Run(got, patches, oh*ow)
		equal16(t, fmt.Sprintf("im2col conv %+v", s), got, want)
	}
}
