// Package dpdkbench holds C reference loops for the benchmarks of package
// dpdk: the same work as a Go poll loop, written in C against DPDK, run on
// the same lcore, port and queue, so that a benchmark can print the ratio
// Go/C. cgo is not allowed in _test.go files, hence this package. It is
// for benchmarks only; nothing in the product imports it.
package dpdkbench

/*
#cgo pkg-config: libdpdk
#cgo CFLAGS: -O3 -Wno-deprecated-declarations
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

struct job {
	uint16_t port, queue;
	uint32_t burst;
	uint64_t packets;     // stop after this many
	struct rte_ring *ring; // RX -> ring -> free; NULL for RX + free
	volatile int stop_rx;  // set when the RX side is done (ring mode)
	uint64_t gap_tsc;      // stall threshold (rx_free_gaps)
	// results
	uint64_t got, polls, tsc;
	uint64_t gaps, gap_total, gap_max;
	volatile int done;
};

// RX + bulk free until job->packets packets.
static int rx_free(void *arg)
{
	struct job *j = arg;
	struct rte_mbuf *pkts[512];
	uint64_t got = 0, polls = 0, t0 = rte_rdtsc();
	while (got < j->packets) {
		uint16_t n = rte_eth_rx_burst(j->port, j->queue, pkts, j->burst);
		polls++;
		if (n == 0)
			continue;
		rte_pktmbuf_free_bulk(pkts, n);
		got += n;
	}
	j->tsc = rte_rdtsc() - t0;
	j->got = got;
	j->polls = polls;
	__atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
	return 0;
}

// RX + bulk free for job->packets TSC cycles, counting stalls: passes
// that took longer than job->gap_tsc.
static int rx_free_gaps(void *arg)
{
	struct job *j = arg;
	struct rte_mbuf *pkts[512];
	uint64_t got = 0, polls = 0, gaps = 0, total = 0, maxg = 0;
	uint64_t t0 = rte_rdtsc(), last = t0, end = t0 + j->packets;
	for (;;) {
		uint16_t n = rte_eth_rx_burst(j->port, j->queue, pkts, j->burst);
		polls++;
		if (n > 0)
			rte_pktmbuf_free_bulk(pkts, n);
		got += n;
		uint64_t now = rte_rdtsc();
		if (now - last > j->gap_tsc) {
			gaps++;
			total += now - last;
			if (now - last > maxg)
				maxg = now - last;
		}
		last = now;
		if (now > end)
			break;
	}
	j->tsc = rte_rdtsc() - t0;
	j->got = got;
	j->polls = polls;
	j->gaps = gaps;
	j->gap_total = total;
	j->gap_max = maxg;
	__atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
	return 0;
}

// RX and enqueue to the ring until job->packets; drops what does not fit.
static int rx_ring(void *arg)
{
	struct job *j = arg;
	struct rte_mbuf *pkts[512];
	uint64_t got = 0, polls = 0, t0 = rte_rdtsc();
	while (got < j->packets) {
		uint16_t n = rte_eth_rx_burst(j->port, j->queue, pkts, j->burst);
		polls++;
		if (n == 0)
			continue;
		unsigned k = rte_ring_enqueue_burst(j->ring, (void **)pkts, n, NULL);
		if (k < n)
			rte_pktmbuf_free_bulk(pkts + k, n - k);
		got += n;
	}
	j->tsc = rte_rdtsc() - t0;
	j->got = got;
	j->polls = polls;
	__atomic_store_n(&j->stop_rx, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
	return 0;
}

// Dequeue and free until the RX side stopped and the ring is empty.
static int ring_free(void *arg)
{
	struct job *j = arg;
	void *objs[512];
	for (;;) {
		unsigned n = rte_ring_dequeue_burst(j->ring, objs, j->burst, NULL);
		if (n > 0) {
			rte_pktmbuf_free_bulk((struct rte_mbuf **)objs, n);
			continue;
		}
		if (__atomic_load_n(&j->stop_rx, __ATOMIC_ACQUIRE) && rte_ring_count(j->ring) == 0)
			break;
	}
	return 0;
}

static int launch(int which, struct job *j, unsigned lcore)
{
	lcore_function_t *f = which == 0 ? rx_free : which == 1 ? rx_ring : which == 2 ? ring_free : rx_free_gaps;
	return rte_eal_remote_launch(f, j, lcore);
}

static struct rte_ring *make_ring(const char *name, unsigned size, int *err)
{
	struct rte_ring *r = rte_ring_create(name, size, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	*err = r == NULL ? rte_errno : 0;
	return r;
}

static void nop(void) {}

static void stop_rx(struct job *j) { __atomic_store_n(&j->stop_rx, 1, __ATOMIC_RELEASE); }
*/
import "C"

import (
	"fmt"
	"sync/atomic"
	"time"
	"unsafe"
)

// Result is what a C loop measured.
type Result struct {
	Packets uint64        // packets received
	Polls   uint64        // rx_burst calls
	Elapsed time.Duration // from the lcore's TSC
}

