package weights

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

// hostilePaths are shard paths a hostile model.json might list; none may leave the
// model's folder (issue 10: file: URLs, absolute paths, "..", other hosts).
var hostilePaths = []string{
	"file:///dev/zero", "file:///etc/passwd", "/abs/path", "../../outside/x", "../x", "a/../../x",
	"http://127.0.0.1:1/x", "https://example.com/w", "//example.com/w", "///x", `..\x`, `a\b`,
	"%2e%2e/x", "%2E%2e/x", ".%2e/x", "a/%2e%2e/%2e%2e/x", "a%2f..%2f..%2fx", "%2fetc%2fpasswd",
	"C:x", "c:/x", "data:,x", "javascript:x", "..", ".", "", "a/..", "x?y", "x#y", "a\tb", "a\n/../../x",
	"%", "%zz", "%00",
}

func TestShardPathRule(t *testing.T) {
	for _, p := range hostilePaths {
		_, err := checkShardPath(p)
		if err == nil {
			t.Errorf("%q accepted", p)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, fmt.Sprintf("shard %q", p)) || !strings.Contains(msg, ShardPathRule) {
			t.Errorf("%q: message does not name the shard and the rule: %s", p, msg)
		}
	}
	for p, want := range map[string]string{
		"group1-shard1of1": "group1-shard1of1", "sub/dir/x.bin": "sub/dir/x.bin", "./x": "x",
		"group1-shard1of1.3f9a0c.bin": "group1-shard1of1.3f9a0c.bin", "a%20b": "a b", "a//b": "a/b", "..x": "..x",
	} {
		if got, err := checkShardPath(p); err != nil || got != want {
			t.Errorf("%q: got %q, %v; want %q", p, got, err, want)
		}
	}
}

// checkConfined asserts what the rule promises for any path it accepts: the local
// file is inside the model directory and the URL is on model.json's origin, under its
// folder (including a versioned model.json URL).
func checkConfined(t *testing.T, p string) {
	rel, err := checkShardPath(p)
	if err != nil {
		return
	}
	if !filepath.IsLocal(filepath.FromSlash(rel)) {
		t.Fatalf("%q accepted as %q, which is not local", p, rel)
	}
	for _, b := range []string{"http://h:8/m/model.json?v=abc", "https://h/model.json", "http://h/a/b/model.3f9a.json"} {
		base, _ := url.Parse(b)
		u, err := shardURL(base, p)
		if err != nil {
			t.Fatalf("%q accepted by the rule but not resolvable against %s: %v", p, b, err)
		}
		dir := b[:strings.LastIndex(b, "/")+1]
		if !strings.HasPrefix(u.String(), dir) || u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("%q against %s resolves to %s, outside %s", p, b, u, dir)
		}
	}
}

// FuzzShardPath: whatever the path, an accepted one stays inside the folder (run by
// make test-weights-fuzz; the seeds run in every go test).
func FuzzShardPath(f *testing.F) {
	for _, p := range hostilePaths {
		f.Add(p)
	}
	f.Add("group1-shard1of1")
	f.Fuzz(checkConfined)
}
