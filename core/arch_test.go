package core

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// round rounds x to the given number of decimals, as the paper prints its millions.
func round(x float64, dec int) float64 {
	p := math.Pow(10, float64(dec))
	return math.Round(x*p) / p
}

func TestPaperTotals(t *testing.T) {
	for _, c := range []struct {
		alpha        float64
		size         int
		mMultAdds    float64 // millions, as printed in the paper
		mParams      float64
		paramDecimal int
	}{
		{1, 224, 569, 4.2, 1},    // Table 1/4/6
		{0.75, 224, 325, 2.6, 1}, // Table 6
		{0.5, 224, 149, 1.3, 1},
		{0.25, 224, 41, 0.5, 1},
		{1, 192, 418, 4.2, 1}, // Table 7
		{1, 160, 290, 4.2, 1},
		{1, 128, 186, 4.2, 1},
	} {
		layers, err := Architecture(c.alpha, c.size)
		require.NoError(t, err)
		ma, p := Totals(layers)
		got := float64(ma) / 1e6
		// Table 7 prints 290M for 1.0-160, which is 290.68M truncated rather than
		// rounded (every other entry rounds); accept either.
		require.True(t, round(got, 0) == c.mMultAdds || math.Floor(got) == c.mMultAdds,
			"alpha %v size %d: %.2fM mult-adds, paper %vM", c.alpha, c.size, got, c.mMultAdds)
		require.Equal(t, c.mParams, round(float64(p)/1e6, c.paramDecimal), "alpha %v size %d params %d", c.alpha, c.size, p)
	}
}

// TestTable4ConvMobileNet checks the standard-convolution MobileNet of Table 4: every
// depthwise-separable pair replaced by a full 3x3 conv of the same shape.
func TestTable4ConvMobileNet(t *testing.T) {
	layers, err := Architecture(1, 224)
	require.NoError(t, err)
	rows := Compare(layers)
	var std, stdP, sep, sepP int64
	for _, r := range rows {
		std += r.StdMultAdds
		stdP += r.StdParams
		sep += r.MultAdds
		sepP += r.Params
	}
	require.Equal(t, 569.0, round(float64(sep)/1e6, 0))
	require.Equal(t, 4.2, round(float64(sepP)/1e6, 1))
	// Table 4 prints 4866M, which is our 4867.3M less the classifier's 1.024M
	// mult-adds: the paper left the FC out of this one figure (its 569M and both
	// params figures include it).
	fc := layers[len(layers)-1].MultAdds()
	require.Equal(t, 4866.0, round(float64(std-fc)/1e6, 0))
	require.Equal(t, 29.3, round(float64(stdP)/1e6, 1))
}

// TestTable3Layer checks the paper's Table 3 example: a 14x14x512 -> 512 layer.
func TestTable3Layer(t *testing.T) {
	cost := func(alpha float64, hw int) (stdM, stdP, sepM, sepP float64) {
		c := Channels(512, alpha)
		dw := Layer{Kind: Depthwise, Stride: 1, InH: hw, InW: hw, InC: c, OutH: hw, OutW: hw, OutC: c}
		pw := Layer{Kind: Pointwise, Stride: 1, InH: hw, InW: hw, InC: c, OutH: hw, OutW: hw, OutC: c}
		return float64(dw.standardMultAdds(c)) / 1e6, float64(dw.standardParams(c)) / 1e6,
			float64(dw.MultAdds()+pw.MultAdds()) / 1e6, float64(dw.Params()+pw.Params()) / 1e6
	}
	stdM, stdP, sepM, sepP := cost(1, 14)
	require.Equal(t, []float64{462, 2.36, 52.3, 0.27}, []float64{round(stdM, 0), round(stdP, 2), round(sepM, 1), round(sepP, 2)})
	_, _, sepM, sepP = cost(0.75, 14)
	require.Equal(t, []float64{29.6, 0.15}, []float64{round(sepM, 1), round(sepP, 2)})
	_, _, sepM, sepP = cost(0.75, 10) // rho = 0.714: 160/224
	require.Equal(t, []float64{15.1, 0.15}, []float64{round(sepM, 1), round(sepP, 2)})
	// The reduction is the paper's 1/N + 1/K^2.
	layers, _ := Architecture(1, 224)
	for _, r := range Compare(layers) {
		if r.Separable {
			want := 1/float64(r.OutC) + 1.0/9
			require.InDelta(t, want, r.Ratio(), 1e-12, r.Name)
		}
	}
}

func TestArchitectureShapes(t *testing.T) {
	layers, err := Architecture(0.25, 128)
	require.NoError(t, err)
	require.Len(t, layers, 29) // conv1, 13 x (dw, pw), pool, classifier
	require.Equal(t, Layer{Name: "conv1", Kind: Conv3x3, Stride: 2, InH: 128, InW: 128, InC: 3, OutH: 64, OutW: 64, OutC: 8}, layers[0])
	last := layers[len(layers)-3]
	require.Equal(t, "conv_pw_13", last.Name)
	require.Equal(t, []int{4, 4, 256}, []int{last.OutH, last.OutW, last.OutC})
	for i := 1; i < len(layers); i++ {
		p, l := layers[i-1], layers[i]
		require.Equal(t, []int{p.OutH, p.OutW, p.OutC}, []int{l.InH, l.InW, l.InC}, "%s -> %s", p.Name, l.Name)
	}
	for _, bad := range []struct {
		a float64
		s int
	}{{0, 224}, {1.5, 224}, {math.NaN(), 224}, {1, 100}, {1, 0}, {0.01, 224}, {1, 4096}} {
		_, err := Architecture(bad.a, bad.s)
		require.Error(t, err, "alpha %v size %d", bad.a, bad.s)
	}
}
