package metrics

import (
	"testing"
	"time"

	"wire2kafka/dpdk"
)

// injector feeds packets into a ring-backed port (net_ring) at the pace a
// test chooses.
type injector struct {
	rx   *dpdk.Ring
	pool *dpdk.Pool
	arr  *dpdk.MbufArray
}

func newInjector(t *testing.T, name string) *injector {
	t.Helper()
	rx, err := dpdk.NewRing(name+"-rx", 4096, dpdk.SocketAny, 0)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := dpdk.NewRing(name+"-tx", 64, dpdk.SocketAny, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dpdk.NewRingPort(name, []*dpdk.Ring{rx}, []*dpdk.Ring{tx}); err != nil {
		t.Fatal(err)
	}
	// 64 bytes of private area hold the pipeline's per-packet metadata.
	pool, err := dpdk.NewPool(dpdk.PoolConfig{Name: name + "-pool", Size: 8191, PrivSize: 64, Socket: dpdk.SocketAny})
	if err != nil {
		t.Fatal(err)
	}
	arr, err := dpdk.NewMbufArray(32)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { arr.Close(); pool.Close(); rx.Close(); tx.Close() })
	return &injector{rx: rx, pool: pool, arr: arr}
}

// inject enqueues copies of pkts on the port's RX ring.
func (in *injector) inject(t *testing.T, pkts [][]byte) {
	t.Helper()
	for len(pkts) > 0 {
		n := min(len(pkts), in.arr.Len())
		for i := range n {
			m := in.pool.Alloc()
			if m == nil || !m.SetLen(len(pkts[i])) {
				t.Fatal("injector: no mbuf")
			}
			copy(m.Data(), pkts[i])
			in.arr.Set(i, m)
		}
		for off := 0; off < n; {
			enq, _ := in.rx.EnqueueBurst(in.arr, off, n-off)
			off += enq
			if off < n {
				time.Sleep(time.Millisecond)
			}
		}
		pkts = pkts[n:]
	}
}

// phase is a stretch of constant injection rate.
type phase struct {
	pps int
	dur time.Duration
}

// pace injects packets (cycling through pkts) at each phase's rate, in
// 50 ms steps; it returns the number injected.
func (in *injector) pace(t *testing.T, pkts [][]byte, phases []phase) int {
	t.Helper()
	const step = 50 * time.Millisecond
	sent, next := 0, 0
	for _, ph := range phases {
		per := ph.pps * int(step) / int(time.Second)
		end := time.Now().Add(ph.dur)
		for tick := time.Now(); tick.Before(end); tick = tick.Add(step) {
			batch := make([][]byte, 0, per)
			for range per {
				batch = append(batch, pkts[next])
				next = (next + 1) % len(pkts)
			}
			in.inject(t, batch)
			sent += per
			time.Sleep(time.Until(tick.Add(step)))
		}
	}
	return sent
}
