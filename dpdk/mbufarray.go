package dpdk

/*
#include "shim.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// MbufArray is an array of mbuf pointers in C memory, for bursts: RX, TX,
// ring and pool calls pass it to C without the cost of a Go pointer. Slice
// gives a Go view of the same memory. An MbufArray is not safe for
// concurrent use; give each worker its own.
type MbufArray struct {
	p *unsafe.Pointer // C array of struct rte_mbuf *
	s []*Mbuf
}

// NewMbufArray allocates an array of n mbuf pointers (all nil) in C memory.
// Release it with Close.
func NewMbufArray(n int) (*MbufArray, error) {
	if n <= 0 || n > 1<<24 {
		return nil, fmt.Errorf("dpdk: mbuf array of %d entries: size must be 1..%d", n, 1<<24)
	}
	p := C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(uintptr(0))))
	if p == nil {
		return nil, fmt.Errorf("dpdk: mbuf array of %d entries: out of memory", n)
	}
	return &MbufArray{p: (*unsafe.Pointer)(p), s: unsafe.Slice((**Mbuf)(p), n)}, nil
}

// Len returns the number of entries.
func (a *MbufArray) Len() int { return len(a.s) }

// Slice returns the whole array as a Go slice aliasing the C memory: reads
// and writes are plain memory accesses. It is valid until Close.
func (a *MbufArray) Slice() []*Mbuf { return a.s }

// At returns entry i.
func (a *MbufArray) At(i int) *Mbuf { return a.s[i] }

// Set stores m in entry i.
func (a *MbufArray) Set(i int, m *Mbuf) { a.s[i] = m }

// Close frees the C memory (not the mbufs). The array must not be used
// afterwards.
func (a *MbufArray) Close() {
	if a.p != nil {
		C.free(unsafe.Pointer(a.p))
		a.p, a.s = nil, nil
	}
}

// span returns the C address of entries [off, off+n), panicking like a slice
// expression when they are out of range.
func (a *MbufArray) span(off, n int) *unsafe.Pointer {
	if uint(off) > uint(len(a.s)) || uint(n) > uint(len(a.s)-off) {
		panicRange(off, n, len(a.s))
	}
	return (*unsafe.Pointer)(unsafe.Add(unsafe.Pointer(a.p), off*ptrSize))
}

const ptrSize = int(unsafe.Sizeof(uintptr(0)))

// panicRange is kept out of span so that span inlines.
//
//go:noinline
func panicRange(off, n, l int) {
	panic(fmt.Sprintf("dpdk: mbuf array range [%d:%d] out of range [0:%d]", off, off+n, l))
}

// cmbufs converts a span to the C type DPDK's burst functions take.
func cmbufs(p *unsafe.Pointer) **C.struct_rte_mbuf { return (**C.struct_rte_mbuf)(unsafe.Pointer(p)) }

// FreeBulk frees the mbufs in entries [off, off+n) of a in one cgo call
// (rte_pktmbuf_free_bulk). Nil entries are skipped. The entries keep their
// (now dangling) values.
func FreeBulk(a *MbufArray, off, n int) {
	p := a.span(off, n)
	if n > 0 {
		C.rte_pktmbuf_free_bulk(cmbufs(p), C.uint(n))
	}
}
