# The live page: serve.go, web/index.html + app.js, the ebiten HUD (web/overlay.wasm)
# and their tests (serve.go's Go tests, the HUD's logic and glyphs natively, headless
# Chromium driving the page with a fake webcam, with and without WebGL, and Firefox ESR
# driving the page and the embed example; the service worker offline).
.PHONY: overlay run test-page-go test-browser-page test-browser-firefox test-browser-offline
BUILD_TARGETS += web/overlay.wasm web/assets.json
TEST_TARGETS += test-page-go test-browser-page test-browser-firefox test-browser-offline

OVERLAY_SRC := $(wildcard wasm/overlay/*.go wasm/overlay/hud/*.go) go.mod go.sum

overlay: web/overlay.wasm
web/overlay.wasm: $(OVERLAY_SRC)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $@ ./wasm/overlay
	@touch $@ # go build leaves an up-to-date binary untouched; make compares times

# assets.json: every file of the page with 16 hex digits of its SHA-256, for the
# service worker (web/sw.js), which caches each file under its content hash.
PAGE_ASSETS = $(sort $(filter-out web/sw.js web/assets.json,$(wildcard web/*.html web/*.js web/*.css)) \
  $(WEB_WASM) web/overlay.wasm web/wasm_exec.js $(WEB_WEIGHTS) $(wildcard web/weights/*.mnw) web/weights/index.json)
web/assets.json: $(PAGE_ASSETS) $(WEBINDEX_SRC)
	@$(GO) run ./internal/webindex assets web $(PAGE_ASSETS:web/%=%) > $@.tmp && mv $@.tmp $@

# `make run`: build everything, then serve web/ (ctrl-C stops it).
run: all
	$(GO) run serve.go -dir web

# serve.go is build-ignored (the module root is the library): its tests run by file name.
test-page-go:
	$(GO) test -count=1 serve.go serve_test.go
	$(GO) test -count=1 ./wasm/overlay/hud/

test-browser-page: all node_modules
	SHARED="$(SHARED)" $(NODE) --test --test-concurrency=1 tests/browser/page.test.mjs

test-browser-firefox: all node_modules
	SHARED="$(SHARED)" $(NODE) --test --test-concurrency=1 tests/browser/firefox.test.mjs

test-browser-offline: all node_modules
	SHARED="$(SHARED)" $(NODE) --test --test-concurrency=1 tests/browser/offline.test.mjs
