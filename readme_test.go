//go:build !js

package mobilenet_test

import (
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/stretchr/testify/require"
)

// shared is ../shared (or $SHARED): the real model and labelled photos.
func shared(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("SHARED")
	if dir == "" {
		dir = "../shared"
	}
	dir, _ = filepath.Abs(dir)
	if _, err := os.Stat(filepath.Join(dir, "models/mobilenet_v1_0.75_224/model.json")); err != nil {
		t.Skipf("shared data not found at %s (set SHARED): %v", dir, err)
	}
	return dir
}

// readmeProgram is the fenced go block of README.md's "## Go" section.
func readmeProgram(t *testing.T) string {
	t.Helper()
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(readme), "\n## Go\n")
	require.True(t, ok, "README.md has no '## Go' section")
	section, _, _ = strings.Cut(section, "\n## ")
	m := regexp.MustCompile("(?s)\n```go\n(.*?)\n```\n").FindStringSubmatch(section)
	require.NotNil(t, m, "the Go section has no ```go block")
	require.Contains(t, m[1], "func main()")
	return m[1]
}

// manifestClass is the class_index of file in the shared photos' manifest.csv.
func manifestClass(t *testing.T, dir, file string) int {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "imagenet-samples/manifest.csv"))
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	for _, r := range rows[1:] {
		if r[0] == file {
			c, err := strconv.Atoi(r[1])
			require.NoError(t, err)
			return c
		}
	}
	t.Fatalf("%s is not in the manifest", file)
	return 0
}

// TestReadmeProgram runs the README's Go program as a user would: in a module of its
// own that requires this one (replaced by this checkout), `go run . MODEL IMAGE` on
// the real 0.75-224 model and a shared photo, and checks its top 5.
func TestReadmeProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	dir := shared(t)
	repo, err := os.Getwd()
	require.NoError(t, err)
	mod := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(mod, "main.go"), []byte(readmeProgram(t)), 0o644))
	gomod := "module example.com/top5\n\ngo 1.27\n\nrequire github.com/mobilenet-go/mobilenet v0.0.0\n\n" +
		"replace github.com/mobilenet-go/mobilenet => " + repo + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(mod, "go.mod"), []byte(gomod), 0o644))
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum")) // the same dependency versions
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(mod, "go.sum"), sum, 0o644))

	const photo = "n01440764_tench.JPEG"
	want := manifestClass(t, dir, photo)
	cmd := exec.Command("go", "run", ".", filepath.Join(dir, "models/mobilenet_v1_0.75_224"),
		filepath.Join(dir, "imagenet-samples", photo))
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOEXPERIMENT=simd", "GOFLAGS=-mod=mod")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("go run . MODEL IMAGE (%.1fs):\n%s", time.Since(start).Seconds(), out)
	require.NoError(t, err)

	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Len(t, lines, 5, "want the top 5, one per line")
	line := regexp.MustCompile(`^\s*(\d+)\s+([\d.]+)%\s+(.+)$`)
	var prev float64 = 101
	for i, l := range lines {
		m := line.FindStringSubmatch(l)
		require.NotNil(t, m, "line %q is not 'index probability%% label'", l)
		idx, _ := strconv.Atoi(m[1])
		prob, _ := strconv.ParseFloat(m[2], 64)
		require.Equal(t, core.Label(idx), m[3], l)
		require.LessOrEqual(t, prob, prev, "not best first")
		prev = prob
		if i == 0 {
			require.Equal(t, want, idx, "top-1 of %s", photo)
			require.Greater(t, prob, 30.0, "top-1 probability")
		}
	}
}
