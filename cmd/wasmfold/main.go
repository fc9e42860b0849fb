// Command wasmfold folds constant address offsets into the float and v128 loads of
// a Go-built wasm binary, in the functions of our engine (core, internal/kernels and internal/q8
// by default; see internal/wasmfold), in place:
//
//	wasmfold [-funcs PREFIX,...] [-strip-names] FILE.wasm...
//
// The Makefile links the classifier with -ldflags=-w (keeping the function names the
// fold selects by) and runs wasmfold -strip-names on it, which leaves the size of a
// -s build; `go test -exec mk/wasmfold-exec` runs the wasm tests on folded binaries.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/mobilenet-go/mobilenet/internal/wasmfold"
)

func main() {
	prefix := flag.String("funcs", "github.com_mobilenet_go_mobilenet_core,github.com_mobilenet_go_mobilenet_internal_kernels,github.com_mobilenet_go_mobilenet_internal_q8",
		"fold the functions whose names (as in the wasm name section) start with one of these (comma-separated)")
	strip := flag.Bool("strip-names", false, "drop the name section afterwards (what -ldflags=-s would have done)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: wasmfold [-funcs PREFIX,...] [-strip-names] FILE.wasm...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	for _, path := range flag.Args() {
		if err := foldFile(path, *prefix, *strip); err != nil {
			fmt.Fprintln(os.Stderr, "wasmfold:", err)
			os.Exit(1)
		}
	}
}

func foldFile(path, prefix string, strip bool) error {
	in, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	prefixes := strings.Split(prefix, ",")
	out, st, err := wasmfold.Fold(in, func(name string) bool {
		for _, p := range prefixes {
			if strings.HasPrefix(name, p) {
				return true
			}
		}
		return false
	})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if st.Functions == 0 {
		return fmt.Errorf("%s: no function is named %s*", path, prefix)
	}
	if st.Skipped > 0 {
		return fmt.Errorf("%s: %d of %d functions hold instructions wasmfold does not know", path, st.Skipped, st.Functions)
	}
	if strip {
		if out, err = wasmfold.StripNames(out); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	fmt.Printf("wasmfold: %s: %d loads folded, %d relaxed-SIMD encodings repaired, in %d functions\n",
		path, st.Loads, st.Relaxed, st.Functions)
	return os.WriteFile(path, out, 0o644)
}
