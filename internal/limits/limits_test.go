package limits

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestJSModuleUpToDate compares web/mobilenet-limits.js with the table: an edit to
// limits.go must come with `go generate ./internal/limits`.
func TestJSModuleUpToDate(t *testing.T) {
	got, err := os.ReadFile("../../web/mobilenet-limits.js")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != JSModule() {
		t.Fatal("web/mobilenet-limits.js is stale: run go generate ./internal/limits")
	}
}

// TestJSModuleShape checks the contract the JS side relies on: one frozen LIMITS
// export, no imports, every key present.
func TestJSModuleShape(t *testing.T) {
	js := JSModule()
	if strings.Contains(js, "import") {
		t.Fatal("the limits module must have no imports")
	}
	for _, key := range []string{"maxPixels", "maxModelJSONBytes", "maxMnwBytes", "maxShardBytes", "maxShards", "stallTimeoutMs"} {
		if !regexp.MustCompile(`\n  ` + key + `: [0-9_]+,\n`).MatchString(js) {
			t.Errorf("key %s missing from\n%s", key, js)
		}
	}
	if !strings.Contains(js, "maxPixels: 40_000_000,") {
		t.Errorf("maxPixels rendered wrongly:\n%s", js)
	}
}
