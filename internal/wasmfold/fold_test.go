package wasmfold

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Hand-assembled pieces of a module: one function type (i64) -> ().
var (
	// v128 load at p+16: folds.
	seqV128 = []byte{0x20, 0, 0x42, 16, 0x7c, 0xa7, 0xfd, 0x00, 0x00, 0x00, 0x1a}
	// f32.load at p+100 with an existing offset 8: folds to offset 108.
	seqF32 = []byte{0x20, 0, 0x42, 0xe4, 0x00, 0x7c, 0xa7, 0x2a, 0x02, 0x08, 0x1a}
	// f32.load at p+5000: constant too large, left alone.
	seqFar = []byte{0x20, 0, 0x42, 0x88, 0x27, 0x7c, 0xa7, 0x2a, 0x02, 0x00, 0x1a}
	// f32.load at p-4: negative, left alone.
	seqNeg = []byte{0x20, 0, 0x42, 0x7c, 0x7c, 0xa7, 0x2a, 0x02, 0x00, 0x1a}
	// v128.store: not a load, left alone.
	seqStore = []byte{0x20, 0, 0x42, 16, 0x7c, 0xa7, 0xfd, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfd, 0x0b, 0x00, 0x00}
)

func leb(v uint64) []byte { return appendULEB(nil, v) }

func section(id byte, content []byte) []byte {
	return append(append([]byte{id}, leb(uint64(len(content)))...), content...)
}

func vec(items ...[]byte) []byte {
	b := leb(uint64(len(items)))
	for _, it := range items {
		b = append(b, it...)
	}
	return b
}

func name(s string) []byte { return append(leb(uint64(len(s))), s...) }

// buildModule builds a wasm binary with one imported function (so indices are offset)
// and the given named bodies (instructions without the locals and the final end).
func buildModule(names []string, bodies ...[]byte) []byte {
	b := []byte("\x00asm\x01\x00\x00\x00")
	b = append(b, section(1, vec([]byte{0x60, 1, 0x7e, 0}))...)                           // type 0: (i64) -> ()
	b = append(b, section(2, vec(append(append(name("env"), name("f")...), 0x00, 0)))...) // import func 0
	var funcs, codes, fnames [][]byte
	for i, body := range bodies {
		funcs = append(funcs, []byte{0})
		code := append([]byte{0}, body...) // no locals
		code = append(code, opEnd)
		codes = append(codes, append(leb(uint64(len(code))), code...))
		fnames = append(fnames, append(leb(uint64(i+1)), name(names[i])...))
	}
	b = append(b, section(3, vec(funcs...))...)
	b = append(b, section(10, vec(codes...))...)
	sub := vec(fnames...)
	b = append(b, section(0, append(name("name"), append([]byte{1}, append(leb(uint64(len(sub))), sub...)...)...))...)
	return b
}

func kernels(n string) bool { return strings.HasPrefix(n, "pkg.") }

func cat(seqs ...[]byte) []byte { return bytes.Join(seqs, nil) }

func TestFoldRewritesOnlyWhatIsSafe(t *testing.T) {
	in := buildModule([]string{"pkg.kernel", "other.fn"},
		cat(seqV128, seqF32, seqFar, seqNeg, seqStore),
		cat(seqV128))
	out, st, err := Fold(in, kernels)
	require.NoError(t, err)
	assert.Equal(t, Stats{Functions: 1, Loads: 2}, st)
	require.Len(t, out, len(in), "fold must not move any byte")

	wantV128 := []byte{0x20, 0, 0xa7, 0xfd, 0x00, 0x00, 16, opNop, opNop, opNop, 0x1a}
	wantF32 := []byte{0x20, 0, 0xa7, 0x2a, 0x02, 108, opNop, opNop, opNop, opNop, 0x1a}
	want := buildModule([]string{"pkg.kernel", "other.fn"},
		cat(wantV128, wantF32, seqFar, seqNeg, seqStore),
		cat(seqV128))
	assert.Equal(t, want, out)

	again, st2, err := Fold(out, kernels)
	require.NoError(t, err)
	assert.Equal(t, 0, st2.Loads, "a folded binary has nothing left to fold")
	assert.Equal(t, out, again)
}

