# The Go engine: unit tests natively (with and without the SIMD experiment) and
# under js/wasm in Node, with the kernels' references as the oracle.
GOWASM_EXEC := $(shell GOTOOLCHAIN=go1.27.3 go env GOROOT)/lib/wasm/go_js_wasm_exec

.PHONY: test-go test-go-nosimd test-go-wasm vet
TEST_TARGETS += vet test-go test-go-nosimd test-go-wasm

vet:
	GOEXPERIMENT=simd $(GO) vet ./...

test-go:
	GOEXPERIMENT=simd $(GO) test -count=1 ./core/... ./weights/... ./cmd/...

test-go-nosimd:
	$(GO) test -count=1 ./core/... ./weights/...

test-go-wasm:
	GOEXPERIMENT=simd GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(GOWASM_EXEC)" ./core/...
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(GOWASM_EXEC)" ./core/kernels/

# The native CLI, with the SIMD kernels (a plain `go run ./cmd/mobilenet` without
# GOEXPERIMENT=simd runs the reference kernels, ~20x slower).
.PHONY: cli
BUILD_TARGETS += cli
cli:
	GOEXPERIMENT=simd $(GO) build -o build/mobilenet ./cmd/mobilenet
