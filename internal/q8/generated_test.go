package q8

import (
	"testing"

	"github.com/mobilenet-go/mobilenet/internal/gentest"
)

// TestGeneratedAsmUpToDate regenerates the wasm assembly and compares: an edit to
// gen_asm.go must come with `go generate ./internal/q8`.
func TestGeneratedAsmUpToDate(t *testing.T) {
	gentest.Check(t, "gen_asm.go", func(dir string) []string { return []string{"-dir", dir} },
		"pointwise_wasm.s", "pwrow_wasm.s", "pwlogits_wasm.s", "depthwise_wasm.s", "pwrelaxed_wasm.s",
		"pwvnni_amd64.s", "pwvnni_shape_amd64.go")
}
