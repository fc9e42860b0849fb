package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mobilenet-go/mobilenet/internal/pipeline"
	"github.com/mobilenet-go/mobilenet/internal/q8"
	"github.com/mobilenet-go/mobilenet/weights"
	"github.com/mobilenet-go/mobilenet/weights/mnw"
)

func cmdImport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("import", stderr)
	from := fs.String("from", "", "TF.js layers model: directory, model.json, or http(s) URL")
	out := fs.String("o", "", "packed weights file to write (.mnw)")
	f16 := fs.Bool("f16", false, "store float16 (half the size; ~1e-3 relative rounding)")
	precisionFlag := fs.String("precision", "f32", "f32, or int8: store per-channel int8 weights (a quarter of the size; the -precision int8 network's own)")
	if err := parse(fs, args); err != nil {
		return err
	}
	precision, err := pipeline.ParsePrecision(*precisionFlag)
	if err != nil {
		return err
	}
	if precision == pipeline.Int8 && *f16 {
		return fmt.Errorf("-f16 and -precision int8 are two storage kinds: choose one")
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
	storage := "float32"
	write := func(f *os.File) error { return weights.EncodePacked(f, w, *f16) }
	switch {
	case *f16:
		storage = "float16"
	case precision == pipeline.Int8:
		storage = "int8"
		q, err := q8.Quantize(w)
		if err != nil {
			return err
		}
		write = func(f *os.File) error { return mnw.EncodeInt8(f, q) }
	}
	if err := writeFileSafely(*out, write); err != nil {
		return err
	}
	st, _ := os.Stat(*out)
	fmt.Fprintf(stdout, "wrote %s: MobileNet v1 alpha %.2f, trained at %d, %s, %d bytes\n", *out, w.Alpha, w.Size, storage, st.Size())
	return nil
}

// writeFileSafely writes path through a temporary file in its directory and a rename,
// so a failed write never leaves a half-written file or clobbers a good one. A
// symlink is written through to its target (the link stays); anything but a regular
// file or nothing (a FIFO, a device, a directory) is refused, not replaced.
func writeFileSafely(path string, write func(*os.File) error) error {
	target, err := symlinkTarget(path)
	if err != nil {
		return err
	}
	mode := os.FileMode(0o644) // weights are served; CreateTemp would make it 0600
	switch fi, err := os.Lstat(target); {
	case err == nil && !fi.Mode().IsRegular():
		return fmt.Errorf("%s is %s, not a regular file: refusing to replace it", describeTarget(path, target), fileKind(fi.Mode()))
	case err == nil:
		mode = fi.Mode().Perm()
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".import-*.mnw")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), target)
}

// symlinkTarget follows path through any symlinks (a dangling one too, so writing
// creates its target) and returns the file that would be written.
func symlinkTarget(path string) (string, error) {
	for range 40 { // the kernel's own limit on nested links
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(path), link)
		}
		path = link
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", path)
}

func describeTarget(path, target string) string {
	if path == target {
		return path
	}
	return fmt.Sprintf("%s (a link to %s)", path, target)
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a regular file"
}
