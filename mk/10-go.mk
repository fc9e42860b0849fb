# The Go engine: unit tests natively (with and without the SIMD experiment) and
# under js/wasm in Node, with the kernels' references as the oracle.
# wasmfold (WASMFOLD, defined in the Makefile with GOWASM_EXEC):
$(WASMFOLD): go.mod $(wildcard internal/wasmfold/*.go cmd/wasmfold/*.go)
	$(GO) build -o $@ ./cmd/wasmfold

.PHONY: test-go test-go-nosimd test-go-wasm vet
TEST_TARGETS += vet test-go test-go-nosimd test-go-wasm

vet:
	GOEXPERIMENT=simd $(GO) vet ./...

# "." is the library (the module root); its tests include running README.md's Go program.
test-go:
	GOEXPERIMENT=simd $(GO) test -count=1 . ./core/... ./weights/... ./cmd/... ./internal/...

# -short skips the README program there (test-go runs it, with SIMD as it says).
test-go-nosimd:
	$(GO) test -count=1 ./core/... ./internal/kernels/ ./internal/q8/ ./weights/... ./internal/pipeline/
	$(GO) test -count=1 -short .

test-go-wasm: $(WASMFOLD)
	$(WASMFOLD_ENV) GOEXPERIMENT=simd GOOS=js GOARCH=wasm $(GO) test -count=1 -ldflags=-s=false -exec="$(WASMFOLD_EXEC)" . ./core/... ./internal/kernels/ ./internal/q8/ ./internal/pipeline/
	$(WASMFOLD_ENV) GOOS=js GOARCH=wasm $(GO) test -count=1 -ldflags=-s=false -exec="$(WASMFOLD_EXEC)" ./internal/kernels/ ./internal/q8/

# The relaxed-SIMD int8 kernel (-tags relaxed) against its reference: Node 20 rejects
# relaxed SIMD without a flag (and with it computes the 7-bit dot product differently),
# so the current Node LTS runs it, first on PATH for go_js_wasm_exec; Chromium runs it
# in test-browser-embed. The row-band tests run with it too (int8 threads use it).
.PHONY: test-go-wasm-relaxed
TEST_TARGETS += test-go-wasm-relaxed
test-go-wasm-relaxed: $(WASMFOLD) $(NODE_LTS)
	@if [ -x $(NODE_LTS) ]; then PATH="$(abspath $(dir $(NODE_LTS))):$$PATH" $(WASMFOLD_ENV) GOEXPERIMENT=simd GOOS=js GOARCH=wasm \
	  $(GO) test -count=1 -tags relaxed -ldflags=-s=false -exec="$(WASMFOLD_EXEC)" ./internal/q8/ && \
	  PATH="$(abspath $(dir $(NODE_LTS))):$$PATH" $(WASMFOLD_ENV) GOEXPERIMENT=simd GOOS=js GOARCH=wasm \
	  $(GO) test -count=1 -tags relaxed -ldflags=-s=false -exec="$(WASMFOLD_EXEC)" -run Bands ./internal/pipeline/; \
	else echo "test-go-wasm-relaxed: SKIPPED: no Node LTS at $(NODE_LTS) (see test-node-lts)"; fi

# The native CLI, with the SIMD kernels (a plain `go run ./cmd/mobilenet` without
# GOEXPERIMENT=simd runs the reference kernels, ~20x slower).
.PHONY: cli
BUILD_TARGETS += cli
cli:
	GOEXPERIMENT=simd $(GO) build -o build/mobilenet ./cmd/mobilenet

# A short run of the post-link fold's fuzzer (its seeds also run in test-go).
.PHONY: test-wasmfold-fuzz
TEST_TARGETS += test-wasmfold-fuzz
test-wasmfold-fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzFold$$' -fuzztime 10s -parallel 2 ./internal/wasmfold/
