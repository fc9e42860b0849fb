package core

// Row is one line of the per-layer cost table: a layer, or a depthwise-separable pair
// (depthwise + pointwise) shown beside the full 3x3 convolution it replaces.
type Row struct {
	Name                   string
	Kind                   Kind
	Stride                 int
	InH, InW, InC, OutC    int
	MultAdds, Params       int64
	Separable              bool  // a depthwise + pointwise pair
	StdMultAdds, StdParams int64 // what a standard 3x3 conv of the same shape costs (= MultAdds for other layers)
}

// Ratio is the separable pair's cost relative to a standard conv: 1/N + 1/K^2.
func (r Row) Ratio() float64 { return float64(r.MultAdds) / float64(r.StdMultAdds) }

// Compare folds each depthwise + pointwise pair of a layer table into one Row with its
// standard-convolution equivalent (the paper's Section 3.1 and Table 4).
func Compare(layers []Layer) []Row {
	var rows []Row
	for i := 0; i < len(layers); i++ {
		l := layers[i]
		r := Row{Name: l.Name, Kind: l.Kind, Stride: l.Stride, InH: l.InH, InW: l.InW, InC: l.InC, OutC: l.OutC,
			MultAdds: l.MultAdds(), Params: l.Params(), StdMultAdds: l.MultAdds(), StdParams: l.Params()}
		if l.Kind == Depthwise && i+1 < len(layers) && layers[i+1].Kind == Pointwise {
			pw := layers[i+1]
			r.Name += "+" + pw.Name
			r.Separable, r.OutC = true, pw.OutC
			r.MultAdds += pw.MultAdds()
			r.Params += pw.Params()
			r.StdMultAdds, r.StdParams = l.standardMultAdds(pw.OutC), l.standardParams(pw.OutC)
			i++
		}
		rows = append(rows, r)
	}
	return rows
}
