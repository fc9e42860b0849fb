package layerprofile

import (
	"testing"
	"time"

	"github.com/mobilenet-go/mobilenet/core"
)

func TestKindsSumLayersAndTakeTheMedianPass(t *testing.T) {
	layers, err := core.Architecture(0.5, 128)
	if err != nil {
		t.Fatal(err)
	}
	p := New(layers)
	if got := p.Kinds(); got[0].MS != 0 || got[0].MultAdds == 0 {
		t.Fatalf("before any pass: %+v", got[0])
	}
	// Three passes where every layer takes 1, 3 and then 2 ms: each type's median is
	// 2 ms times its number of layers (the middle pass, not the last or the mean of
	// the first two).
	for _, msPerLayer := range []time.Duration{1, 3, 2} {
		times := make([]time.Duration, len(layers))
		for i := range times {
			times[i] = msPerLayer * time.Millisecond
		}
		p.Add(times)
	}
	wantMultAdds, wantParams := core.Totals(layers)
	var multAdds, params int64
	for _, k := range p.Kinds() {
		n := 0
		for _, l := range layers {
			if l.Kind.String() == k.Kind {
				n++
			}
		}
		if n == 0 {
			t.Errorf("%s: no layer of this type in the network", k.Kind)
		}
		if k.MS != float64(2*n) {
			t.Errorf("%s: %v ms, want %d (2 ms x %d layers)", k.Kind, k.MS, 2*n, n)
		}
		multAdds += k.MultAdds
		params += k.Params
	}
	if multAdds != wantMultAdds || params != wantParams {
		t.Errorf("types sum to %d mult-adds and %d params, the network has %d and %d", multAdds, params, wantMultAdds, wantParams)
	}
}
