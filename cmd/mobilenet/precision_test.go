package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mobilenet-go/mobilenet/internal/q8"
)

// -precision int8 end to end on the real model: import writes the int8 file (at
// most 30% of the float32 one), and eval on all 500 shared photos, from that file,
// stays within 5 top-1 of f32's 424 (whole image) and 427 (central 87.5%).
func TestInt8ImportAndEval(t *testing.T) {
	if testing.Short() {
		t.Skip("500 images")
	}
	dir := shared(t)
	f32 := packedModel(t)
	int8File := filepath.Join(t.TempDir(), "m.int8.mnw")
	code, out, errs := runCLI(t, "import", "-from", filepath.Join(dir, "models/mobilenet_v1_0.75_224"), "-precision", "int8", "-o", int8File)
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "int8")
	a, _ := os.Stat(int8File)
	b, _ := os.Stat(f32)
	require.LessOrEqual(t, float64(a.Size()), 0.3*float64(b.Size()))
	for _, c := range []struct {
		crop string
		f32  int
	}{{"0", 424}, {"0.875", 427}} {
		code, out, errs := runCLI(t, "eval", "-model", int8File, "-precision", "int8", "-crop", c.crop, "-json",
			"-manifest", filepath.Join(dir, "imagenet-samples/manifest.csv"))
		require.Equal(t, 0, code, errs)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		t.Log(lines[0])
		var r evalResult
		require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &r))
		require.Equal(t, "int8", r.Precision)
		require.Equal(t, 500, r.N)
		require.InDelta(t, c.f32, r.Top1N, 5, "crop %s int8 top-1", c.crop)
	}
}

func TestInt8Bench(t *testing.T) {
	code, out, errs := runCLI(t, "bench", "-random", "-alpha", "0.25", "-size", "128", "-n", "3", "-precision", "int8", "-threads", "2", "-profile", "-json")
	require.Equal(t, 0, code, errs)
	var r benchResult
	require.NoError(t, json.Unmarshal([]byte(strings.TrimSpace(out)), &r))
	require.Equal(t, "int8", r.Precision)
	require.Equal(t, 2, r.Threads)
	require.Equal(t, q8.KernelName, r.Kernels)
	require.Greater(t, r.Profile["Conv 1x1"], 0.0)
}

func TestBadPrecision(t *testing.T) {
	for _, args := range [][]string{{"eval", "-manifest", "x"}, {"bench", "-random"}, {"import", "-from", "x", "-o", "y"}} {
		code, _, errs := runCLI(t, append(args, "-precision", "int4")...)
		require.Equal(t, 1, code, args)
		require.Contains(t, errs, `precision "int4": want f32 or int8`, args)
	}
}
