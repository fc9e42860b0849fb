# `make bench` (not part of `make test`): every engine (ours native f32 and int8 with 1
# and all threads / wasm in Node / wasm-simd in a Chromium Worker, f32 and int8 on dot16
# and relaxed SIMD; TF.js wasm in Chromium with 1 and all threads, in Node, and TF.js cpu) on MobileNet 1.0-224, 0.75-224 (real weights), 0.5-160 and
# 0.25-128, a per-layer-type profile and the web/mobilenet.js stream throughput.
# One table on stdout and in bench/RESULTS.md. BENCH_RUNS_SCALE=0.3 for a quick look.
.PHONY: bench bench-live bench-int8
bench: node_modules web
	TFJS_MODEL_DIR="$(abspath $(TFJS_MODEL_DIR))" GO="$(GO)" $(NODE) bench/run.mjs
	$(MAKE) bench-live

# The live page itself under a fake camera (bench/live.mjs): results/s, p50/p95 per
# stage, dropped frames, first-visit bytes and time to the first camera prediction;
# written to the live sections of bench/RESULTS.md and README.md.
# LIVE_ROUNDS (default 3) and LIVE_SECONDS (default 10) trade time for steadier figures.
bench-live: all node_modules
	SHARED="$(SHARED)" GO="$(GO)" $(NODE) bench/live.mjs

# The quick int8-only run: int8 (internal/q8) beside our f32 and TF.js wasm SIMD x1, all
# in Chromium Workers on the same page (its int8 rows named as make bench's, bench/int8_variants.mjs), with per-layer-type profiles (bench/int8.mjs; Markdown on stdout).
bench-int8: node_modules
	TFJS_MODEL_DIR="$(abspath $(TFJS_MODEL_DIR))" GO="$(GO)" $(NODE) bench/int8.mjs
