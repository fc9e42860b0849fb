# The TF.js oracle: our engine against TensorFlow.js 4.22 (the published layers model
# on 50 shared photos, and TF.js-op networks with seeded random weights at other
# widths), on identical input tensors. Needs node_modules (`npm ci`).
.PHONY: test-oracle
TEST_TARGETS += test-oracle

test-oracle: node_modules
	SHARED="$(SHARED)" TFJS_MODEL_DIR="$(abspath $(TFJS_MODEL_DIR))" NODE="$(NODE)" \
		GOEXPERIMENT=simd $(GO) test -count=1 -timeout 15m -v ./tests/oracle/
