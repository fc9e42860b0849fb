# MobileNet v1 in Go. `make run` builds everything and serves the page;
# `make test` runs every test (Go natively with and without SIMD, Go under js/wasm,
# the TF.js oracle, Node and headless-Chromium tests).
export GOTOOLCHAIN := go1.27.3
GO ?= go
NODE ?= node

# Where the weights come from: a local TF.js layers model directory (for example
# ../shared/models/mobilenet_v1_0.75_224) or, when unset, the public URL.
TFJS_MODEL_DIR ?= $(wildcard ../shared/models/mobilenet_v1_0.75_224)
SHARED ?= $(abspath ../shared)
export SHARED

.DEFAULT_GOAL := all
TEST_TARGETS :=
BUILD_TARGETS :=

include $(sort $(wildcard mk/*.mk))

.PHONY: all test node_modules
all: $(BUILD_TARGETS)

test: $(TEST_TARGETS)
	@echo "make test: all suites passed"

node_modules: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json
	npm install --no-audit --no-fund
	@touch $@
