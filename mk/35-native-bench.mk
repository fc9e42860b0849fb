# Native kernel and whole-model benchmarks (not part of `make test`: the machine is
# shared, so run them by hand and read medians). cpu-* metrics count only the CPU
# time the benchmark's own threads got, which other load does not inflate.
.PHONY: bench-native bench-kernels
BENCH_COUNT ?= 3

bench-native:
	GOEXPERIMENT=simd $(GO) test -run - -bench Forward -count $(BENCH_COUNT) ./core/

bench-kernels:
	GOEXPERIMENT=simd $(GO) test -run - -bench 'LayerKinds/.*/(1.00|0.75)-224' -count $(BENCH_COUNT) ./internal/kernels/
