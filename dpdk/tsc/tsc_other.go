//go:build !amd64

package tsc

import "time"

// Read returns nanoseconds of time.Now on architectures without an amd64
// TSC; it is not comparable with dpdk.TSC there.
func Read() uint64 { return uint64(time.Now().UnixNano()) }
