//go:build !js

package weights

import (
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// httpClient bounds a whole download, so a stalling server cannot hang Load.
var httpClient = &http.Client{Timeout: 5 * time.Minute}

// fetchURL GETs u (at most MaxFileBytes) and returns the body and the final URL
// after redirects, against which relative shard paths resolve.
func fetchURL(u *url.URL) ([]byte, *url.URL, error) {
	resp, err := httpClient.Get(u.String())
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("GET %s: HTTP status %s", u, resp.Status)
	}
	data, err := readLimited(resp.Body, resp.ContentLength, "GET "+u.String())
	if err != nil {
		return nil, nil, err
	}
	return data, resp.Request.URL, nil
}
