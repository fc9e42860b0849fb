//go:build js

package weights

import (
	"errors"
	"net/url"
)

// fetchURL is not built into js/wasm: net/http would add megabytes to every wasm
// binary that decodes weights. The browser fetches the files itself and calls
// DecodePacked or ParseTFJS.
func fetchURL(u *url.URL) ([]byte, *url.URL, error) {
	return nil, nil, errors.New("loading a URL is not supported under js/wasm: fetch the files and call DecodePacked or ParseTFJS")
}
