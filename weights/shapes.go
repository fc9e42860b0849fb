package weights

import (
	"fmt"

	"github.com/mobilenet-go/mobilenet/core"
)

// standardAlpha maps conv1's output channel count to the width multipliers Google
// published MobileNet v1 with (int(32*alpha) channels).
func standardAlpha(conv1Out int) (float64, error) {
	for _, a := range []float64{0.25, 0.5, 0.75, 1.0} {
		if core.Channels(32, a) == conv1Out {
			return a, nil
		}
	}
	return 0, fmt.Errorf("conv1 has %d output channels; MobileNet v1 has 8, 16, 24 or 32 (alpha 0.25, 0.5, 0.75, 1.0)", conv1Out)
}
