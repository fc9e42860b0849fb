# The embeddable module: wasm/classifier built twice (plain and GOEXPERIMENT=simd),
# wasm_exec.js from the same GOROOT, packed weights + index.json, and the Node and
# headless-Chromium tests of web/mobilenet.js.
# Every package wasm/classifier links (GOOS=js GOARCH=wasm go list -deps ./wasm/classifier)
# lies under these folders; all of internal/, so a new internal package cannot be missed.
WEB_GO_SRC := go.mod $(shell find core internal weights wasm/classifier -name '*.go' -not -name '*_test.go' 2>/dev/null)
# Linked with the function names (no -s) for wasmfold, which drops them afterwards.
# Each is linked to $@.linked first: go build skips relinking a target whose build
# ID is current, and a folded, stripped file would still carry that ID.
WEB_WASM_FLAGS := -trimpath -ldflags=-w
WEB_FOLD := $(WASMFOLD) -strip-names
# WEB_WASM, WEB_MODEL_NAME and WEB_WEIGHTS are defined in the Makefile (the page's
# asset list hashes them too).
WEB_MODEL_SRC := $(if $(TFJS_MODEL_DIR),$(TFJS_MODEL_DIR),https://storage.googleapis.com/tfjs-models/tfjs/$(WEB_MODEL_NAME)/model.json)

.PHONY: web web-sizes test-node test-browser-embed test-browser-threads
BUILD_TARGETS += web
TEST_TARGETS += test-node test-browser-embed test-browser-threads

web: $(WEB_WASM) web/wasm_exec.js web/weights/index.json

# One rule for the five builds, its variant in the name: -simd builds with
# GOEXPERIMENT=simd (the 128-bit kernels), -tfjs with the TF.js importer (a third of
# the size; the module loads those only for model.json models), -relaxed is -simd
# plus the relaxed-SIMD int8 pointwise kernel (internal/q8, -tags relaxed; the module
# loads it for precision 'int8' where a probe runs relaxed SIMD exactly).
comma := ,
web_wasm_tags = $(subst $() ,$(comma),$(strip $(if $(findstring -tfjs,$1),tfjs) $(if $(findstring -relaxed,$1),relaxed)))
$(WEB_WASM): web/classifier%.wasm: $(WEB_GO_SRC) $(WASMFOLD)
	$(if $(findstring -simd,$*)$(findstring -relaxed,$*),GOEXPERIMENT=simd )GOOS=js GOARCH=wasm $(GO) build $(if $(call web_wasm_tags,$*),-tags $(call web_wasm_tags,$*) )$(WEB_WASM_FLAGS) -o $@.linked ./wasm/classifier
	$(WEB_FOLD) $@.linked && mv $@.linked $@

web/wasm_exec.js: $(GO_ROOT)/lib/wasm/wasm_exec.js
	cp $< $@ && chmod 644 $@

web/weights/$(WEB_MODEL_NAME).mnw:
	@mkdir -p $(@D)
	$(GO) run ./cmd/mobilenet import -from $(WEB_MODEL_SRC) -o $@

web/weights/$(WEB_MODEL_NAME).f16.mnw:
	@mkdir -p $(@D)
	$(GO) run ./cmd/mobilenet import -from $(WEB_MODEL_SRC) -o $@ -f16

# Per-channel int8 (internal/q8), a quarter of the f32 file; load() runs it as int8.
web/weights/$(WEB_MODEL_NAME).int8.mnw:
	@mkdir -p $(@D)
	$(GO) run ./cmd/mobilenet import -from $(WEB_MODEL_SRC) -o $@ -precision int8

# index.json lists the packed models present (alpha and size from their names), so the
# page can offer them; sha256 versions the page's weight URLs (internal/webindex).
web/weights/index.json: $(WEB_WEIGHTS) $(wildcard web/weights/mobilenet_v1_*.mnw) $(WEBINDEX_SRC)
	$(GO) run ./internal/webindex weights web/weights > $@.tmp && mv $@.tmp $@
	@cat $@

# Raw and gzipped sizes of what a page downloads.
web-sizes: web
	@for f in $(WEB_WASM) web/wasm_exec.js web/mobilenet.js web/mobilenet-core.js web/mobilenet-worker.js \
	  web/mobilenet-fetch.js web/mobilenet-limits.js web/mobilenet-pixels.js web/mobilenet-team.js $(WEB_WEIGHTS); do \
	  printf '%-45s %10d bytes raw %10d gzipped\n' $$f $$(wc -c < $$f) $$(gzip -9c $$f | wc -c); done

test-node: web node_modules
	GOOS=js GOARCH=wasm $(GO) vet -tags tfjs ./wasm/classifier/
	$(GO) test -count=1 ./wasm/classifier/
	$(NODE) --test tests/node/

test-browser-embed: web node_modules
	$(NODE) --test tests/browser/embed.test.mjs

# load({threads}) in Chromium, isolated (serve.go: SharedArrayBuffer) and not (MessageChannel).
test-browser-threads: web node_modules
	$(NODE) --test tests/browser/threads.test.mjs

# The npm package: web/ is its source (the page and tests use the same files);
# web/package/ holds its package.json, README and LICENSE. `make pack` stages the
# shipped files in build/npm-stage/ and leaves exactly one tarball in build/npm/.
PACK_FILES := web/mobilenet.js web/mobilenet-node.js web/mobilenet-core.js web/mobilenet-worker.js \
  web/mobilenet-worker-node.js web/mobilenet-fetch.js web/mobilenet-limits.js web/mobilenet-pixels.js web/mobilenet-team.js web/mobilenet.d.ts \
  web/wasm_exec.js $(WEB_WASM) web/package/package.json web/package/README.md web/package/LICENSE
PACK_STAGE := build/npm-stage

.PHONY: pack test-pack test-bundlers test-cdn test-node-lts
TEST_TARGETS += test-pack test-bundlers test-cdn test-node-lts

pack: $(PACK_FILES)
	rm -rf $(PACK_STAGE) build/npm && mkdir -p $(PACK_STAGE) build/npm
	cp $(filter-out web/package/%,$(PACK_FILES)) web/package/package.json web/package/README.md web/package/LICENSE $(PACK_STAGE)/
	cd $(PACK_STAGE) && npm pack --json --pack-destination ../npm > pack.json
	@$(NODE) -e 'const [p] = JSON.parse(require("fs").readFileSync("$(PACK_STAGE)/pack.json")); console.log(`build/npm/$${p.filename}: $${p.entryCount} files, $${p.size} bytes packed, $${p.unpackedSize} unpacked`)'
	@for f in $(WEB_WASM); do printf '%-32s %9d bytes, %9d gzipped\n' $$f $$(wc -c < $$f) $$(gzip -9c $$f | wc -c); done

# The tarball's contents; the package's types checked by tsc from a consumer.
test-pack: pack node_modules
	$(NODE) --test tests/package/package.test.mjs

# Vite, webpack and esbuild apps built from the tarball, classifying in Chromium.
test-bundlers: pack node_modules
	$(NODE) --test tests/browser/bundlers.test.mjs

# The module imported from another origin (a CDN), the page on a plain host.
test-cdn: web node_modules
	$(NODE) --test tests/browser/cdn.test.mjs

# The current Node LTS, installed from the npm registry as the `node` package (its
# binary ships inside it), runs the Node tests too. If it cannot be installed, say so
# and skip: Node 20 (the minimum) already ran them.
$(NODE_LTS):
	@mkdir -p $(NODE_LTS_DIR)
	npm install --prefix $(NODE_LTS_DIR) --no-audit --no-fund --no-save node@26 || true

test-node-lts: web node_modules $(NODE_LTS)
	@if [ -x $(NODE_LTS) ]; then echo "Node LTS: $$($(NODE_LTS) --version)"; $(NODE_LTS) --test tests/node/; \
	else echo "test-node-lts: SKIPPED: node@26 (the current LTS) did not install from the npm registry into $(NODE_LTS_DIR)"; fi
