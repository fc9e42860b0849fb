// Package gentest checks that generated source is up to date, for the tests of the
// packages whose kernels are generated (internal/kernels, internal/q8): an edit to a
// generator must come with `go generate`, and generated files are not edited by hand.
package gentest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Check runs `go run gen args(dir)...` in the test's package directory with dir a
// fresh temporary directory (natively: GOOS, GOARCH and GOEXPERIMENT cleared) and
// compares each of files written there with the committed one. It skips under
// -short and where there is no go tool (js/wasm has no processes).
func Check(t *testing.T, gen string, args func(dir string) []string, files ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the go tool")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	dir := t.TempDir()
	cmd := exec.Command(goTool, append([]string{"run", gen}, args(dir)...)...)
	cmd.Env = append(os.Environ(), "GOOS=", "GOARCH=", "GOEXPERIMENT=")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run %s: %v\n%s", gen, err, msg)
	}
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
			t.Errorf("%s is stale: run go generate in its package (%s writes it)", f, gen)
		}
	}
}
