package dpdk_test

import (
	"errors"
	"testing"
	"unsafe"

	"wire2kafka/dpdk"
)

func TestMbufAccessorsAndPool(t *testing.T) {
	pool, err := dpdk.NewPool(dpdk.PoolConfig{Size: 63, PrivSize: 13, DataRoomSize: 1024 + 128})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if pool.Size() != 63 || pool.Avail() != 63 || pool.InUse() != 0 {
		t.Fatalf("size %d avail %d in use %d", pool.Size(), pool.Avail(), pool.InUse())
	}
	m := pool.Alloc()
	if m == nil {
		t.Fatal("Alloc")
	}
	if m.PrivSize() != 16 { // rounded up to RTE_MBUF_PRIV_ALIGN
		t.Fatalf("priv size %d, want 16", m.PrivSize())
	}
	if m.BufLen() != 1024+128 || m.Headroom() != 128 || m.DataLen() != 0 || m.Tailroom() != 1024 || m.Segments() != 1 || m.Next() != nil {
		t.Fatalf("fresh mbuf: buf %d head %d data %d tail %d segs %d", m.BufLen(), m.Headroom(), m.DataLen(), m.Tailroom(), m.Segments())
	}
	if m.SetLen(1025) || !m.SetLen(1024) || m.PktLen() != 1024 || len(m.Data()) != 1024 || m.Tailroom() != 0 {
		t.Fatalf("SetLen: data %d pkt %d", m.DataLen(), m.PktLen())
	}
	if _, ok := m.RSSHash(); ok {
		t.Fatal("fresh mbuf claims an RSS hash")
	}
	// Priv is right after struct rte_mbuf; data is inside the buffer after it.
	if d := uintptr(unsafe.Pointer(&m.Data()[0])) - uintptr(m.Priv()); d < 16 {
		t.Fatalf("data %d bytes after the private area", d)
	}
	m.Free()

	// All-or-nothing bulk allocation.
	a := newArray(t, 64)
	if err := pool.AllocBulk(a, 64); !errors.Is(err, dpdk.ErrPoolEmpty) || pool.InUse() != 0 {
		t.Fatalf("AllocBulk of 64 from 63: %v, in use %d", err, pool.InUse())
	}
	if err := pool.AllocBulk(a, 63); err != nil || pool.InUse() != 63 || pool.Avail() != 0 {
		t.Fatalf("AllocBulk of 63: %v, in use %d", err, pool.InUse())
	}
	dpdk.FreeBulk(a, 0, 63)
	if pool.Avail() != 63 {
		t.Fatalf("avail %d after free", pool.Avail())
	}
	if _, err := dpdk.NewMbufArray(0); err == nil {
		t.Fatal("NewMbufArray(0) succeeded")
	}
	if _, err := dpdk.NewPool(dpdk.PoolConfig{}); err == nil {
		t.Fatal("NewPool of size 0 succeeded")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("FreeBulk out of range did not panic")
			}
		}()
		dpdk.FreeBulk(a, 60, 5)
	}()
}

// TestMbufAddRefs: an mbuf handed to three consumers (two extra
// references) returns to its pool only after the third free, also through
// the bulk free.
func TestMbufAddRefs(t *testing.T) {
	pool, err := dpdk.NewPool(dpdk.PoolConfig{Size: 63, DataRoomSize: 1024 + 128})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	arr, err := dpdk.NewMbufArray(1)
	if err != nil {
		t.Fatal(err)
	}
	defer arr.Close()
	m := pool.Alloc()
	if m.Refs() != 1 {
		t.Fatalf("fresh mbuf: %d references", m.Refs())
	}
	m.AddRefs(2)
	if m.Refs() != 3 {
		t.Fatalf("after AddRefs(2): %d references", m.Refs())
	}
	m.Free()
	arr.Set(0, m)
	dpdk.FreeBulk(arr, 0, 1)
	if pool.InUse() != 1 || m.Refs() != 1 {
		t.Fatalf("after two frees: %d in use, %d references; want the mbuf still out with 1", pool.InUse(), m.Refs())
	}
	m.Free()
	if pool.InUse() != 0 {
		t.Fatalf("after the third free: %d in use", pool.InUse())
	}
}
