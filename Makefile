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

# What more than one fragment (mk/*.mk) uses is defined here, before any is included,
# so that none depends on the order they are included in. Make 4.3's $(shell) does not
# see exported variables: GOTOOLCHAIN is passed explicitly.
GO_ROOT := $(shell GOTOOLCHAIN=$(GOTOOLCHAIN) $(GO) env GOROOT)
GOWASM_EXEC := $(GO_ROOT)/lib/wasm/go_js_wasm_exec
# wasmfold folds constant address offsets into the kernels' float/v128 loads after
# linking (internal/wasmfold; built by mk/10-go.mk). Every wasm binary we ship or test
# goes through it; mk/wasmfold-exec folds a test binary and then runs it like
# go_js_wasm_exec.
WASMFOLD := build/wasmfold
WASMFOLD_ENV := GOWASM_EXEC="$(GOWASM_EXEC)" WASMFOLD="$(abspath $(WASMFOLD))"
WASMFOLD_EXEC := $(abspath mk/wasmfold-exec)
# The module's five wasm builds and its packed weights: made by mk/30-web.mk, hashed
# into the page's asset list by mk/60-page.mk.
WEB_WASM := web/classifier.wasm web/classifier-simd.wasm web/classifier-relaxed.wasm web/classifier-tfjs.wasm web/classifier-tfjs-simd.wasm
WEB_MODEL_NAME := mobilenet_v1_0.75_224
WEB_WEIGHTS := web/weights/$(WEB_MODEL_NAME).mnw web/weights/$(WEB_MODEL_NAME).f16.mnw web/weights/$(WEB_MODEL_NAME).int8.mnw
# The current Node LTS (installed by mk/30-web.mk; test-node-lts and test-go-wasm-relaxed run it).
NODE_LTS_DIR := build/node-lts
NODE_LTS := $(NODE_LTS_DIR)/node_modules/node/bin/node
# The program that writes web/weights/index.json (mk/30-web.mk) and web/assets.json (mk/60-page.mk).
WEBINDEX_SRC := $(filter-out %_test.go,$(wildcard internal/webindex/*.go))

include $(sort $(wildcard mk/*.mk))

.PHONY: all test node_modules
all: $(BUILD_TARGETS)

test: $(TEST_TARGETS)
	@echo "make test: all suites passed"

# The lockfile's exact versions, as .ci/run and the README do.
node_modules: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@
