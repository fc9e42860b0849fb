//go:build !js

package weights

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/mobilenet-go/mobilenet/internal/limits"
)

// httpClient bounds a whole download, so a trickling server cannot hang Load; a
// server that stops sending is cut off sooner, after stallTimeout without a byte.
var httpClient = &http.Client{Timeout: 5 * time.Minute}

// stallTimeout aborts a download that delivers no byte for this long (tests shorten it).
var stallTimeout = time.Duration(limits.StallTimeoutMs) * time.Millisecond

// fetchModelFile GETs a .mnw or model.json, bounded by its format, and returns the
// body and the final URL after redirects, against which shard paths resolve.
func fetchModelFile(u *url.URL) ([]byte, *url.URL, error) {
	var data []byte
	final, err := get(u, nil, func(body io.Reader, length int64) (err error) {
		data, err = readModelFile(body, length, "GET "+u.String())
		return err
	})
	return data, final, err
}

// fetchShard GETs one shard of at most maxBytes; redirects may not leave origin's
// origin (the shard path rule already keeps the URL itself there).
func fetchShard(u, origin *url.URL, maxBytes int) ([]byte, error) {
	var data []byte
	_, err := get(u, origin, func(body io.Reader, length int64) (err error) {
		data, err = readShard(body, length, maxBytes, "GET "+u.String())
		return err
	})
	return data, err
}

func get(u, origin *url.URL, read func(io.Reader, int64) error) (*url.URL, error) {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	client := httpClient
	if origin != nil {
		c := *httpClient
		c.CheckRedirect = func(r *http.Request, via []*http.Request) error {
			if !sameOrigin(r.URL, origin) {
				return fmt.Errorf("redirected to %s, another origin than the model's: %s", r.URL, shardPathRule)
			}
			if len(via) >= 10 {
				return errors.New("stopped after 10 redirects")
			}
			return nil
		}
		client = &c
	}
	stall := newStallTimer(cancel, u)
	defer stall.stop()
	resp, err := client.Do(req)
	if err != nil {
		if c := context.Cause(ctx); c != nil && !errors.Is(c, context.Canceled) {
			return nil, c
		}
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP status %s", u, resp.Status)
	}
	stall.reset()
	if err := read(&stallReader{r: resp.Body, t: stall}, resp.ContentLength); err != nil {
		if c := context.Cause(ctx); c != nil && !errors.Is(c, context.Canceled) {
			return nil, c
		}
		return nil, err
	}
	return resp.Request.URL, nil
}

// errStalled is the cause of a download cut off for sending nothing for too long.
var errStalled = errors.New("stalled")

// stallTimer cancels a request when reset is not called for stallTimeout.
type stallTimer struct {
	mu sync.Mutex
	t  *time.Timer
}

func newStallTimer(cancel context.CancelCauseFunc, u *url.URL) *stallTimer {
	d := stallTimeout
	return &stallTimer{t: time.AfterFunc(d, func() {
		cancel(fmt.Errorf("GET %s: %w: no data for %v", u, errStalled, d))
	})}
}

func (s *stallTimer) reset() { s.mu.Lock(); s.t.Reset(stallTimeout); s.mu.Unlock() }
func (s *stallTimer) stop()  { s.mu.Lock(); s.t.Stop(); s.mu.Unlock() }

type stallReader struct {
	r io.Reader
	t *stallTimer
}

func (s *stallReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 {
		s.t.reset()
	}
	return n, err
}
