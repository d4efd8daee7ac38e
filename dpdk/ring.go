package dpdk

/*
#include "shim.h"

static struct rte_ring *w2k_ring_create(const char *name, unsigned count, int socket,
	unsigned flags, int *err)
{
	struct rte_ring *r = rte_ring_create(name, count, socket, flags);
	*err = r == NULL ? rte_errno : 0;
	return r;
}

// Enqueue up to n pointers; returns count << 32 | free space after.
static inline uint64_t w2k_ring_enqueue(struct rte_ring *r, void *const *objs, unsigned n)
{
	unsigned free_space;
	unsigned k = rte_ring_enqueue_burst(r, objs, n, &free_space);
	return w2k_pack(k, free_space);
}

// Dequeue up to n pointers; returns count << 32 | entries left after.
static inline uint64_t w2k_ring_dequeue(struct rte_ring *r, void **objs, unsigned n)
{
	unsigned avail;
	unsigned k = rte_ring_dequeue_burst(r, objs, n, &avail);
	return w2k_pack(k, avail);
}
*/
import "C"

import (
	"fmt"
	"sync/atomic"
	"unsafe"
)

// RingFlags choose the synchronisation of a ring's ends.
type RingFlags uint

// Ring flags. The zero value is multi-producer, multi-consumer.
const (
	// RingSingleProducer: only one thread at a time enqueues (RING_F_SP_ENQ).
	RingSingleProducer RingFlags = C.RING_F_SP_ENQ
	// RingSingleConsumer: only one thread at a time dequeues (RING_F_SC_DEQ).
	RingSingleConsumer RingFlags = C.RING_F_SC_DEQ
)

// Ring is an rte_ring of mbuf pointers. Enqueue is safe from several
// goroutines only without RingSingleProducer, dequeue only without
// RingSingleConsumer; the counts are safe from anywhere (approximate while
// the ring moves).
type Ring struct {
	r    *C.struct_rte_ring
	name string
}

var ringSeq atomic.Uint64

// NewRing creates a ring of size slots, which must be a power of two
// (ErrRingSize otherwise); it holds size-1 mbufs. name must be unique among
// rings (empty picks a unique one); socket is a NUMA socket or SocketAny.
func NewRing(name string, size uint, socket int, flags RingFlags) (*Ring, error) {
	if !Initialized() {
		return nil, ErrNotInitialized
	}
	if size < 2 || size&(size-1) != 0 || size > C.RTE_RING_SZ_MASK {
		return nil, fmt.Errorf("%w: ring %q: size %d (want 2..%d, a power of two)", ErrRingSize, name, size, C.RTE_RING_SZ_MASK+1)
	}
	if name == "" {
		name = fmt.Sprintf("w2k_ring_%d", ringSeq.Add(1))
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var errno C.int
	r := C.w2k_ring_create(cname, C.uint(size), C.int(socket), C.uint(flags), &errno)
	if r == nil {
		return nil, errnoErr(fmt.Sprintf("ring %q (size %d)", name, size), errno)
	}
	return &Ring{r: r, name: name}, nil
}

// Name returns the ring's name.
func (r *Ring) Name() string { return r.name }

// EnqueueBurst enqueues entries [off, off+n) of a, as many as fit, in one
// cgo call. It returns how many it enqueued (the first ones) and the free
// slots left. The caller still owns the entries that did not fit.
func (r *Ring) EnqueueBurst(a *MbufArray, off, n int) (enqueued, free int) {
	p := a.span(off, n)
	v := C.w2k_ring_enqueue(r.r, p, C.uint(n))
	return int(v >> 32), int(uint32(v))
}

// DequeueBurst dequeues up to n mbufs into entries [0, n) of a in one cgo
// call. It returns how many it dequeued and how many are left in the ring.
func (r *Ring) DequeueBurst(a *MbufArray, n int) (dequeued, left int) {
	p := a.span(0, n)
	v := C.w2k_ring_dequeue(r.r, p, C.uint(n))
	return int(v >> 32), int(uint32(v))
}

// Count returns the number of mbufs in the ring.
func (r *Ring) Count() int { return int(C.rte_ring_count(r.r)) }

// FreeCount returns the number of free slots.
func (r *Ring) FreeCount() int { return int(C.rte_ring_free_count(r.r)) }

// Capacity returns how many mbufs the ring can hold (size-1).
func (r *Ring) Capacity() int { return int(C.rte_ring_get_capacity(r.r)) }

// Close frees the ring (rte_ring_free); mbufs still in it are not freed.
func (r *Ring) Close() {
	if r.r != nil {
		C.rte_ring_free(r.r)
		r.r = nil
	}
}
