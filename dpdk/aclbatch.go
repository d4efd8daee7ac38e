package dpdk

/*
#include "shim.h"
*/
import "C"

import (
	"fmt"
	"math/bits"
	"unsafe"
)

// IPv4Tuple is the input of IPv4FiveTupleFields, in network byte order as
// rte_acl requires. Fill it with Set (host order in) or copy the fields
// from a packet as they are.
type IPv4Tuple struct {
	Proto   uint8
	_       [3]uint8
	SrcBE   uint32 // source address, network byte order
	DstBE   uint32 // destination address, network byte order
	SportBE uint16 // source port, network byte order
	DportBE uint16 // destination port, network byte order
}

// Set stores a tuple given in host byte order.
func (t *IPv4Tuple) Set(proto uint8, src, dst uint32, sport, dport uint16) {
	t.Proto = proto
	t.SrcBE = bits.ReverseBytes32(src)
	t.DstBE = bits.ReverseBytes32(dst)
	t.SportBE = bits.ReverseBytes16(sport)
	t.DportBE = bits.ReverseBytes16(dport)
}

// ACLBatch holds the inputs and results of Classify in C memory: n input
// tuples of tupleSize bytes, the pointer array rte_acl wants, and n
// results. Go fills the tuples and reads the results with plain memory
// accesses. Not safe for concurrent use: one per worker.
type ACLBatch struct {
	buf   unsafe.Pointer
	ptrs  **C.uint8_t
	res   *C.uint32_t
	n     int
	size  int
	tup   []IPv4Tuple
	resGo []uint32
}

// NewIPv4ACLBatch allocates a batch of n IPv4Tuple inputs.
func NewIPv4ACLBatch(n int) (*ACLBatch, error) {
	return NewACLBatch(n, int(unsafe.Sizeof(IPv4Tuple{})))
}

// NewACLBatch allocates a batch of n inputs of tupleSize bytes (rounded up
// to 8) for a custom field layout; use Raw to fill them.
func NewACLBatch(n, tupleSize int) (*ACLBatch, error) {
	if n <= 0 || n > 1<<20 || tupleSize <= 0 || tupleSize > 1<<12 {
		return nil, fmt.Errorf("dpdk: ACL batch of %d tuples of %d bytes: out of range", n, tupleSize)
	}
	size := (tupleSize + 7) &^ 7
	// Tuples, then pointers, then results; 8 spare bytes since rte_acl may
	// read the input in 4-byte groups.
	total := n*size + 8 + n*8 + n*4
	buf := C.calloc(1, C.size_t(total))
	if buf == nil {
		return nil, fmt.Errorf("dpdk: ACL batch of %d tuples: out of memory", n)
	}
	b := &ACLBatch{buf: buf, n: n, size: size}
	pp := unsafe.Add(buf, n*size+8)
	b.ptrs = (**C.uint8_t)(pp)
	ptrs := unsafe.Slice((*unsafe.Pointer)(pp), n)
	for i := range ptrs {
		ptrs[i] = unsafe.Add(buf, i*size)
	}
	rp := unsafe.Add(pp, n*8)
	b.res = (*C.uint32_t)(rp)
	b.resGo = unsafe.Slice((*uint32)(rp), n)
	if size == int(unsafe.Sizeof(IPv4Tuple{})) {
		b.tup = unsafe.Slice((*IPv4Tuple)(buf), n)
	}
	return b, nil
}

// Len returns the number of tuples.
func (b *ACLBatch) Len() int { return b.n }

// Tuples returns the inputs as IPv4Tuples (nil unless the batch was made
// with NewIPv4ACLBatch or a 16-byte tuple size).
func (b *ACLBatch) Tuples() []IPv4Tuple { return b.tup }

// Raw returns input i as bytes (tuple size rounded up to 8).
func (b *ACLBatch) Raw(i int) []byte {
	if i < 0 || i >= b.n {
		panic(fmt.Sprintf("dpdk: ACL batch index %d out of range [0:%d]", i, b.n))
	}
	return unsafe.Slice((*byte)(unsafe.Add(b.buf, i*b.size)), b.size)
}

// Results returns the results of the last Classify: rule ID or 0.
func (b *ACLBatch) Results() []uint32 { return b.resGo }

// Close frees the C memory.
func (b *ACLBatch) Close() {
	if b.buf != nil {
		C.free(b.buf)
		*b = ACLBatch{}
	}
}
