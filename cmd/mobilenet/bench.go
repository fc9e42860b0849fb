package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/layerprofile"
	"github.com/mobilenet-go/mobilenet/internal/pipeline"
	"github.com/mobilenet-go/mobilenet/internal/stats"
	"github.com/mobilenet-go/mobilenet/weights"
)

// benchResult is what bench -json prints.
type benchResult struct {
	Alpha     float64            `json:"alpha"`
	Size      int                `json:"size"`
	Threads   int                `json:"threads"`
	Kernels   string             `json:"kernels"`
	Precision string             `json:"precision"`
	Runs      int                `json:"runs"`
	MedianMs  float64            `json:"median_ms"`
	P10Ms     float64            `json:"p10_ms"`
	P90Ms     float64            `json:"p90_ms"`
	MinMs     float64            `json:"min_ms"`
	GFLOPS    float64            `json:"gflops"`
	MultAdds  int64              `json:"mult_adds"`
	Profile   map[string]float64 `json:"profile_ms,omitempty"` // median ms per layer type
}

func cmdBench(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench", stderr)
	model := fs.String("model", "", "weights to run (default: as for classify, unless -random)")
	random := fs.Bool("random", false, "seeded random weights (speed only), for any -alpha")
	alpha := fs.Float64("alpha", 1, "width multiplier with -random")
	size := fs.Int("size", 0, "input size (rho); 0 = 224 or the weights' own")
	runs := fs.Int("n", 50, "timed runs")
	warmup := fs.Int("warmup", 3, "untimed runs first")
	threads := fs.Int("threads", runtime.GOMAXPROCS(0), "goroutines splitting each layer")
	profile := fs.Bool("profile", false, "also time each layer type (like the paper's Table 2)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	precisionFlag := fs.String("precision", "f32", "arithmetic: f32 (TF.js's) or int8 (8-bit weights and activations)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *runs < 1 || *threads < 1 {
		return fmt.Errorf("-n and -threads must be at least 1")
	}
	precision, err := pipeline.ParsePrecision(*precisionFlag)
	if err != nil {
		return err
	}
	var w *core.Weights
	if *random {
		s := *size
		if s == 0 {
			s = 224
		}
		w, err = core.RandomWeights(*alpha, s, 1)
	} else {
		if *model == "" {
			*model = defaultModel()
		}
		w, err = weights.Load(*model)
	}
	if err != nil {
		return err
	}
	if *size == 0 {
		*size = w.Size
	}
	m, err := pipeline.NewTimed(w, *size, *threads, precision)
	if err != nil {
		return err
	}
	defer m.Close()
	*threads = m.Threads
	input := make([]float32, m.InputLen)
	r := rand.New(rand.NewPCG(2, 3))
	for i := range input {
		input[i] = r.Float32()*2 - 1
	}
	for i := 0; i < *warmup; i++ {
		m.Forward(input)
	}
	m.SetProfile(*profile)
	times := make([]float64, *runs)
	prof := layerprofile.New(m.Layers)
	for i := range times {
		t0 := time.Now()
		if _, err := m.Forward(input); err != nil {
			return err
		}
		times[i] = ms(time.Since(t0))
		if *profile {
			prof.Add(m.LayerTimes)
		}
	}
	slices.Sort(times)
	res := benchResult{Alpha: w.Alpha, Size: *size, Threads: *threads, Kernels: m.Kernels, Precision: string(precision), Runs: *runs,
		MedianMs: stats.Percentile(times, 50), P10Ms: stats.Percentile(times, 10), P90Ms: stats.Percentile(times, 90), MinMs: times[0],
		MultAdds: m.MultAdds}
	res.GFLOPS = 2 * float64(res.MultAdds) / (res.MedianMs * 1e6)
	if *profile {
		res.Profile = map[string]float64{}
		for _, k := range prof.Kinds() {
			res.Profile[k.Kind] = k.MS
		}
	}
	if *asJSON {
		b, _ := json.Marshal(res)
		fmt.Fprintln(stdout, string(b))
		return nil
	}
	fmt.Fprintf(stdout, "MobileNet v1 %.2f-%d %s, %s kernels, %d thread(s), %d runs: median %.2f ms, p10 %.2f, p90 %.2f, min %.2f; %.1f GFLOP/s (%.0fM mult-adds)\n",
		res.Alpha, res.Size, res.Precision, res.Kernels, res.Threads, res.Runs, res.MedianMs, res.P10Ms, res.P90Ms, res.MinMs, res.GFLOPS, float64(res.MultAdds)/1e6)
	if *profile {
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "type\tmult-adds\tshare\tmedian ms\tshare of time\tGFLOP/s\t")
		var total float64
		for _, v := range res.Profile {
			total += v
		}
		for _, kind := range prof.Kinds() {
			k, ma, t := kind.Kind, kind.MultAdds, kind.MS
			gf := 0.0
			if t > 0 {
				gf = 2 * float64(ma) / (t * 1e6)
			}
			fmt.Fprintf(tw, "%s\t%.1fM\t%.1f%%\t%.3f\t%.1f%%\t%.1f\t\n", k, float64(ma)/1e6, 100*float64(ma)/float64(res.MultAdds), t, 100*t/total, gf)
		}
		tw.Flush()
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
