package dpdk_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"wire2kafka/dpdk"
)

// testEtherType marks the test's frames (IEEE local experimental), so
// that kernel chatter on the veth (IPv6 ND, ...) is told apart.
const testEtherType = 0x88b5

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// vethPair creates a veth pair named after the process, up, without IPv6,
// removed at the end of the test.
func vethPair(t *testing.T) (a, b string) {
	a, b = fmt.Sprintf("w2ka%d", os.Getpid()), fmt.Sprintf("w2kb%d", os.Getpid())
	run(t, "ip", "link", "add", a, "type", "veth", "peer", "name", b)
	t.Cleanup(func() { exec.Command("ip", "link", "del", a).Run() })
	for _, i := range []string{a, b} {
		os.WriteFile("/proc/sys/net/ipv6/conf/"+i+"/disable_ipv6", []byte("1"), 0o644)
		run(t, "ip", "link", "set", i, "up")
	}
	return a, b
}

// rawSocket opens an AF_PACKET socket bound to iface.
func rawSocket(t *testing.T, iface string) int {
	t.Helper()
	ifi, err := net.InterfaceByName(iface)
	if err != nil {
		t.Fatal(err)
	}
	proto := int(htons(syscall.ETH_P_ALL))
	fd, err := syscall.Socket(syscall.AF_PACKET, syscall.SOCK_RAW, proto)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrLinklayer{Protocol: uint16(proto), Ifindex: ifi.Index}); err != nil {
		t.Fatal(err)
	}
	tv := syscall.Timeval{Usec: 100_000}
	syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv)
	return fd
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// testFrame is frame i of the veth test: our EtherType, then i and a
// pattern.
func testFrame(i int) []byte {
	f := make([]byte, 60+i%200)
	copy(f, []byte{0x02, 0, 0, 0, 0, 0xaa, 0x02, 0, 0, 0, 0, 0xbb})
	binary.BigEndian.PutUint16(f[12:], testEtherType)
	binary.BigEndian.PutUint32(f[14:], uint32(i))
	for j := 18; j < len(f); j++ {
		f[j] = byte(i + j)
	}
	return f
}

func TestAFPacketVeth(t *testing.T) {
	a, b := vethPair(t)
	name := fmt.Sprintf("net_af_packet_w2k%d", os.Getpid())
	p, err := dpdk.AttachVdev(name, "iface="+a)
	if err != nil {
		t.Fatal(err)
	}
	pool := newPool(t, 1023, 16)
	if _, err := p.Configure(dpdk.PortConfig{Pool: pool, Promiscuous: true}); err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	// Promiscuous mode reaches the kernel interface (IFF_PROMISC) and back.
	promisc := func() bool {
		out, err := exec.Command("ip", "link", "show", a).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.Contains(string(out), "PROMISC")
	}
	for _, on := range []bool{false, true} {
		if err := p.SetPromiscuous(on); err != nil {
			t.Fatalf("SetPromiscuous(%v): %v", on, err)
		}
		if p.Promiscuous() != on || promisc() != on {
			t.Fatalf("SetPromiscuous(%v): Promiscuous() = %v, kernel PROMISC flag %v", on, p.Promiscuous(), promisc())
		}
	}
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Error(err)
		}
		if err := p.Close(); err != nil {
			t.Error(err)
		}
		if err := dpdk.DetachVdev(name); err != nil {
			t.Error(err)
		}
		if _, err := dpdk.PortByName(name); err == nil {
			t.Errorf("port %s still there after detach", name)
		}
	})
	fd := rawSocket(t, b)

	// Kernel -> DPDK: frames sent on b arrive on the port, in order.
	const N = 200
	for i := 0; i < N; i++ {
		if err := syscall.Sendto(fd, testFrame(i), 0, &syscall.SockaddrLinklayer{Ifindex: mustIndex(t, b), Halen: 6}); err != nil {
			t.Fatal(err)
		}
	}
	arr := newArray(t, 32)
	got, other := 0, 0
	deadline := time.Now().Add(5 * time.Second)
	for got < N && time.Now().Before(deadline) {
		n := p.RxBurst(0, arr, 32)
		for _, m := range arr.Slice()[:n] {
			d := m.Data()
			if len(d) < 18 || binary.BigEndian.Uint16(d[12:]) != testEtherType {
				other++
				continue
			}
			if !bytes.Equal(d, testFrame(got)) {
				t.Fatalf("frame %d: got %d bytes %x...", got, len(d), d[:18])
			}
			got++
		}
		dpdk.FreeBulk(arr, 0, n)
		if n == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	if got != N {
		t.Fatalf("received %d of %d frames (%d others)", got, N, other)
	}

	// DPDK -> kernel: a burst sent on the port arrives on b.
	const M = 20
	if err := pool.AllocBulk(arr, M); err != nil {
		t.Fatal(err)
	}
	for i, m := range arr.Slice()[:M] {
		f := testFrame(1000 + i)
		m.SetLen(len(f))
		copy(m.Data(), f)
	}
	sent := 0
	for sent < M && time.Now().Before(deadline) {
		sent += p.TxBurst(0, arr, sent, M-sent)
	}
	if sent != M {
		dpdk.FreeBulk(arr, sent, M-sent)
		t.Fatalf("TX took %d of %d", sent, M)
	}
	buf := make([]byte, 2048)
	rcv := 0
	for rcv < M && time.Now().Before(deadline) {
		n, _, err := syscall.Recvfrom(fd, buf, 0)
		if err != nil {
			continue
		}
		if n >= 18 && binary.BigEndian.Uint16(buf[12:]) == testEtherType && binary.BigEndian.Uint32(buf[14:]) >= 1000 {
			if !bytes.Equal(buf[:n], testFrame(1000+rcv)) {
				t.Fatalf("kernel got frame %d wrong", rcv)
			}
			rcv++
		}
	}
	if rcv != M {
		t.Fatalf("kernel received %d of %d frames", rcv, M)
	}
	st, err := p.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.IPackets < N || st.OPackets != M {
		t.Fatalf("stats %+v", st)
	}
	t.Logf("veth %s/%s: %d frames in (+%d kernel frames), %d out; stats %+v", a, b, got, other, rcv, st)
}

func mustIndex(t *testing.T, name string) int {
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return ifi.Index
}
