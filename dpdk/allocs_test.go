package dpdk_test

import (
	"testing"

	"wire2kafka/dpdk"
)

// The per-burst paths must not allocate: a GC pause stalls polling lcores.
func TestZeroAllocs(t *testing.T) {
	null := port(t, "net_null1")
	pool := newPool(t, 1023, 16)
	startPort(t, null, dpdk.PortConfig{Pool: pool})
	a := newArray(t, 32)
	r, err := dpdk.NewRing("", 64, dpdk.SocketAny, dpdk.RingSingleProducer|dpdk.RingSingleConsumer)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	acl, err := dpdk.NewIPv4ACL("allocs", []dpdk.IPv4Rule{{ID: 7, Priority: 1, Proto: 17, ProtoMask: 0xff, SrcPortHi: 65535, DstPortHi: 65535}})
	if err != nil {
		t.Fatal(err)
	}
	defer acl.Close()
	b, err := dpdk.NewIPv4ACLBatch(32)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var sum int
	cases := []struct {
		name string
		fn   func()
	}{
		{"rx burst + bulk free", func() {
			n := null.RxBurst(0, a, 32)
			for _, m := range a.Slice()[:n] {
				sum += m.DataLen() + int(m.Data()[0]) + int(m.Port())
			}
			dpdk.FreeBulk(a, 0, n)
		}},
		{"alloc bulk + ring enqueue/dequeue + free", func() {
			if pool.AllocBulk(a, 32) != nil {
				t.Error("alloc")
				return
			}
			k, _ := r.EnqueueBurst(a, 0, 32)
			n, _ := r.DequeueBurst(a, k)
			dpdk.FreeBulk(a, 0, n)
		}},
		{"acl classify", func() {
			for i := range b.Tuples() {
				b.Tuples()[i].Set(17, uint32(i), 2, 3, 4)
			}
			if acl.Classify(b, 32) != nil || b.Results()[0] != 7 {
				t.Error("classify")
			}
		}},
		{"tsc", func() { sum += int(dpdk.TSC() & 1) }},
	}
	for _, c := range cases {
		if n := testing.AllocsPerRun(1000, c.fn); n != 0 {
			t.Errorf("%s: %v allocations per run, want 0", c.name, n)
		}
	}
	if pool.InUse() != 0 {
		t.Fatalf("%d mbufs leaked", pool.InUse())
	}
}
