// Package layerprofile is the one per-layer-type profile of a forward pass (the paper's
// Table 2: where the mult-adds are and where the time goes), shared by the benchmarks
// (bench/gobench, wasm/bench, cmd/mobilenet bench -profile).
package layerprofile

import (
	"slices"
	"time"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/stats"
)

// Order lists the layer types in the order the paper's tables do.
var Order = [...]core.Kind{core.Conv3x3, core.Depthwise, core.Pointwise, core.AvgPool, core.FullyConn}

// Kind is one layer type's share of a forward pass.
type Kind struct {
	Kind     string  `json:"kind"`
	MultAdds int64   `json:"multAdds"`
	Params   int64   `json:"params"`
	MS       float64 `json:"ms"` // median over the passes of the type's summed layer times
}

// Profile collects the per-type times of forward passes of one network.
type Profile struct {
	layers []core.Layer
	ms     [len(Order)][]float64
}

// New profiles passes of the network with these layers.
func New(layers []core.Layer) *Profile { return &Profile{layers: layers} }

// Add records one pass: layerTimes[i] is how long layers[i] took.
func (p *Profile) Add(layerTimes []time.Duration) {
	var sum [len(Order)]float64
	for i, l := range p.layers {
		if k := slices.Index(Order[:], l.Kind); k >= 0 {
			sum[k] += float64(layerTimes[i]) / float64(time.Millisecond)
		}
	}
	for k := range Order {
		p.ms[k] = append(p.ms[k], sum[k])
	}
}

// Kinds returns every type's mult-adds, parameters and median time (stats.Percentile
// 50; 0 before any pass), in Order.
func (p *Profile) Kinds() []Kind {
	out := make([]Kind, len(Order))
	for k, kind := range Order {
		out[k].Kind = kind.String()
		for _, l := range p.layers {
			if l.Kind == kind {
				out[k].MultAdds += l.MultAdds()
				out[k].Params += l.Params()
			}
		}
		if len(p.ms[k]) > 0 {
			out[k].MS = stats.Percentile(slices.Sorted(slices.Values(p.ms[k])), 50)
		}
	}
	return out
}
