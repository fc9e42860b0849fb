package weights

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// shardPaths is the table both loaders are tested against (testdata/shardpaths.json,
// also read by tests/node/hostile.test.mjs): paths a hostile model.json might list,
// none of which may leave the model's folder (file: URLs, absolute paths, "..", other
// hosts), and ordinary ones with the file each names.
var shardPaths = func() (t struct {
	Refused  []string
	Accepted map[string]string
}) {
	data, err := os.ReadFile("testdata/shardpaths.json")
	if err == nil {
		err = json.Unmarshal(data, &t)
	}
	if err != nil || len(t.Refused) == 0 {
		panic(fmt.Sprintf("testdata/shardpaths.json: %v", err))
	}
	return t
}()

var hostilePaths = shardPaths.Refused

func TestShardPathRule(t *testing.T) {
	for _, p := range hostilePaths {
		_, err := checkShardPath(p)
		if err == nil {
			t.Errorf("%q accepted", p)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, fmt.Sprintf("shard %q", p)) || !strings.Contains(msg, shardPathRule) {
			t.Errorf("%q: message does not name the shard and the rule: %s", p, msg)
		}
	}
	for p, want := range shardPaths.Accepted {
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