// Stalls counts the passes of a poll loop that took longer than a
// threshold: time the loop did not poll (preempted by the OS or the Go
// runtime).
type Stalls struct {
	Count int
	Total time.Duration
	Max   time.Duration
}

// Mpps returns millions of packets per second.
func (r Result) Mpps() float64 { return float64(r.Packets) / r.Elapsed.Seconds() / 1e6 }

func newJob(port, queue uint16, burst int, packets uint64) (*C.struct_job, error) {
	if burst <= 0 || burst > 512 {
		return nil, fmt.Errorf("dpdkbench: burst %d out of 1..512", burst)
	}
	j := (*C.struct_job)(C.calloc(1, C.sizeof_struct_job))
	j.port, j.queue, j.burst, j.packets = C.uint16_t(port), C.uint16_t(queue), C.uint32_t(burst), C.uint64_t(packets)
	return j, nil
}

// wait polls the job's done flag without spinning a CPU, then reaps lcore.
func wait(j *C.struct_job, lcore uint) {
	for atomic.LoadInt32((*int32)(unsafe.Pointer(&j.done))) == 0 {
		time.Sleep(200 * time.Microsecond)
	}
	C.rte_eal_wait_lcore(C.uint(lcore))
}

func result(j *C.struct_job) Result {
	hz := float64(C.rte_get_tsc_hz())
	return Result{Packets: uint64(j.got), Polls: uint64(j.polls),
		Elapsed: time.Duration(float64(j.tsc) / hz * 1e9)}
}

// RxFree runs the C loop "rx_burst, then rte_pktmbuf_free_bulk" on lcore
// until packets packets arrived from (port, queue), and returns what it
// measured. The port must be started; lcore must be an idle worker.
func RxFree(lcore uint, port, queue uint16, burst int, packets uint64) (Result, error) {
	j, err := newJob(port, queue, burst, packets)
	if err != nil {
		return Result{}, err
	}
	defer C.free(unsafe.Pointer(j))
	if rc := C.launch(0, j, C.uint(lcore)); rc < 0 {
		return Result{}, fmt.Errorf("dpdkbench: launch on lcore %d: errno %d", lcore, -rc)
	}
	wait(j, lcore)
	return result(j), nil
}

// RxFreeStalls runs the RX + bulk free C loop on lcore for d and counts
// the passes longer than threshold.
func RxFreeStalls(lcore uint, port, queue uint16, burst int, d, threshold time.Duration) (Result, Stalls, error) {
	hz := float64(C.rte_get_tsc_hz())
	j, err := newJob(port, queue, burst, uint64(d.Seconds()*hz))
	if err != nil {
		return Result{}, Stalls{}, err
	}
	defer C.free(unsafe.Pointer(j))
	j.gap_tsc = C.uint64_t(threshold.Seconds() * hz)
	if rc := C.launch(3, j, C.uint(lcore)); rc < 0 {
		return Result{}, Stalls{}, fmt.Errorf("dpdkbench: launch on lcore %d: errno %d", lcore, -rc)
	}
	wait(j, lcore)
	toD := func(t C.uint64_t) time.Duration { return time.Duration(float64(t) / hz * 1e9) }
	return result(j), Stalls{Count: int(j.gaps), Total: toD(j.gap_total), Max: toD(j.gap_max)}, nil
}

var ringSeq atomic.Uint64

// RxRingFree runs the two-stage C pipeline: rxLcore receives bursts from
// (port, queue) and enqueues them on an SP/SC ring of ringSize (dropping,
// and freeing, what does not fit); freeLcore dequeues and frees. It stops
// after packets packets were received and returns the RX side's figures.
func RxRingFree(rxLcore, freeLcore uint, port, queue uint16, burst int, ringSize uint, packets uint64) (Result, error) {
	j, err := newJob(port, queue, burst, packets)
	if err != nil {
		return Result{}, err
	}
	defer C.free(unsafe.Pointer(j))
	name := C.CString(fmt.Sprintf("w2k_bench_%d", ringSeq.Add(1)))
	defer C.free(unsafe.Pointer(name))
	var errno C.int
	j.ring = C.make_ring(name, C.uint(ringSize), &errno)
	if j.ring == nil {
		return Result{}, fmt.Errorf("dpdkbench: ring of %d: errno %d", ringSize, errno)
	}
	defer C.rte_ring_free(j.ring)
	if rc := C.launch(2, j, C.uint(freeLcore)); rc < 0 {
		return Result{}, fmt.Errorf("dpdkbench: launch on lcore %d: errno %d", freeLcore, -rc)
	}
	if rc := C.launch(1, j, C.uint(rxLcore)); rc < 0 {
		C.stop_rx(j)
		C.rte_eal_wait_lcore(C.uint(freeLcore))
		return Result{}, fmt.Errorf("dpdkbench: launch on lcore %d: errno %d", rxLcore, -rc)
	}
	wait(j, rxLcore)
	C.rte_eal_wait_lcore(C.uint(freeLcore))
	return result(j), nil
}

// Nop is an empty C function: timing it gives the cost of one cgo call.
func Nop() { C.nop() }
