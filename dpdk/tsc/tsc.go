// Package tsc reads the CPU time-stamp counter without cgo: one RDTSC
// instruction (about 10 ns here) instead of a cgo call to rte_rdtsc (25-60
// ns). Its values are those of dpdk.TSC; convert with dpdk.TSCHz. On
// architectures other than amd64, Read falls back to nanoseconds of
// time.Now, which is not the TSC: use dpdk.TSC there.
package tsc
