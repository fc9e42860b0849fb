//go:build !linux

package core

import "time"

// threadCPUTime is unavailable here: the CPU-time metrics are then skipped.
func threadCPUTime() time.Duration { return 0 }

// processCPUTime is unavailable here: the CPU-time metrics are then skipped.
func processCPUTime() time.Duration { return 0 }
