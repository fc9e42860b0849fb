package weights

import (
	"io"

	"github.com/mobilenet-go/mobilenet/core"
	"github.com/mobilenet-go/mobilenet/weights/mnw"
)

// The .mnw format lives in package mnw (no JSON or networking, for small wasm builds);
// these are its entry points under the names the rest of the project uses.

// EncodePacked writes wt as a .mnw file, float16 storage when f16 is set.
func EncodePacked(w io.Writer, wt *core.Weights, f16 bool) error { return mnw.Encode(w, wt, f16) }

// DecodePacked reads and fully validates a .mnw file.
func DecodePacked(data []byte) (*core.Weights, error) { return mnw.Decode(data) }

var (
	kernelShape = mnw.KernelShape
	paramLayers = mnw.ParamLayers
)
