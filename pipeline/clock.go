package pipeline

import (
	"math/bits"
	"runtime"

	"wire2kafka/dpdk"
	"wire2kafka/dpdk/tsc"
)

// tscClock turns the CPU's time-stamp counter into monotonic nanoseconds
// since it was made: one RDTSC and a 64x64-bit multiply per reading
// instead of a clock_gettime per poll.
type tscClock struct {
	start uint64 // counter at creation
	mult  uint64 // ns per tick, fixed point with 32 fraction bits
}

// newTSCClock returns a clock running at the EAL's TSC frequency (on
// architectures without tsc.Read's RDTSC, tsc.Read counts nanoseconds).
func newTSCClock() tscClock {
	hz := uint64(1e9)
	if runtime.GOARCH == "amd64" {
		hz = max(dpdk.TSCHz(), 1)
	}
	return tscClock{start: tsc.Read(), mult: (uint64(1e9) << 32) / hz}
}

// ns returns the nanoseconds since the clock was made.
func (c *tscClock) ns() int64 {
	hi, lo := bits.Mul64(tsc.Read()-c.start, c.mult)
	return int64(hi<<32 | lo>>32)
}
