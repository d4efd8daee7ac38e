package dpdk

/*
#include "shim.h"

static int w2k_get_affinity(int *cpus, int max)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return -errno;
	int n = 0;
	for (int c = 0; c < CPU_SETSIZE && n < max; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	return n;
}

static int w2k_set_affinity(const int *cpus, int n)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	for (int i = 0; i < n; i++) {
		if (cpus[i] < 0 || cpus[i] >= CPU_SETSIZE)
			return -EINVAL;
		CPU_SET(cpus[i], &set);
	}
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return -errno;
	return 0;
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"slices"
	"syscall"
)

// threadAffinity returns the CPUs the calling OS thread may run on.
func threadAffinity() ([]int, error) {
	var buf [C.CPU_SETSIZE]C.int
	n := C.w2k_get_affinity(&buf[0], C.CPU_SETSIZE)
	if n < 0 {
		return nil, fmt.Errorf("dpdk: sched_getaffinity: %w", syscall.Errno(-n))
	}
	out := make([]int, n)
	for i := range out {
		out[i] = int(buf[i])
	}
	return out, nil
}

// ThreadAffinity returns the CPUs the calling OS thread may run on. Lock the
// goroutine to its thread first for a meaningful answer.
func ThreadAffinity() ([]int, error) { return threadAffinity() }

// SetThreadAffinity restricts the calling OS thread to cpus
// (sched_setaffinity). Threads it creates afterwards inherit the set. The
// goroutine must be locked to its thread (runtime.LockOSThread) and should
// stay locked: otherwise other goroutines inherit the affinity.
func SetThreadAffinity(cpus []int) error {
	if len(cpus) == 0 {
		return fmt.Errorf("dpdk: set affinity: empty CPU list")
	}
	c := make([]C.int, len(cpus))
	for i, v := range cpus {
		c[i] = C.int(v)
	}
	if rc := C.w2k_set_affinity(&c[0], C.int(len(c))); rc < 0 {
		return fmt.Errorf("dpdk: sched_setaffinity %v: %w", cpus, syscall.Errno(-rc))
	}
	return nil
}

// InitCPUs returns the CPU affinity the thread calling Init had before
// rte_eal_init pinned it to the main lcore (normally the process's whole
// CPU set). It is nil before Init.
func InitCPUs() []int { return slices.Clone(origCPUs) }

// HousekeepingCPUs returns the CPUs for threads that do not poll: the CPUs
// from InitCPUs that run no worker lcore. When the worker lcores cover every
// CPU (small machines) it returns the main lcore's CPUs, or InitCPUs if the
// main lcore shares them too. Create Kafka producers, metrics servers and
// any library that starts threads with this affinity (see RunOnCPUs), not
// from the main thread that rte_eal_init pinned.
func HousekeepingCPUs() []int {
	if !Initialized() {
		return nil
	}
	busy := map[int]bool{}
	for _, l := range WorkerLcores() {
		for _, c := range LcoreCPUs(l) {
			busy[c] = true
		}
	}
	var out []int
	for _, c := range origCPUs {
		if !busy[c] {
			out = append(out, c)
		}
	}
	if len(out) > 0 {
		return out
	}
	if m := LcoreCPUs(MainLcore()); len(m) > 0 {
		return m
	}
	return slices.Clone(origCPUs)
}

// RunOnCPUs runs fn on a fresh OS thread restricted to cpus and waits for it
// to return. Threads that fn creates (for example librdkafka's, when fn
// creates a Kafka producer) inherit that affinity. The thread is discarded
// afterwards, so the affinity never leaks to other goroutines. A panic in
// fn is returned as an error.
func RunOnCPUs(cpus []int, fn func()) error {
	done := make(chan error, 1)
	go func() {
		// Locked and never unlocked: the runtime ends the thread when this
		// goroutine exits, so no other goroutine ever runs with its affinity.
		runtime.LockOSThread()
		if err := SetThreadAffinity(cpus); err != nil {
			done <- err
			return
		}
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("dpdk: RunOnCPUs: panic: %v", r)
			}
		}()
		fn()
		done <- nil
	}()
	return <-done
}
