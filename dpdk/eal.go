package dpdk

/*
#include "shim.h"

static int w2k_eal_init(int argc, char **argv, int *err)
{
	int rc = rte_eal_init(argc, argv);
	*err = rc < 0 ? rte_errno : 0;
	return rc;
}

static int w2k_lcore_cpus(unsigned lcore, int *cpus, int max)
{
	rte_cpuset_t set = rte_lcore_cpuset(lcore);
	int n = 0;
	for (int c = 0; c < CPU_SETSIZE && n < max; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	return n;
}

static int w2k_thread_register(void)
{
	return rte_thread_register() < 0 ? rte_errno : 0;
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"slices"
	"sync/atomic"
	"unsafe"
)

// EAL initialisation states.
const (
	ealNone = iota
	ealStarting
	ealReady
	ealFailed
	ealCleaned
)

// ealState is the process-wide EAL state: DPDK's EAL is itself a process
// singleton, so this is the one piece of package state that mirrors it.
var ealState atomic.Int32

// origCPUs is the CPU affinity of the thread that called Init, read just
// before rte_eal_init pinned it. Written once by Init, read-only after.
var origCPUs []int

// initArgs are the arguments Init was called with. Written once by Init.
var initArgs []string

// InitArgs returns the EAL arguments Init was called with (nil before).
func InitArgs() []string { return slices.Clone(initArgs) }

// LcoreAny is the lcore id of a thread that is not an EAL lcore
// (LCORE_ID_ANY).
const LcoreAny = uint(C.LCORE_ID_ANY)

// MaxLcores is RTE_MAX_LCORE: lcore ids are below it.
const MaxLcores = uint(C.RTE_MAX_LCORE)

// Init initialises DPDK's EAL with args, the EAL arguments without the
// program name (for example {"--no-pci", "-l", "0,1", "--file-prefix", "x"}).
//
// EAL can be initialised once per process: any further call returns
// ErrAlreadyInitialized, even after a failed first call (rte_eal_init cannot
// be retried safely). A failure carries rte_strerror(rte_errno).
//
// rte_eal_init pins the calling thread to the main lcore's CPU and makes it
// the main lcore. Init therefore locks the calling goroutine to its OS
// thread for good. Call it from the main goroutine, which the program must
// lock to the main thread with runtime.LockOSThread in an init function
// (package ealtest does this for tests). The affinity the thread had before
// is kept: see HousekeepingCPUs and RunOnCPUs.
//
// Init is safe for concurrent use; only the first call does anything.
func Init(args []string) error {
	if !ealState.CompareAndSwap(ealNone, ealStarting) {
		return ErrAlreadyInitialized
	}
	runtime.LockOSThread() // never unlocked: this thread becomes the main lcore
	initArgs = slices.Clone(args)
	cpus, err := threadAffinity()
	if err == nil {
		origCPUs = cpus
	}
	argv := make([]*C.char, 0, len(args)+2)
	argv = append(argv, C.CString("wire2kafka"))
	for _, a := range args {
		argv = append(argv, C.CString(a))
	}
	// EAL may keep pointers into argv, so the C copies are never freed.
	cargv := (**C.char)(C.malloc(C.size_t(len(argv)+1) * C.size_t(unsafe.Sizeof(uintptr(0)))))
	s := unsafe.Slice(cargv, len(argv)+1)
	copy(s, argv)
	s[len(argv)] = nil
	var errno C.int
	if rc := C.w2k_eal_init(C.int(len(argv)), cargv, &errno); rc < 0 {
		ealState.Store(ealFailed)
		return errnoErr(fmt.Sprintf("rte_eal_init %q", args), errno)
	}
	ealState.Store(ealReady)
	return nil
}

// Initialized reports whether Init has succeeded and Cleanup was not called.
func Initialized() bool { return ealState.Load() == ealReady }

// Cleanup releases EAL resources (rte_eal_cleanup). Stop, close and free
// every port, ring, pool and ACL context first, and wait for all lcores.
// EAL cannot be initialised again afterwards.
func Cleanup() error {
	if !ealState.CompareAndSwap(ealReady, ealCleaned) {
		return ErrNotInitialized
	}
	if rc := C.rte_eal_cleanup(); rc < 0 {
		return errnoErr("rte_eal_cleanup", rc)
	}
	return nil
}

// MainLcore returns the id of the main lcore (the thread that called Init).
func MainLcore() uint { return uint(C.rte_get_main_lcore()) }

// LcoreCount returns the number of enabled lcores, main included.
func LcoreCount() int { return int(C.rte_lcore_count()) }

// Lcores returns the ids of all enabled lcores, main included, ascending.
func Lcores() []uint { return lcoreList(false) }

// WorkerLcores returns the ids of the enabled worker lcores (all but main),
// ascending. Launch runs functions on these.
func WorkerLcores() []uint { return lcoreList(true) }

func lcoreList(skipMain bool) []uint {
	if !Initialized() {
		return nil
	}
	skip := C.int(0)
	if skipMain {
		skip = 1
	}
	var out []uint
	for l := C.rte_get_next_lcore(C.uint(C.UINT_MAX), skip, 0); l < C.RTE_MAX_LCORE; l = C.rte_get_next_lcore(l, skip, 0) {
		out = append(out, uint(l))
	}
	return out
}

// CurrentLcore returns the lcore id of the calling thread, or LcoreAny for a
// thread that is not an EAL lcore (nor registered with RegisterThread). The
// answer is only meaningful on a goroutine locked to its OS thread.
func CurrentLcore() uint { return uint(C.rte_lcore_id()) }

// LcoreSocket returns the NUMA socket of an lcore.
func LcoreSocket(lcore uint) int { return int(C.rte_lcore_to_socket_id(C.uint(lcore))) }

// LcoreCPUs returns the CPUs an lcore's thread may run on.
func LcoreCPUs(lcore uint) []int {
	var buf [C.CPU_SETSIZE]C.int
	n := C.w2k_lcore_cpus(C.uint(lcore), &buf[0], C.CPU_SETSIZE)
	out := make([]int, n)
	for i := range out {
		out[i] = int(buf[i])
	}
	return out
}

// TSCHz returns the frequency of the time-stamp counter in Hz.
func TSCHz() uint64 { return uint64(C.rte_get_tsc_hz()) }

// TSC reads the time-stamp counter (rte_rdtsc). It is one cgo call (25-60
// ns); on the data path use package wire2kafka/dpdk/tsc, which reads the
// same counter without cgo.
func TSC() uint64 { return uint64(C.rte_rdtsc()) }

// RegisterThread registers the calling OS thread with EAL as a non-EAL
// lcore (rte_thread_register), so that it gets an lcore id and a mempool
// cache. The goroutine must stay locked to its thread
// (runtime.LockOSThread) while it uses DPDK.
func RegisterThread() error {
	if e := C.w2k_thread_register(); e != 0 {
		return errnoErr("rte_thread_register", e)
	}
	return nil
}

// UnregisterThread undoes RegisterThread for the calling thread.
func UnregisterThread() { C.rte_thread_unregister() }
