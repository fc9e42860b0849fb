package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// import -o writes through a symlink to its target, refuses anything but a regular
// file, and never leaves a half-written file (issue 10: a device node was replaced).
func TestImportOutputTargets(t *testing.T) {
	src := packedModel(t) // a .mnw imports (re-encodes) like a TF.js model
	want, err := os.ReadFile(src)
	require.NoError(t, err)
	dir := t.TempDir()
	leftovers := func(d string) {
		t.Helper()
		names, _ := filepath.Glob(filepath.Join(d, ".import-*"))
		require.Empty(t, names, "temporary files left behind")
	}

	// A symlink to a regular file: the target gets the weights, the link stays a link.
	target := filepath.Join(dir, "real.mnw")
	require.NoError(t, os.WriteFile(target, []byte("old"), 0o640))
	link := filepath.Join(dir, "link.mnw")
	require.NoError(t, os.Symlink("real.mnw", link))
	code, _, errs := runCLI(t, "import", "-from", src, "-o", link)
	require.Equal(t, 0, code, errs)
	fi, err := os.Lstat(link)
	require.NoError(t, err)
	require.NotZero(t, fi.Mode()&fs.ModeSymlink, "the link was replaced")
	got, _ := os.ReadFile(target)
	require.True(t, bytes.Equal(got, want), "the target does not hold the weights")
	fi, _ = os.Stat(target)
	require.Equal(t, fs.FileMode(0o640), fi.Mode().Perm(), "the target's mode changed")

	// A dangling symlink: its target is created.
	dangling := filepath.Join(dir, "dangling.mnw")
	require.NoError(t, os.Symlink(filepath.Join(dir, "sub", "new.mnw"), dangling))
	code, _, errs = runCLI(t, "import", "-from", src, "-o", dangling)
	require.Equal(t, 0, code, errs)
	got, _ = os.ReadFile(filepath.Join(dir, "sub", "new.mnw"))
	require.True(t, bytes.Equal(got, want))

	// A FIFO (opening it would block) and a directory are refused and left as they are.
	fifo := filepath.Join(dir, "fifo.mnw")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	sub := filepath.Join(dir, "adir")
	require.NoError(t, os.Mkdir(sub, 0o755))
	for path, kind := range map[string]string{fifo: "a FIFO", sub: "a directory"} {
		code, _, errs = runCLI(t, "import", "-from", src, "-o", path)
		require.NotEqual(t, 0, code)
		require.Contains(t, errs, kind+", not a regular file: refusing to replace it")
	}
	fi, err = os.Lstat(fifo)
	require.NoError(t, err)
	require.NotZero(t, fi.Mode()&fs.ModeNamedPipe, "the FIFO was replaced")
	leftovers(dir)

	// A device, through a link: /dev/null is refused and stays a device. (Run only
	// once the FIFO case passed, so a broken check cannot replace it.)
	devLink := filepath.Join(dir, "null.mnw")
	require.NoError(t, os.Symlink("/dev/null", devLink))
	code, _, errs = runCLI(t, "import", "-from", src, "-o", devLink)
	require.NotEqual(t, 0, code)
	require.Contains(t, errs, "a link to /dev/null")
	require.Contains(t, errs, "a device")
	fi, err = os.Stat("/dev/null")
	require.NoError(t, err)
	require.NotZero(t, fi.Mode()&fs.ModeDevice)

	// A failed write (the source is not a model) leaves the old file as it was.
	require.NoError(t, os.WriteFile(target, []byte("keep"), 0o644))
	junk := filepath.Join(dir, "junk.mnw")
	require.NoError(t, os.WriteFile(junk, []byte("MNW\x1a junk"), 0o644))
	code, _, errs = runCLI(t, "import", "-from", junk, "-o", link)
	require.NotEqual(t, 0, code)
	got, _ = os.ReadFile(target)
	require.Equal(t, "keep", string(got), errs)
	require.False(t, strings.Contains(errs, "panic"))
	leftovers(dir)
}
