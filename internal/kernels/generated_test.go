package kernels

import (
	"path/filepath"
	"testing"

	"github.com/mobilenet-go/mobilenet/internal/gentest"
)

// TestGeneratedTilesUpToDate regenerates tiles_wasm.go and compares: an edit to
// gen_tiles.go must come with `go generate ./internal/kernels`.
func TestGeneratedTilesUpToDate(t *testing.T) {
	gentest.Check(t, "gen_tiles.go", func(dir string) []string { return []string{"-o", filepath.Join(dir, "tiles_wasm.go")} },
		"tiles_wasm.go")
}

// TestGeneratedX86UpToDate does the same for the amd64 sets gen_x86.go writes.
func TestGeneratedX86UpToDate(t *testing.T) {
	gentest.Check(t, "gen_x86.go", func(dir string) []string { return []string{"-dir", dir} },
		"avx512_amd64.go", "avx2_amd64.go")
}
