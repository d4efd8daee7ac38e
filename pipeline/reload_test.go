package pipeline

import (
	"os"
	"strings"
	"testing"
	"time"

	"wire2kafka/config"
	"wire2kafka/dpdk"
	"wire2kafka/kafkaout"
	"wire2kafka/report/pcap"
)

// injector feeds packets into a ring-backed port (net_ring), so a test
// decides exactly when each packet arrives.
type injector struct {
	port dpdk.Port
	rx   *dpdk.Ring
	pool *dpdk.Pool
	arr  *dpdk.MbufArray
}

func newInjector(t testing.TB, name string) *injector {
	t.Helper()
	rx, err := dpdk.NewRing(name+"-rx", 4096, dpdk.SocketAny, 0)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := dpdk.NewRing(name+"-tx", 64, dpdk.SocketAny, 0)
	if err != nil {
		t.Fatal(err)
	}
	port, err := dpdk.NewRingPort(name, []*dpdk.Ring{rx}, []*dpdk.Ring{tx})
	if err != nil {
		t.Fatal(err)
	}
	pool, err := dpdk.NewPool(dpdk.PoolConfig{Name: name + "-pool", Size: 8191, PrivSize: uint16(metaSize), Socket: dpdk.SocketAny})
	if err != nil {
		t.Fatal(err)
	}
	arr, err := dpdk.NewMbufArray(32)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { arr.Close(); pool.Close(); rx.Close(); tx.Close() })
	return &injector{port: port, rx: rx, pool: pool, arr: arr}
}

// inject enqueues copies of pkts on the port's RX ring.
func (in *injector) inject(t testing.TB, pkts [][]byte) {
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
		off := 0
		for off < n {
			enq, _ := in.rx.EnqueueBurst(in.arr, off, n-off)
			off += enq
			if off < n {
				time.Sleep(time.Millisecond)
			}
		}
		pkts = pkts[n:]
	}
}

func readPackets(t testing.TB, path string) [][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcap.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for {
		_, data, _, err := r.Next()
		if err != nil {
			return out
		}
		out = append(out, append([]byte(nil), data...))
	}
}

// waitCounter waits until f() reaches want.
func waitCounter(t *testing.T, what string, want uint64, f func() uint64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for f() < want {
		if time.Now().After(deadline) {
			t.Fatalf("%s reached %d of %d in 20 s", what, f(), want)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestReloadUnderLoad: a rule changes from drop to passthrough while the
// pipeline runs; every packet before the swap is dropped by the rule, every
// packet after it comes out, nothing else is lost. A reload that needs a
// restart is refused and the running rules stay.
func TestReloadUnderLoad(t *testing.T) {
	in := newInjector(t, "reload")
	c := *captures["sampling"] // its packets, injected by hand
	c.vdev = in.port.Name()
	pkts := readPackets(t, c.path)
	rule := `  - name: reports
    protocol: udp
    dst_port: 32766
    service_function: %s
`
	pass := sprintf(rule, "passthrough") + "    kafka_topic: reports\n"
	dropPlan := testPlan(t, &c, twoLcores, 4096, "", sprintf(rule, "drop"))
	passPlan := testPlan(t, &c, twoLcores, 4096, "", pass)
	badPlan := testPlan(t, &c, twoLcores, 2048, "", pass) // ring size: needs a restart

	rec := kafkaout.NewRecorder(64)
	p, err := New(dropPlan, Options{Sink: rec, Name: "reload"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	flowIn := func() uint64 {
		var n uint64
		for _, s := range p.Stats() {
			if s.Kind == config.KindFlow {
				n += s.In
			}
		}
		return n
	}
	half := len(pkts) / 2
	in.inject(t, pkts[:half])
	waitCounter(t, "flow in", uint64(half), flowIn)
	if err := p.Reload(passPlan); err != nil {
		t.Fatalf("reload: %v", err)
	}
	in.inject(t, pkts[half:])
	waitCounter(t, "flow in", uint64(len(pkts)), flowIn)
	err = p.Reload(badPlan)
	if err == nil || !strings.Contains(err.Error(), "rings.size") {
		t.Fatalf("reload changing rings.size: err = %v, want a refusal naming rings.size", err)
	}
	in.inject(t, pkts[:100]) // the passthrough rules still run
	waitCounter(t, "flow in", uint64(len(pkts)+100), flowIn)
	if err := p.Stop(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	r := &result{workers: p.Workers(), stats: p.Stats()}
	for _, s := range r.stats {
		r.snaps = append(r.snaps, s.Snapshot)
	}
	r.checkAccounting(t, len(pkts)+100)
	flow, kafka := r.sum(config.KindFlow), r.sum(config.KindKafka)
	if flow.Drops[DropRuleDrop] != uint64(half) || flow.Out != uint64(len(pkts)-half+100) {
		t.Errorf("rule_drop %d and out %d, want %d and %d", flow.Drops[DropRuleDrop], flow.Out, half, len(pkts)-half+100)
	}
	d := decodeRecorded(t, rec.Messages())
	if uint64(d.count) != kafka.Reports || d.count != len(pkts)-half+100 {
		t.Errorf("%d reports out (worker says %d), want %d", d.count, kafka.Reports, len(pkts)-half+100)
	}
}
