package dpdk_test

import (
	"bytes"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"wire2kafka/dpdk"
)

// meta is a per-packet metadata struct kept in the mbuf private area.
type meta struct {
	seq  uint64
	rule uint32
	_    uint32
}

// rxAll polls q until want packets arrived or the deadline passes and
// hands each to fn, then frees them.
func rxAll(t *testing.T, p dpdk.Port, q uint16, a *dpdk.MbufArray, want int, fn func(i int, m *dpdk.Mbuf)) int {
	t.Helper()
	got := 0
	deadline := time.Now().Add(5 * time.Second)
	for got < want && time.Now().Before(deadline) {
		n := p.RxBurst(q, a, a.Len())
		for i, m := range a.Slice()[:n] {
			fn(got+i, m)
		}
		dpdk.FreeBulk(a, 0, n)
		got += n
		if n == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	return got
}

func TestPcapRx(t *testing.T) {
	p := port(t, "net_pcap0")
	info, err := p.Info()
	if err != nil {
		t.Fatal(err)
	}
	if info.Driver != "net_pcap" {
		t.Fatalf("info %+v: want net_pcap with the timestamp offload", info)
	}
	pool := newPool(t, 1023, uint16(unsafe.Sizeof(meta{})))
	// DPDK 22.11's net_pcap does not advertise the timestamp offload (it
	// stamps every packet anyway): asking for it is a clear error.
	if _, err := p.Configure(dpdk.PortConfig{Pool: pool, RxTimestamp: true}); err == nil || !strings.Contains(err.Error(), "timestamp offload") {
		t.Fatalf("RxTimestamp on net_pcap: %v", err)
	}
	startPort(t, p, dpdk.PortConfig{Pool: pool, Promiscuous: true})
	ts, ok := dpdk.LookupRxTimestamp()
	if !ok {
		t.Fatal("RX timestamp dynfield not registered after start")
	}
	want := testPackets()
	a := newArray(t, 4) // smaller than the capture: several bursts
	var stamps []uint64
	got := rxAll(t, p, 0, a, len(want), func(i int, m *dpdk.Mbuf) {
		if i >= len(want) {
			t.Errorf("extra packet %d", i)
			return
		}
		if !bytes.Equal(m.Data(), want[i].data) || m.DataLen() != len(want[i].data) || m.PktLen() != len(want[i].data) {
			t.Errorf("packet %d: %d bytes differ from the capture's %d", i, m.DataLen(), len(want[i].data))
		}
		if m.Port() != uint16(p) || m.PrivSize() != int(unsafe.Sizeof(meta{})) || m.Segments() != 1 {
			t.Errorf("packet %d: port %d priv %d segs %d", i, m.Port(), m.PrivSize(), m.Segments())
		}
		(*meta)(m.Priv()).seq = uint64(i) // the private area is writable
		v, ok := ts.Get(m)
		if !ok {
			t.Errorf("packet %d: no RX timestamp", i)
		}
		stamps = append(stamps, v)
	})
	if got != len(want) {
		t.Fatalf("received %d packets, want %d", got, len(want))
	}
	// net_pcap stops at the end of the file: nothing more arrives.
	time.Sleep(10 * time.Millisecond)
	if n := p.RxBurst(0, a, a.Len()); n != 0 {
		t.Fatalf("%d packets after the end of the capture", n)
	}
	// The 22.11 driver stores the pcap time as seconds*1e6+microseconds.
	for i, v := range stamps {
		us := uint64(want[i].ts.UnixMicro())
		if v != us {
			t.Errorf("packet %d: RX timestamp %d, want pcap time %d us", i, v, us)
		}
	}
	st, err := p.Stats()
	if err != nil {
		t.Fatal(err)
	}
	var bytesIn uint64
	for _, w := range want {
		bytesIn += uint64(len(w.data))
	}
	if st.IPackets != uint64(len(want)) || st.IBytes != bytesIn {
		t.Fatalf("stats %+v, want %d packets %d bytes", st, len(want), bytesIn)
	}
	if pool.InUse() != 0 {
		t.Fatalf("%d mbufs still in use", pool.InUse())
	}
	xs, err := p.XStats()
	if err != nil || len(xs) == 0 {
		t.Fatalf("xstats %v %v", xs, err)
	}
	found := false
	for _, x := range xs {
		if x.Name == "rx_good_packets" && x.Value == uint64(len(want)) {
			found = true
		}
	}
	if !found {
		t.Fatalf("xstats lack rx_good_packets=%d: %v", len(want), xs)
	}
	mac, err := p.MAC()
	if err != nil || len(mac) != 6 {
		t.Fatalf("MAC %v %v", mac, err)
	}
	link, err := p.Link()
	if err != nil || !link.Up {
		t.Fatalf("link %+v %v", link, err)
	}
	t.Logf("timestamps %v; link %+v; MAC %s; %d xstats", stamps, link, mac, len(xs))
}

func TestNullBursts(t *testing.T) {
	p := port(t, "net_null0")
	pool := newPool(t, 2047, 16)
	st := startPort(t, p, dpdk.PortConfig{Pool: pool, RxDesc: 512, TxDesc: 512})
	t.Logf("setup %+v", st)
	a := newArray(t, 32)
	for i := 0; i < 100; i++ {
		n := p.RxBurst(0, a, 32)
		if n != 32 {
			t.Fatalf("burst %d: %d packets, want 32", i, n)
		}
		if pool.InUse() != 32 {
			t.Fatalf("in use %d after RX", pool.InUse())
		}
		if a.At(0).DataLen() != 64 {
			t.Fatalf("net_null packet length %d, want 64", a.At(0).DataLen())
		}
		sent := p.TxBurst(0, a, 0, n)
		if sent != n {
			t.Fatalf("TX took %d of %d", sent, n)
		}
		if pool.InUse() != 0 {
			t.Fatalf("in use %d after TX (net_null frees)", pool.InUse())
		}
	}
	// A partial burst and bulk free.
	n := p.RxBurst(0, a, 5)
	if n != 5 {
		t.Fatalf("RX of 5: %d", n)
	}
	dpdk.FreeBulk(a, 0, n)
	s, err := p.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if s.IPackets != 3205 || s.OPackets != 3200 {
		t.Fatalf("stats %+v, want 3205 in 3200 out", s)
	}
	if pool.Avail() != pool.Size() {
		t.Fatalf("avail %d size %d", pool.Avail(), pool.Size())
	}
}

var ringPortSeq atomic.Int32

func TestRingPort(t *testing.T) {
	rx, err := dpdk.NewRing("", 256, dpdk.SocketAny, dpdk.RingSingleProducer|dpdk.RingSingleConsumer)
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	tx, err := dpdk.NewRing("", 256, dpdk.SocketAny, dpdk.RingSingleProducer|dpdk.RingSingleConsumer)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	name := fmt.Sprintf("w2k_ringport%d", ringPortSeq.Add(1)) // unique with -count
	p, err := dpdk.NewRingPort(name, []*dpdk.Ring{rx}, []*dpdk.Ring{tx})
	if err != nil {
		t.Fatal(err)
	}
	if q, err := dpdk.PortByName("net_ring_" + name); err != nil || q != p {
		t.Fatalf("PortByName of the ring port: %v %v", q, err)
	}
	pool := newPool(t, 511, 16)
	startPort(t, p, dpdk.PortConfig{Pool: pool})

	// Inject 100 packets through the RX ring.
	const N = 100
	in := newArray(t, N)
	if err := pool.AllocBulk(in, N); err != nil {
		t.Fatal(err)
	}
	for i, m := range in.Slice() {
		f := udpFrame(60+i, byte(i), 0x0a000001, 0x0a000002, uint16(i), 53)
		if !m.SetLen(len(f)) {
			t.Fatal("SetLen")
		}
		copy(m.Data(), f)
		(*meta)(m.Priv()).seq = uint64(i)
	}
	if n, free := rx.EnqueueBurst(in, 0, N); n != N || free != 255-N {
		t.Fatalf("enqueue %d free %d", n, free)
	}
	out := newArray(t, 64)
	var got []*dpdk.Mbuf
	for len(got) < N {
		n := p.RxBurst(0, out, 64)
		if n == 0 {
			break
		}
		got = append(got, out.Slice()[:n]...)
	}
	if len(got) != N {
		t.Fatalf("received %d of %d", len(got), N)
	}
	for i, m := range got {
		if m.DataLen() != 60+i || (*meta)(m.Priv()).seq != uint64(i) || !bytes.Equal(m.Data(), udpFrame(60+i, byte(i), 0x0a000001, 0x0a000002, uint16(i), 53)) {
			t.Fatalf("packet %d differs", i)
		}
		in.Set(i, m)
	}
	// Send them back out: they land in the TX ring, same order.
	if sent := p.TxBurst(0, in, 0, N); sent != N {
		t.Fatalf("TX %d", sent)
	}
	if tx.Count() != N {
		t.Fatalf("TX ring holds %d", tx.Count())
	}
	n, left := tx.DequeueBurst(out, 64)
	if n != 64 || left != N-64 {
		t.Fatalf("dequeue %d left %d", n, left)
	}
	for i, m := range out.Slice()[:n] {
		if (*meta)(m.Priv()).seq != uint64(i) {
			t.Fatalf("TX order: slot %d has packet %d", i, (*meta)(m.Priv()).seq)
		}
	}
	dpdk.FreeBulk(out, 0, n)
	n, _ = tx.DequeueBurst(out, 64)
	dpdk.FreeBulk(out, 0, n)
	if pool.InUse() != 0 {
		t.Fatalf("%d mbufs in use", pool.InUse())
	}
}

func TestNullRSSQueues(t *testing.T) {
	p := port(t, "net_null1")
	info, err := p.Info()
	if err != nil {
		t.Fatal(err)
	}
	pool := newPool(t, 1023, 16)
	st, err := p.Configure(dpdk.PortConfig{Pool: pool, RxQueues: 2, TxQueues: 2, RSS: true})
	if err != nil {
		t.Fatal(err)
	}
	if (info.FlowTypeRSSOffloads != 0) != (st.RSSHashTypes != 0) {
		t.Fatalf("RSS offered %#x, enabled %#x", info.FlowTypeRSSOffloads, st.RSSHashTypes)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	a := newArray(t, 32)
	for q := uint16(0); q < 2; q++ {
		if n := p.RxBurst(q, a, 32); n != 32 {
			t.Fatalf("queue %d: %d packets", q, n)
		}
		dpdk.FreeBulk(a, 0, 32)
	}
	t.Logf("net_null: RSS offloads %#x, enabled %#x, %+v", info.FlowTypeRSSOffloads, st.RSSHashTypes, st)
}
