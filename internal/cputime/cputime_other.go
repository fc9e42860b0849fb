//go:build !linux

package cputime

import "time"

// Thread is unavailable here: the CPU-time metrics are then skipped.
func Thread() time.Duration { return 0 }

// Process is unavailable here: the CPU-time metrics are then skipped.
func Process() time.Duration { return 0 }
