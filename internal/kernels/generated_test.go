package kernels

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGeneratedTilesUpToDate regenerates tiles_wasm.go and compares: an edit to
// gen_tiles.go must come with `go generate ./internal/kernels`.
func TestGeneratedTilesUpToDate(t *testing.T) {
	dir := t.TempDir()
	runGenerator(t, "gen_tiles.go", "-o", filepath.Join(dir, "tiles_wasm.go"))
	sameAsCommitted(t, dir, "tiles_wasm.go")
}

// TestGeneratedX86UpToDate does the same for the amd64 sets gen_x86.go writes.
func TestGeneratedX86UpToDate(t *testing.T) {
	dir := t.TempDir()
	runGenerator(t, "gen_x86.go", "-dir", dir)
	sameAsCommitted(t, dir, "avx512_amd64.go", "avx2_amd64.go")
}

func runGenerator(t *testing.T, gen string, args ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the go tool")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	cmd := exec.Command(goTool, append([]string{"run", gen}, args...)...)
	cmd.Env = append(os.Environ(), "GOOS=", "GOARCH=", "GOEXPERIMENT=")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run %s: %v\n%s", gen, err, msg)
	}
}

func sameAsCommitted(t *testing.T, dir string, files ...string) {
	t.Helper()
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go generate ./internal/kernels", f)
		}
	}
}
