package kernels_test

import (
	"syscall"
	"time"
	"unsafe"
)

// threadCPUTime is the calling thread's CPU time (lock the goroutine to its thread
// first). The machine is shared, so benchmarks also report speed per CPU second,
// which other processes' load does not dilute.
func threadCPUTime() time.Duration {
	var ts syscall.Timespec
	const clockThreadCPUTimeID = 3
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano())
}
