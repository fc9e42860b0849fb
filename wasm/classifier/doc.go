// Command classifier is the MobileNet engine behind a coarse syscall/js interface for a
// Web Worker (bridge_js.go). The classify pipeline itself is internal/pipeline, the same
// one the library and the CLI run; built natively (native.go) this command runs it over
// image files and serves as the test oracle for the Node tests of the wasm build.
package main
