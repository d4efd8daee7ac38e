package pipeline

import (
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"wire2kafka/config"
	"wire2kafka/dpdk"
	"wire2kafka/kafkaout"
	"wire2kafka/report/pcap"
	"wire2kafka/report/reportpb"

	"google.golang.org/protobuf/proto"
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
			for wait := 0; m == nil && wait < 5000; wait++ {
				time.Sleep(time.Millisecond) // the pipeline holds them all: wait for frees
				m = in.pool.Alloc()
			}
			if m == nil || !m.SetLen(len(pkts[i])) {
				t.Fatal("injector: no mbuf in 5 s")
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
	p := startPipeline(t, dropPlan, rec, "reload")
	flowIn := func() uint64 { return stageIn(p, config.KindFlow) }
	half := len(pkts) / 2
	in.inject(t, pkts[:half])
	waitCounter(t, "flow in", uint64(half), flowIn)
	if err := p.Reload(passPlan); err != nil {
		t.Fatalf("reload: %v", err)
	}
	in.inject(t, pkts[half:])
	waitCounter(t, "flow in", uint64(len(pkts)), flowIn)
	err := p.Reload(badPlan)
	if err == nil || !strings.Contains(err.Error(), "rings.size") {
		t.Fatalf("reload changing rings.size: err = %v, want a refusal naming rings.size", err)
	}
	in.inject(t, pkts[:100]) // the passthrough rules still run
	waitCounter(t, "flow in", uint64(len(pkts)+100), flowIn)
	if err := p.Stop(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	r := finalResult(p)
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

// TestReloadInFlight: the drop -> passthrough swap happens while packets
// are in the rings (the first chunk is still being processed when Reload
// runs). Every packet is either dropped by the rule or delivered, never
// lost otherwise; everything injected after the swap is delivered; and per
// flow the delivered reports are exactly the tail of the flow's stream, in
// order (the swap is one point in each flow).
func TestReloadInFlight(t *testing.T) {
	in := newInjector(t, "reload-flight")
	c := *captures["sampling"]
	c.vdev = in.port.Name()
	pkts := readPackets(t, c.path)
	rule := `  - name: reports
    protocol: udp
    dst_port: 32766
    service_function: %s
`
	dropPlan := testPlan(t, &c, twoLcores, 4096, "", sprintf(rule, "drop"))
	passPlan := testPlan(t, &c, twoLcores, 4096, "", sprintf(rule, "passthrough")+"    kafka_topic: reports\n")

	rec := kafkaout.NewRecorder(64)
	p := startPipeline(t, dropPlan, rec, "reload-flight")
	const rounds = 10
	var stream [][]byte
	for range rounds {
		stream = append(stream, pkts...)
	}
	// The reload runs from another goroutine (as SIGHUP's handler does)
	// once the flow stage has dropped the first packets, while the
	// injector keeps the rings full.
	const first = 1000
	errc := make(chan error, 1)
	go func() {
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) && stageIn(p, config.KindFlow) < first {
			time.Sleep(50 * time.Microsecond)
		}
		errc <- p.Reload(passPlan)
	}()
	in.inject(t, stream)
	if err := <-errc; err != nil {
		t.Fatalf("reload: %v", err)
	}
	total := uint64(len(stream))
	waitCounter(t, "kafka in", total, func() uint64 {
		var n uint64
		for _, s := range p.Stats() {
			if s.Kind == config.KindFlow {
				n += s.Drops[DropRuleDrop]
			}
			if s.Kind == config.KindKafka {
				n += s.In
			}
		}
		return n
	})
	if err := p.Stop(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	r := finalResult(p)
	r.checkAccounting(t, int(total))
	flow := r.sum(config.KindFlow)
	dropped, out := flow.Drops[DropRuleDrop], flow.Out
	if dropped+out != total || flow.DropTotal() != dropped {
		t.Fatalf("flow stage: rule_drop %d + out %d != %d injected (other drops %d)", dropped, out, total, flow.DropTotal()-dropped)
	}
	if dropped < first || out == 0 {
		t.Errorf("rule_drop %d, delivered %d: the swap did not happen mid-stream (after %d packets)", dropped, out, first)
	}
	t.Logf("swap mid-stream: %d dropped, then %d delivered", dropped, out)

	d := decodeRecorded(t, rec.Messages())
	if uint64(d.count) != out {
		t.Fatalf("%d reports recorded, flow stage passed %d packets", d.count, out)
	}
	// Per flow: the stream's reports for that key, rounds times over.
	perKey := map[string][]*reportpb.Report{}
	for range rounds {
		for _, tr := range c.truth.Reports {
			k := hex.EncodeToString(tr.KeyBytes)
			perKey[k] = append(perKey[k], tr.Report)
		}
	}
	for k, got := range d.reports {
		want := perKey[k]
		if len(got) > len(want) {
			t.Fatalf("key %s: %d reports delivered, the stream has %d", k, len(got), len(want))
		}
		tail := want[len(want)-len(got):]
		for i := range got {
			g, w := proto.Clone(got[i]).(*reportpb.Report), proto.Clone(tail[i]).(*reportpb.Report)
			g.ReceiveTimeNs, w.ReceiveTimeNs, g.Sequence, w.Sequence = 0, 0, 0, 0
			if !proto.Equal(g, w) {
				t.Fatalf("key %s: delivered report %d is not report %d of the flow's stream (not a tail in order)", k, i, len(want)-len(got)+i)
			}
		}
	}
}

// TestReloadKeepsRuleIdentity: under load, a reload inserts a rule in front
// of the running one, then another reorders them. Packets classified before
// a swap are still in the rings when the later stages switch to the new
// rule set; they must keep their rule (its function and topic), so every
// report reaches the running rule's topic and none the inserted rule's,
// which matches no packet.
func TestReloadKeepsRuleIdentity(t *testing.T) {
	in := newInjector(t, "reload-identity")
	c := *captures["sampling"]
	c.vdev = in.port.Name()
	pkts := readPackets(t, c.path)
	const reports = `  - name: reports
    protocol: udp
    dst_port: 32766
    kafka_topic: reports
`
	const other = `  - name: other
    protocol: tcp
    dst_port: 1
    kafka_topic: other
`
	plans := []*config.Plan{
		testPlan(t, &c, twoLcores, 4096, "", reports),
		testPlan(t, &c, twoLcores, 4096, "", other+reports), // insertion: reports moves to position 2
		testPlan(t, &c, twoLcores, 4096, "", reports+other), // reordering
	}
	rec := kafkaout.NewRecorder(64)
	p := startPipeline(t, plans[0], rec, "reload-identity")
	const rounds = 10
	var stream [][]byte
	for range rounds {
		stream = append(stream, pkts...)
	}
	total := uint64(len(stream))
	errc := make(chan error, 1)
	go func() {
		for i, plan := range plans[1:] {
			at := total * uint64(i+1) / 3
			deadline := time.Now().Add(20 * time.Second)
			for time.Now().Before(deadline) && stageIn(p, config.KindFlow) < at {
				time.Sleep(50 * time.Microsecond)
			}
			if err := p.Reload(plan); err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	in.inject(t, stream)
	if err := <-errc; err != nil {
		t.Fatalf("reload: %v", err)
	}
	waitCounter(t, "kafka in", total, func() uint64 { return stageIn(p, config.KindKafka) })
	if err := p.Stop(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	r := finalResult(p)
	r.checkAccounting(t, int(total))
	flow, kafka := r.sum(config.KindFlow), r.sum(config.KindKafka)
	if drops := flow.DropTotal() + kafka.DropTotal(); drops != 0 {
		t.Errorf("%d packets dropped after the ACL (no_rule or another rule's function)", drops)
	}
	topics := map[string]int{}
	for _, m := range rec.Messages() {
		topics[m.Topic] += int(m.Count)
	}
	if topics["other"] != 0 || uint64(topics["reports"]) != total {
		t.Errorf("reports by topic %v, want all %d in reports", topics, total)
	}
}
