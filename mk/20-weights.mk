# weights/: the TF.js layers importer and the .mnw packed format. Its unit tests run in
# test-go / test-go-nosimd (mk/10-go.mk); here: the same package under js/wasm in Node
# (file loading, .mnw round trips, the real model) and a short run of the fuzzers
# (the .mnw decoder, the TF.js importer, the shard path rule).
.PHONY: test-weights-wasm test-weights-fuzz
TEST_TARGETS += test-weights-wasm test-weights-fuzz

WEIGHTS_WASM_TESTS := TestLoadRealModel|TestLoadLocal|TestPacked|TestDecodePacked|TestHalf|TestFloat32ToHalf

test-weights-wasm:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(GOWASM_EXEC)" -run '$(WEIGHTS_WASM_TESTS)' ./weights/

# -fuzzminimizetime keeps the fuzzer from spending its whole budget shrinking a large
# valid model; new inputs stay in the Go cache, crashers land in weights/testdata/fuzz.
WEIGHTS_FUZZTIME ?= 10s
test-weights-fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecodePacked$$' -fuzztime $(WEIGHTS_FUZZTIME) -fuzzminimizetime 2s -parallel 2 ./weights/
	$(GO) test -run '^$$' -fuzz '^FuzzParseTFJS$$' -fuzztime $(WEIGHTS_FUZZTIME) -fuzzminimizetime 2s -parallel 2 ./weights/
	$(GO) test -run '^$$' -fuzz '^FuzzShardPath$$' -fuzztime 5s -parallel 2 ./weights/
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeInt8$$' -fuzztime 5s -parallel 2 ./weights/mnw/

# The worker's Cache API use in headless Chromium: stored only after the model parsed,
# revalidated, replaced when the weights change, a failing cached copy dropped (~45 s).
.PHONY: test-browser-cache
TEST_TARGETS += test-browser-cache
test-browser-cache: web node_modules
	$(NODE) --test tests/browser/cache.test.mjs
