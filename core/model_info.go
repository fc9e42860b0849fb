package core

import "github.com/mobilenet-go/mobilenet/internal/kernels"

// Kernels names the kernel set the model runs on: "generic", "avx2", "avx512",
// "wasm-simd", ...
func (m *Model) Kernels() string { return kernels.Active().Name }

// MultAdds and Params total the model's layer table.
func (m *Model) MultAdds() int64 { ma, _ := Totals(m.Layers); return ma }

// Params: see MultAdds.
func (m *Model) Params() int64 { _, p := Totals(m.Layers); return p }
