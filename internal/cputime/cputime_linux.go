// Package cputime reads CPU time for benchmarks: on a shared machine, speed per CPU
// second is not diluted by other processes' load. Zero where unavailable.
package cputime

import (
	"syscall"
	"time"
	"unsafe"
)

// Thread is the calling thread's CPU time (lock the goroutine to its thread
// first). The machine is shared, so benchmarks also report speed per CPU second,
// which other processes' load does not dilute.
func Thread() time.Duration {
	var ts syscall.Timespec
	const clockThreadCPUTimeID = 3
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano())
}

// Process is the CPU time of every thread of the process: with several
// threads per inference, its growth per inference is the work done including the
// hand-off overheads, whatever else the machine runs.
func Process() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
