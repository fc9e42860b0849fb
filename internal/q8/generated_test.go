package q8

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGeneratedAsmUpToDate regenerates the wasm assembly and compares: an edit to
// gen_asm.go must come with `go generate ./internal/q8`, and the .s files are not
// edited by hand.
func TestGeneratedAsmUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go tool")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH") // js/wasm: no processes
	}
	dir := t.TempDir()
	cmd := exec.Command(goTool, "run", "gen_asm.go", "-dir", dir)
	cmd.Env = append(os.Environ(), "GOOS=", "GOARCH=", "GOEXPERIMENT=")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run gen_asm.go: %v\n%s", err, msg)
	}
	for _, f := range []string{"pointwise_wasm.s", "pwrow_wasm.s", "pwlogits_wasm.s", "depthwise_wasm.s"} {
		got, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go generate ./internal/q8", f)
		}
	}
}
