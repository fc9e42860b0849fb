package weights

import (
	"fmt"
	"net/url"
	"path"
	"strings"
)

// A TF.js model's shard paths come from model.json, which anyone may have written,
// so they are confined to the model's folder: relative, no scheme, no "..", no
// backslash, no other origin. checkShardPath is the rule, applied to every path of
// the manifest before anything is read or fetched; web/mobilenet-fetch.js applies
// the same rule in the browser worker.

// shardPathRule is the rule a shard path must follow, quoted in every refusal.
const shardPathRule = `shard paths must be relative to model.json, without a scheme, a leading "/", a backslash or ".." segments`

// checkShardPath returns the shard's path relative to the model's folder, with
// percent-escapes decoded (as URL resolution would), or an error naming the rule.
func checkShardPath(p string) (string, error) {
	refuse := func(why string) (string, error) {
		return "", fmt.Errorf("shard %q leaves the model's folder (%s): %s", p, why, shardPathRule)
	}
	if p == "" {
		return refuse("empty path")
	}
	// Decode first: WHATWG URL parsing treats %2e%2e as "..", and a decoded "/" or
	// "\" could form one too. Every check below runs on the decoded form.
	dec, err := url.PathUnescape(p)
	if err != nil {
		return refuse("bad percent-escape")
	}
	for _, s := range []string{p, dec} {
		switch {
		case strings.ContainsAny(s, `\`):
			return refuse("backslash")
		case strings.Contains(s, ":"):
			return refuse("has a scheme or a colon") // file:, https:, C:, data:
		case strings.HasPrefix(s, "/"):
			return refuse("absolute path") // also "//host/x", another origin
		case strings.ContainsAny(s, "?#"):
			return refuse("query or fragment")
		}
		for _, c := range s {
			if c < 0x20 || c == 0x7f {
				return refuse("control character") // URL parsers strip tabs and newlines
			}
		}
		for _, seg := range strings.Split(s, "/") {
			if seg == ".." {
				return refuse(`".." segment`)
			}
		}
	}
	clean := path.Clean(dec)
	if clean == "." || strings.HasPrefix(clean, "../") {
		return refuse("not a file inside the folder")
	}
	return clean, nil
}

// shardURL resolves a checked shard path against model.json's final URL and checks
// (again, independently of the path rule) that the result stays on model.json's
// origin and under its folder.
func shardURL(base *url.URL, p string) (*url.URL, error) {
	rel, err := checkShardPath(p)
	if err != nil {
		return nil, err
	}
	esc := base.EscapedPath()
	dirPath := esc[:strings.LastIndexByte(esc, '/')+1] // model.json's folder, ending in "/"
	if dirPath == "" {
		dirPath = "/"
	}
	u, err := base.Parse(dirPath + escapePath(rel))
	if err != nil {
		return nil, fmt.Errorf("shard %q: %w", p, err)
	}
	if u.Scheme != base.Scheme || u.Host != base.Host || !strings.HasPrefix(u.EscapedPath(), dirPath) {
		return nil, fmt.Errorf("shard %q resolves to %s, outside %s: %s", p, u, dirPath, shardPathRule)
	}
	return u, nil
}

// escapePath percent-escapes each segment of a decoded relative path.
func escapePath(rel string) string {
	segs := strings.Split(rel, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// sameOrigin reports whether a and b share scheme and host (port included).
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host)
}
