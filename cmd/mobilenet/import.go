package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/mobilenet-go/mobilenet/weights"
)

func cmdImport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("import", stderr)
	from := fs.String("from", "", "TF.js layers model: directory, model.json, or http(s) URL")
	out := fs.String("o", "", "packed weights file to write (.mnw)")
	f16 := fs.Bool("f16", false, "store float16 (half the size; ~1e-3 relative rounding)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" || *out == "" {
		fmt.Fprintln(stderr, "mobilenet import: -from and -o are required")
		fs.Usage()
		return errUsage
	}
	w, err := weights.Load(*from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	// Write to a temporary file and rename, so a failed import never leaves a
	// truncated .mnw behind (or clobbers a good one).
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".import-*.mnw")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := weights.EncodePacked(tmp, w, *f16); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { // CreateTemp makes it 0600; weights are served
		return err
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return err
	}
	st, _ := os.Stat(*out)
	storage := "float32"
	if *f16 {
		storage = "float16"
	}
	fmt.Fprintf(stdout, "wrote %s: MobileNet v1 alpha %.2f, trained at %d, %s, %d bytes\n", *out, w.Alpha, w.Size, storage, st.Size())
	return nil
}
