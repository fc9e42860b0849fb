package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/mobilenet-go/mobilenet/core"
)

// writeTable prints the layer table like the paper's Tables 1 and 2: type, stride,
// input shape, mult-adds and parameters per layer, then each separable pair against
// a standard 3x3 conv of the same shape, and the totals.
func writeTable(w io.Writer, layers []core.Layer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "layer\ttype\tstride\tinput\toutput\tmult-adds\tparams\t")
	for _, l := range layers {
		fmt.Fprintf(tw, "%s\t%s\ts%d\t%dx%dx%d\t%dx%dx%d\t%s\t%s\t\n", l.Name, l.Kind, l.Stride,
			l.InH, l.InW, l.InC, l.OutH, l.OutW, l.OutC, millions(l.MultAdds()), millions(l.Params()))
	}
	ma, p := core.Totals(layers)
	fmt.Fprintf(tw, "total\t\t\t\t\t%s\t%s\t\n\n", millions(ma), millions(p))

	fmt.Fprintln(tw, "block\tinput\toutput C\tseparable\tstandard 3x3\tratio\t1/N+1/9\t")
	var sep, std int64
	for _, r := range core.Compare(layers) {
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
