package dpdk_test

import (
	"fmt"
	"testing"
	"time"
	"unsafe"

	"wire2kafka/dpdk"
)

// TestRingLcoreToLcore sends 10,000,000 mbufs, numbered in their private
// area, from lcore 1 to lcore 2 through an SP/SC ring and checks count and
// order on the way out.
func TestRingLcoreToLcore(t *testing.T) {
	const total = 10_000_000
	const burst = 32
	r, err := dpdk.NewRing("", 1024, dpdk.SocketAny, dpdk.RingSingleProducer|dpdk.RingSingleConsumer)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Capacity() != 1023 || r.FreeCount() != 1023 || r.Count() != 0 {
		t.Fatalf("capacity %d free %d count %d", r.Capacity(), r.FreeCount(), r.Count())
	}
	pool := newPool(t, 4095, uint16(unsafe.Sizeof(meta{})))
	in := newArray(t, burst)
	out := newArray(t, burst)

	var produced, fullPolls uint64
	producer := func() {
		seq := uint64(0)
		for seq < total {
			n := min(burst, total-int(seq))
			if pool.AllocBulk(in, n) != nil {
				continue // consumer has not freed enough yet
			}
			for _, m := range in.Slice()[:n] {
				(*meta)(m.Priv()).seq = seq
				seq++
			}
			off := 0
			for off < n {
				k, _ := r.EnqueueBurst(in, off, n-off)
				if k == 0 {
					fullPolls++
				}
				off += k
			}
		}
		produced = seq
	}
	var consumed, bad uint64
	var firstBad string
	consumer := func() {
		next := uint64(0)
		for next < total {
			n, _ := r.DequeueBurst(out, burst)
			for _, m := range out.Slice()[:n] {
				if s := (*meta)(m.Priv()).seq; s != next && bad == 0 {
					bad++
					firstBad = fmt.Sprintf("got seq %d, want %d", s, next)
				}
				next++
			}
			dpdk.FreeBulk(out, 0, n)
		}
		consumed = next
	}
	start := time.Now()
	if err := dpdk.Launch(2, consumer); err != nil {
		t.Fatal(err)
	}
	if err := dpdk.Launch(1, producer); err != nil {
		t.Fatal(err)
	}
	if err := dpdk.WaitAll(); err != nil {
		t.Fatal(err)
	}
	el := time.Since(start)
	if produced != total || consumed != total {
		t.Fatalf("produced %d consumed %d, want %d", produced, consumed, total)
	}
	if bad != 0 {
		t.Fatalf("order broken: %s", firstBad)
	}
	if r.Count() != 0 || pool.InUse() != 0 {
		t.Fatalf("ring holds %d, pool has %d in use", r.Count(), pool.InUse())
	}
	t.Logf("%d mbufs lcore 1 -> lcore 2 in %v (%.1f Mpps), %d full-ring polls", total, el, total/el.Seconds()/1e6, fullPolls)
}
