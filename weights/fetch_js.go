//go:build js

package weights

import (
	"errors"
	"net/url"
)

// URLs are not loaded under js/wasm: net/http would add megabytes to every wasm
// binary that decodes weights. The browser fetches the files itself (with the same
// bounds and path rule, web/mobilenet-fetch.js) and calls DecodePacked or ParseTFJS.
var errNoURLs = errors.New("loading a URL is not supported under js/wasm: fetch the files and call DecodePacked or ParseTFJS")

func fetchModelFile(u *url.URL) ([]byte, *url.URL, error) { return nil, nil, errNoURLs }

func fetchShard(u, origin *url.URL, maxBytes int) ([]byte, error) { return nil, errNoURLs }