func TestFoldLeavesUnknownCodeAlone(t *testing.T) {
	// 0xfe (threads) is not an instruction Fold decodes: the whole function stays as is.
	in := buildModule([]string{"pkg.a", "pkg.b"}, cat(seqV128, []byte{0xfe, 0x03, 0x00}), seqV128)
	out, st, err := Fold(in, kernels)
	require.NoError(t, err)
	assert.Equal(t, Stats{Functions: 2, Loads: 1, Skipped: 1}, st)
	// pkg.a is unchanged, pkg.b folded.
	wantB := []byte{0x20, 0, 0xa7, 0xfd, 0x00, 0x00, 16, opNop, opNop, opNop, 0x1a}
	assert.Equal(t, buildModule([]string{"pkg.a", "pkg.b"}, cat(seqV128, []byte{0xfe, 0x03, 0x00}), wantB), out)
}

func TestFoldRepairsGoRelaxedSIMD(t *testing.T) {
	// i32x4.relaxed_dot_i8x16_i7x16_add_s (0xfd 0x113) as Go writes it, 0xfd 0x93 0x01
	// 0x02; i16x8.sub_sat_u (0xfd 0x93) with Go's stray nop; a correctly encoded
	// relaxed swizzle (0xfd 0x100).
	goDot := []byte{0xfd, 0x93, 0x01, 0x02}
	subSat := []byte{0xfd, 0x93, 0x01, opNop}
	swizzle := []byte{0xfd, 0x80, 0x02}
	in := buildModule([]string{"pkg.kernel", "other.fn"}, cat(goDot, subSat, swizzle, goDot), goDot)
	out, st, err := Fold(in, kernels)
	require.NoError(t, err)
	assert.Equal(t, Stats{Functions: 1, Relaxed: 2}, st)
	dot := []byte{0xfd, 0x93, 0x02, opNop}
	assert.Equal(t, buildModule([]string{"pkg.kernel", "other.fn"}, cat(dot, subSat, swizzle, dot), goDot), out)

	again, st2, err := Fold(out, kernels)
	require.NoError(t, err)
	assert.Equal(t, Stats{Functions: 1}, st2, "a repaired binary has nothing left to repair")
	assert.Equal(t, out, again)
}

func TestFoldErrors(t *testing.T) {
	_, _, err := Fold([]byte("not wasm at all"), kernels)
	assert.ErrorContains(t, err, "not a WebAssembly")

	noNames := buildModule([]string{"pkg.kernel"}, seqV128)
	noNames, err = StripNames(noNames)
	require.NoError(t, err)
	_, _, err = Fold(noNames, kernels)
	assert.ErrorContains(t, err, "no function names")

	full := buildModule([]string{"pkg.kernel"}, seqV128)
	for n := 9; n < len(full); n += 3 {
		_, _, err := Fold(full[:n], kernels)
		assert.Error(t, err, "truncated to %d bytes", n)
	}
}

func TestStripNames(t *testing.T) {
	in := buildModule([]string{"pkg.kernel"}, seqV128)
	out, err := StripNames(in)
	require.NoError(t, err)
	assert.Less(t, len(out), len(in))
	assert.NotContains(t, string(out), "pkg.kernel")
	assert.True(t, bytes.HasPrefix(in, out), "the name section is the last one here; all else is kept")
	m, err := parseModule(out)
	require.NoError(t, err)
	assert.Len(t, m.bodies, 1)
	assert.Nil(t, m.names)
}

// FuzzFold: arbitrary bytes never panic, and a successful fold keeps the length (and
// so does folding its output again: chained constants fold one per pass).
func FuzzFold(f *testing.F) {
	f.Add(buildModule([]string{"pkg.kernel", "other.fn"}, cat(seqV128, seqF32, seqFar, seqNeg, seqStore), seqV128))
	f.Add(buildModule([]string{"pkg.a"}, []byte{0x02, 0x40, 0x0e, 2, 0, 0, 0, 0x0b}))
	f.Fuzz(func(t *testing.T, in []byte) {
		out, _, err := Fold(in, kernels)
		if err != nil {
			return
		}
		if len(out) != len(in) {
			t.Fatalf("fold changed the length: %d -> %d", len(in), len(out))
		}
		again, _, err := Fold(out, kernels)
		if err != nil || len(again) != len(in) {
			t.Fatalf("second fold: %v, length %d -> %d", err, len(in), len(again))
		}
		_, _ = StripNames(in)
	})
}
