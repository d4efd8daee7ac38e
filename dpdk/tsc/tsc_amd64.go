package tsc

// Read returns the time-stamp counter (RDTSC, not serialising, like
// rte_rdtsc). It does not allocate and is safe from any goroutine.
func Read() uint64
