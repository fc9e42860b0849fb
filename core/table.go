package core

import (
	"fmt"
	"io"
	"text/tabwriter"
)

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
			r.StdMultAdds, r.StdParams = l.StandardMultAdds(pw.OutC), l.StandardParams(pw.OutC)
			i++
		}
		rows = append(rows, r)
	}
	return rows
}

// WriteTable prints the layer table like the paper's Tables 1 and 2: type, stride,
// input shape, mult-adds and parameters per layer, then each separable pair against
// a standard 3x3 conv of the same shape, and the totals.
func WriteTable(w io.Writer, layers []Layer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "layer\ttype\tstride\tinput\toutput\tmult-adds\tparams\t")
	for _, l := range layers {
		fmt.Fprintf(tw, "%s\t%s\ts%d\t%dx%dx%d\t%dx%dx%d\t%s\t%s\t\n", l.Name, l.Kind, l.Stride,
			l.InH, l.InW, l.InC, l.OutH, l.OutW, l.OutC, millions(l.MultAdds()), millions(l.Params()))
	}
	ma, p := Totals(layers)
	fmt.Fprintf(tw, "total\t\t\t\t\t%s\t%s\t\n\n", millions(ma), millions(p))

	fmt.Fprintln(tw, "block\tinput\toutput C\tseparable\tstandard 3x3\tratio\t1/N+1/9\t")
	var sep, std int64
	for _, r := range Compare(layers) {
		sep += r.MultAdds
		std += r.StdMultAdds
		if !r.Separable {
			continue
		}
		fmt.Fprintf(tw, "%s\t%dx%dx%d\t%d\t%s\t%s\t%.4f\t%.4f\t\n", r.Name, r.InH, r.InW, r.InC, r.OutC,
			millions(r.MultAdds), millions(r.StdMultAdds), r.Ratio(), 1/float64(r.OutC)+1.0/9)
	}
	fmt.Fprintf(tw, "network\t\t\t%s\t%s\t%.4f\t\t\n", millions(sep), millions(std), float64(sep)/float64(std))
	return tw.Flush()
}

func millions(n int64) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3fM", float64(n)/1e6)
}
