package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/internal/pipeline"
)

type sample struct {
	file  string // path as resolved against the manifest's folder
	class int
}

// readManifest reads a CSV with columns file,class_index[,...] and a header row.
func readManifest(path string) ([]sample, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("%s: no samples (want a header row file,class_index,... then one row per image)", path)
	}
	fileCol, classCol := -1, -1
	for i, h := range rows[0] {
		switch h {
		case "file":
			fileCol = i
		case "class_index":
			classCol = i
		}
	}
	if fileCol < 0 || classCol < 0 {
		return nil, fmt.Errorf("%s: header %q lacks the columns file and class_index", path, rows[0])
	}
	dir := filepath.Dir(path)
	var out []sample
	for n, row := range rows[1:] {
		if len(row) <= max(fileCol, classCol) {
			return nil, fmt.Errorf("%s:%d: %d fields, want at least %d", path, n+2, len(row), max(fileCol, classCol)+1)
		}
		c, err := strconv.Atoi(row[classCol])
		if err != nil || c < 0 || c >= core.NumClasses {
			return nil, fmt.Errorf("%s:%d: class_index %q is not in 0..%d", path, n+2, row[classCol], core.NumClasses-1)
		}
		out = append(out, sample{file: filepath.Join(dir, row[fileCol]), class: c})
	}
	return out, nil
}

// evalResult is the JSON summary eval prints last.
type evalResult struct {
	N         int     `json:"n"`
	Top1      float64 `json:"top1"`
	Top5      float64 `json:"top5"`
	Top1N     int     `json:"top1_count"`
	Top5N     int     `json:"top5_count"`
	Failed    int     `json:"failed"`
	Alpha     float64 `json:"alpha"`
	Size      int     `json:"size"`
	Crop      float64 `json:"crop"`
	Seconds   float64 `json:"seconds"`
	Model     string  `json:"model"`
	Kernels   string  `json:"kernels"`
	Precision string  `json:"precision"`
}

func cmdEval(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("eval", stderr)
	manifest := fs.String("manifest", "", "CSV with columns file,class_index (paths relative to the CSV's folder)")
	model := fs.String("model", defaultModel(), "weights: .mnw file, TF.js model dir or model.json, or http(s) URL")
	size := fs.Int("size", 0, "input size (rho); 0 = the weights' own")
	crop := fs.Float64("crop", 0, "central fraction to keep before resizing (e.g. 0.875); 0 = whole image")
	asJSON := fs.Bool("json", false, "end with a JSON summary line on stdout")
	workers := fs.Int("j", runtime.GOMAXPROCS(0), "images classified in parallel")
	precisionFlag := fs.String("precision", "f32", "arithmetic: f32 (TF.js's) or int8 (8-bit weights and activations)")
	predictions := fs.String("predictions", "", "also write each image's top-1 class to this CSV (file,class_index,top1)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *manifest == "" {
		fmt.Fprintln(stderr, "mobilenet eval: -manifest is required")
		fs.Usage()
		return errUsage
	}
	precision, err := pipeline.ParsePrecision(*precisionFlag)
	if err != nil {
		return err
	}
	samples, err := readManifest(*manifest)
	if err != nil {
		return err
	}
	w, qw, err := loadWeights(*model, precision)
	if err != nil {
		return err
	}
	alpha, trained := shapeOf(w, qw)
	if *size == 0 {
		*size = trained
	}
	start := time.Now()
	res := evalResult{N: len(samples), Alpha: alpha, Size: *size, Crop: *crop, Model: *model, Precision: string(precision)}
	top1 := make([]int, len(samples)) // each sample's top-1 class (-1: failed)
	var mu sync.Mutex
	done := 0
	jobs := make(chan int)
	var wg sync.WaitGroup
	if err := pipeline.CheckCrop(*crop); err != nil {
		return err
	}
	for i := 0; i < max(*workers, 1); i++ {
		e, err := newEngine(w, qw, *size)
		if err != nil {
			return err
		}
		e.SetThreads(1) // parallel over images instead
		in, _ := e.Info(*size)
		res.Kernels = in.Kernels
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer e.Close()
			for i := range jobs {
				s := samples[i]
				preds, err := classifyFile(e, s.file, *size, *crop)
				mu.Lock()
				done++
				top1[i] = -1
				if err == nil {
					top1[i] = preds[0].Index
				}
				switch {
				case err != nil:
					res.Failed++
					fmt.Fprintf(stderr, "\rmobilenet eval: %v\n", err)
				case preds[0].Index == s.class:
					res.Top1N++
					res.Top5N++
				default:
					for _, p := range preds[1:] {
						if p.Index == s.class {
							res.Top5N++
						}
					}
				}
				progress(stderr, done, len(samples), res.Top1N)
				mu.Unlock()
			}
		}()
	}
	for i := range samples {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	fmt.Fprintln(stderr)
	res.Seconds = time.Since(start).Seconds()
	res.Top1 = float64(res.Top1N) / float64(res.N)
	res.Top5 = float64(res.Top5N) / float64(res.N)
	if *predictions != "" {
		if err := writePredictions(*predictions, samples, top1); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "MobileNet v1 %.2f-%d %s on %d images (crop %.3g): top-1 %d/%d (%.1f%%), top-5 %d/%d (%.1f%%), %d failed, %.1fs\n",
		res.Alpha, res.Size, res.Precision, res.N, res.Crop, res.Top1N, res.N, 100*res.Top1, res.Top5N, res.N, 100*res.Top5, res.Failed, res.Seconds)
	if *asJSON {
		b, _ := json.Marshal(res)
		fmt.Fprintln(stdout, string(b))
	}
	if res.Failed > 0 {
		return fmt.Errorf("%d of %d images could not be classified", res.Failed, res.N)
	}
	return nil
}

// classifyFile runs the pipeline on one image file, naming the file in errors.
func classifyFile(e *pipeline.Engine, path string, size int, crop float64) ([]core.Prediction, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	preds, err := e.ClassifyEncoded(data, size, crop, 5)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return preds, nil
}

// progress draws a one-line progress bar on stderr.
func progress(w io.Writer, done, total, top1 int) {
	const width = 30
	filled := width * done / total
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = '.'
		if i < filled {
			bar[i] = '#'
		}
	}
	fmt.Fprintf(w, "\r[%s] %d/%d  top-1 so far %.1f%%", bar, done, total, 100*float64(top1)/float64(done))
}

// writePredictions writes each sample's top-1 class as CSV (file,class_index,top1;
// top1 is -1 for an image that failed), for comparing two runs image by image.
func writePredictions(path string, samples []sample, top1 []int) error {
	return writeFileSafely(path, func(f *os.File) error {
		w := csv.NewWriter(f)
		w.Write([]string{"file", "class_index", "top1"})
		for i, s := range samples {
			w.Write([]string{s.file, strconv.Itoa(s.class), strconv.Itoa(top1[i])})
		}
		w.Flush()
		return w.Error()
	})
}
