package weights

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/mobilenet-go/mobilenet/internal/limits"
	"github.com/mobilenet-go/mobilenet/weights/mnw"
)

// Every read of a model file is bounded by the size its format implies, so a hostile
// file or server is refused after at most that many bytes, never after buffering all
// of it: a .mnw by its own header (at most limits.MaxMnwBytes), a model.json by
// limits.MaxModelJSONBytes, a shard by the bytes its manifest group still needs.

// errTooBig marks refusals by size (errors.Is), so callers can tell them apart.
var errTooBig = errors.New("too large")

func tooBig(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errTooBig, fmt.Sprintf(format, args...))
}

// readModelFile reads a .mnw or a model.json from r, bounded by its format; sizeHint is
// the file size or Content-Length (-1 if unknown) and refuses early.
func readModelFile(r io.Reader, sizeHint int64, what string) ([]byte, error) {
	if sizeHint > limits.MaxMnwBytes {
		return nil, tooBig("%s is %d bytes, more than a model file may be (%d)", what, sizeHint, limits.MaxMnwBytes)
	}
	head := make([]byte, mnw.HeaderLen)
	n, err := io.ReadFull(r, head)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return head[:n], nil // too short for either format: decode says why
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	if !mnw.Is(head) {
		if sizeHint > limits.MaxModelJSONBytes {
			return nil, tooBig("%s is %d bytes, more than a model.json may be (%d)", what, sizeHint, limits.MaxModelJSONBytes)
		}
		data, err := readRest(head, r, limits.MaxModelJSONBytes, what)
		if err != nil {
			return nil, err
		}
		if len(data) > limits.MaxModelJSONBytes {
			return nil, tooBig("%s is larger than a model.json may be (%d bytes) and is not a .mnw file", what, limits.MaxModelJSONBytes)
		}
		return data, nil
	}
	tl, err := mnw.TableLen(head)
	if err != nil {
		return nil, fmt.Errorf("%s: .mnw header: %w", what, err)
	}
	table, err := readRest(head, r, tl-1, what) // exactly tl bytes, or fewer if truncated
	if err != nil || len(table) < tl {
		return table, err
	}
	size, err := mnw.FileSize(table)
	if err != nil {
		return nil, fmt.Errorf("%s: .mnw header: %w", what, err)
	}
	if size > limits.MaxMnwBytes {
		return nil, tooBig("%s: its .mnw header implies %d bytes, more than the %d-byte limit", what, size, limits.MaxMnwBytes)
	}
	if sizeHint > size {
		return nil, tooBig("%s is %d bytes, but its .mnw header implies %d", what, sizeHint, size)
	}
	// One byte past the implied size lets the decoder report trailing garbage.
	return readRest(table, r, int(size), what)
}

// readRest appends r to have, reading at most limit+1 bytes in all, so a caller sees
// len > limit when the input goes on past the bound.
func readRest(have []byte, r io.Reader, limit int, what string) ([]byte, error) {
	buf := bytes.NewBuffer(make([]byte, 0, min(limit+1, 1<<20)))
	buf.Write(have)
	if _, err := buf.ReadFrom(io.LimitReader(r, int64(limit+1-len(have)))); err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	return buf.Bytes(), nil
}

// readShard reads one weight shard of at most limit bytes (what its manifest group
// still needs, itself at most limits.MaxShardBytes).
func readShard(r io.Reader, sizeHint int64, limit int, what string) ([]byte, error) {
	limit = min(limit, limits.MaxShardBytes)
	if sizeHint > int64(limit) {
		return nil, tooBig("%s is %d bytes, more than the %d its manifest group has left", what, sizeHint, limit)
	}
	buf := bytes.NewBuffer(make([]byte, 0, max(sizeHint, 0)+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(r, int64(limit)+1)); err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	if buf.Len() > limit {
		return nil, tooBig("%s holds more than the %d bytes its manifest group has left (corrupt or mismatched model.json)", what, limit)
	}
	return buf.Bytes(), nil
}
