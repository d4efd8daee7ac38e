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

// TestRingMultiProducer: two lcores enqueue into one multi-producer ring
// while the test goroutine dequeues: every mbuf arrives exactly once and
// each producer's mbufs keep their order (an MP enqueue is atomic per
// burst).
func TestRingMultiProducer(t *testing.T) {
	const perProducer = 500_000
	const burst = 32
	r, err := dpdk.NewRing("", 1024, dpdk.SocketAny, dpdk.RingSingleConsumer) // MP enqueue, SC dequeue
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	pool := newPool(t, 4095, uint16(unsafe.Sizeof(meta{})))
	producer := func(id uint64) func() {
		return func() {
			in, err := dpdk.NewMbufArray(burst)
			if err != nil {
				panic(err)
			}
			defer in.Close()
			for seq := uint64(0); seq < perProducer; {
				n := min(burst, perProducer-int(seq))
				if pool.AllocBulk(in, n) != nil {
					continue
				}
				for _, m := range in.Slice()[:n] {
					(*meta)(m.Priv()).seq = id<<32 | seq
					seq++
				}
				for off := 0; off < n; {
					k, _ := r.EnqueueBurst(in, off, n-off)
					off += k
				}
			}
		}
	}
	for lc := uint(1); lc <= 2; lc++ {
		if err := dpdk.Launch(lc, producer(uint64(lc))); err != nil {
			t.Fatal(err)
		}
	}
	out := newArray(t, burst)
	next := map[uint64]uint64{1: 0, 2: 0}
	deadline := time.Now().Add(60 * time.Second)
	for got := 0; got < 2*perProducer; {
		if time.Now().After(deadline) {
			t.Fatalf("received %d of %d in 60 s", got, 2*perProducer)
		}
		n, _ := r.DequeueBurst(out, burst)
		for _, m := range out.Slice()[:n] {
			v := (*meta)(m.Priv()).seq
			id, seq := v>>32, v&0xffffffff
			if seq != next[id] {
				t.Fatalf("producer %d: got %d, want %d (lost, duplicated or reordered)", id, seq, next[id])
			}
			next[id]++
		}
		dpdk.FreeBulk(out, 0, n)
		got += n
	}
	if err := dpdk.WaitAll(); err != nil {
		t.Fatal(err)
	}
	if r.Count() != 0 || next[1] != perProducer || next[2] != perProducer {
		t.Fatalf("left %d in the ring; producer counts %v", r.Count(), next)
	}
	if pool.InUse() != 0 {
		t.Fatalf("%d mbufs not freed", pool.InUse())
	}
}
