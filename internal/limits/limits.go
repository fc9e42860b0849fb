// Package limits is the one table of bounds on untrusted input (images, model files,
// downloads) that the Go loaders, the CLI and the browser worker share. The JS side
// reads web/mobilenet-limits.js, generated from this file by `go generate
// ./internal/limits` and checked by TestJSModuleUpToDate.
package limits

//go:generate go run gen.go

// Each bound is the largest legitimate input plus headroom, so a hostile file is
// refused after reading at most this much, never after buffering all of it.
const (
	// MaxPixels bounds any image (encoded, raw RGBA frame, element, bitmap) before a
	// pixel buffer is made: 40 megapixels are ~160 MB of RGBA.
	MaxPixels = 40_000_000

	// MaxModelJSONBytes bounds a TF.js model.json: MobileNet v1's is ~50 KB.
	MaxModelJSONBytes = 1 << 20

	// MaxMnwBytes bounds a .mnw file: alpha 1.0 in float32 is ~17 MB. A download is
	// further bounded by the exact size its 24-byte header and layer table imply.
	MaxMnwBytes = 32 << 20

	// MaxShardBytes bounds one weight shard; a download is further bounded by what
	// the manifest declares for the shard's group.
	MaxShardBytes = 32 << 20

	// MaxWeightsBytes bounds the sum of all shards a manifest declares (alpha 1.0 in
	// float32, BatchNorm included, is ~17 MB).
	MaxWeightsBytes = 32 << 20

	// MaxShards bounds the number of shard files a manifest may name (the published
	// alpha 0.75 model has 55).
	MaxShards = 1024

	// StallTimeoutMs aborts a download that delivers no byte for this long.
	StallTimeoutMs = 30_000
)

// table lists the constants in the order and under the names the JS module exports.
var table = []struct {
	name  string
	value int64
}{
	{"maxPixels", MaxPixels},
	{"maxModelJSONBytes", MaxModelJSONBytes},
	{"maxMnwBytes", MaxMnwBytes},
	{"maxShardBytes", MaxShardBytes},
	{"maxWeightsBytes", MaxWeightsBytes},
	{"maxShards", MaxShards},
	{"stallTimeoutMs", StallTimeoutMs},
}
