package dpdk_test

import (
	"encoding/binary"
	"os"
	"strconv"
	"testing"
	"time"

	"wire2kafka/dpdk"
)

func itoa(i int) string { return strconv.Itoa(i) }

// pcapPacket is one record of a capture.
type pcapPacket struct {
	ts   time.Time
	data []byte
}

// writePcap writes a classic microsecond pcap file with Ethernet link type.
func writePcap(path string, pkts []pcapPacket) error {
	b := make([]byte, 24)
	le := binary.LittleEndian
	le.PutUint32(b[0:], 0xa1b2c3d4)
	le.PutUint16(b[4:], 2)
	le.PutUint16(b[6:], 4)
	le.PutUint32(b[16:], 65535)
	le.PutUint32(b[20:], 1) // LINKTYPE_ETHERNET
	for _, p := range pkts {
		var h [16]byte
		le.PutUint32(h[0:], uint32(p.ts.Unix()))
		le.PutUint32(h[4:], uint32(p.ts.Nanosecond()/1000))
		le.PutUint32(h[8:], uint32(len(p.data)))
		le.PutUint32(h[12:], uint32(len(p.data)))
		b = append(b, h[:]...)
		b = append(b, p.data...)
	}
	return os.WriteFile(path, b, 0o644)
}

// udpFrame builds an Ethernet/IPv4/UDP frame of total length n (>= 42)
// whose payload bytes are seed+i.
func udpFrame(n int, seed byte, src, dst uint32, sport, dport uint16) []byte {
	f := make([]byte, n)
	copy(f[0:6], []byte{0x02, 0, 0, 0, 0, 2})
	copy(f[6:12], []byte{0x02, 0, 0, 0, 0, 1})
	binary.BigEndian.PutUint16(f[12:], 0x0800)
	ip := f[14:]
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(n-14))
	ip[8] = 64
	ip[9] = 17
	binary.BigEndian.PutUint32(ip[12:], src)
	binary.BigEndian.PutUint32(ip[16:], dst)
	udp := ip[20:]
	binary.BigEndian.PutUint16(udp[0:], sport)
	binary.BigEndian.PutUint16(udp[2:], dport)
	binary.BigEndian.PutUint16(udp[4:], uint16(n-34))
	for i := 42; i < n; i++ {
		f[i] = seed + byte(i)
	}
	return f
}

// testPackets is the small capture of the net_pcap test: sizes from the
// minimum frame to a full MTU, distinct contents and timestamps.
func testPackets() []pcapPacket {
	sizes := []int{60, 64, 128, 333, 1000, 1514, 77}
	base := time.Unix(1700000000, 0)
	var out []pcapPacket
	for i, n := range sizes {
		out = append(out, pcapPacket{
			ts:   base.Add(time.Duration(i)*time.Second + time.Duration(i*1000+7)*time.Microsecond),
			data: udpFrame(n, byte(i*17), 0x0a000001+uint32(i), 0x0a000101, 1000+uint16(i), 4789),
		})
	}
	return out
}

// benchPackets is replayed forever by net_pcap1.
func benchPackets() []pcapPacket {
	var out []pcapPacket
	for i := 0; i < 64; i++ {
		out = append(out, pcapPacket{ts: time.Unix(1700000000, int64(i)*1000), data: udpFrame(64, byte(i), 0x0a000001+uint32(i), 0x0a000101, 1000, 4789)})
	}
	return out
}

// port finds a vdev port or fails the test.
func port(t testing.TB, name string) dpdk.Port {
	t.Helper()
	p, err := dpdk.PortByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// newPool creates a small pool freed at the end of the test.
func newPool(t testing.TB, size uint32, priv uint16) *dpdk.Pool {
	t.Helper()
	p, err := dpdk.NewPool(dpdk.PoolConfig{Size: size, PrivSize: priv})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// newArray allocates an mbuf array freed at the end of the test.
func newArray(t testing.TB, n int) *dpdk.MbufArray {
	t.Helper()
	a, err := dpdk.NewMbufArray(n)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// startPort configures and starts a port with one queue pair; it is stopped
// at the end of the test (ports stay open: vdevs live for the process).
func startPort(t testing.TB, p dpdk.Port, cfg dpdk.PortConfig) dpdk.PortSetup {
	t.Helper()
	st, err := p.Configure(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	// Stats survive a stop/start: start every test (and -count run) at zero.
	if err := p.ResetStats(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Error(err)
		}
	})
	return st
}
