//go:build !linux

package kernels_test

import "time"

// threadCPUTime is unavailable here: the CPU-time metrics are then skipped.
func threadCPUTime() time.Duration { return 0 }
