package pipeline

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"wire2kafka/dpdk/ealtest"
	"wire2kafka/report/intgen"
	"wire2kafka/report/pcap"
)

// capture is a generated pcap with its ground truth, read by one net_pcap
// vdev of the test binary.
type capture struct {
	vdev    string // net_pcapN
	path    string
	truth   *intgen.Truth
	packets int      // packets in the pcap
	times   []uint64 // receive times of the packets, in order
	other   int      // extra non-INT packets no rule matches (UDP to otherPort)
}

const otherPort = 9999

// captures of this test binary, by name; written by TestMain before EAL
// starts (net_pcap opens its file at probe), read-only afterwards.
var captures = map[string]*capture{}

// captureSpecs are the captures TestMain generates: one vdev each, so every
// test starts from a fresh port.
var captureSpecs = []struct {
	name  string
	opts  intgen.Options
	other int // insert one non-matching packet after every other-th INT packet
}{
	{"tr", intgen.Options{Format: intgen.FormatTR, Flows: 8, Packets: 3000, Malformed: 0.03, Seed: 1, ReportsPerPacket: 1, Micro: true}, 30},
	// every variant (inner IPv6, 802.1Q, NPT 1/2, TR v1.0/v0.5, drop and
	// Inner Only reports...), two per group, some groups losing one report
	{"tr-2lcores", intgen.Options{Format: intgen.FormatTR, Mix: true, Flows: 8, Packets: 3000, Malformed: 0.03, Seed: 2, ReportsPerPacket: 2, Micro: true}, 30},
	{"idint-single", intgen.Options{Format: intgen.FormatIDINT, Flows: 5, Packets: 1500, Malformed: 0.02, Seed: 3, Micro: true}, 0},
	{"sampling", intgen.Options{Format: intgen.FormatTR, Flows: 4, Packets: 2000, Seed: 4}, 0},
	{"histogram", intgen.Options{Format: intgen.FormatTR, Flows: 3, Packets: 2000, Seed: 5, Exponential: true, Micro: true}, 0},
	{"raw", intgen.Options{Format: intgen.FormatTR, Flows: 3, Packets: 700, Seed: 6}, 0},
	{"ringfull", intgen.Options{Format: intgen.FormatTR, Flows: 16, Packets: 20000, Seed: 7}, 0},
	{"infinite", intgen.Options{Format: intgen.FormatTR, Flows: 8, Packets: 1000, Seed: 9, Micro: true}, 0},
	{"sinkdrop", intgen.Options{Format: intgen.FormatTR, Flows: 16, Packets: 5000, Seed: 8}, 0},
	{"ringwait", intgen.Options{Format: intgen.FormatTR, Flows: 16, Packets: 20000, Seed: 10}, 0},
	{"blocktimeout", intgen.Options{Format: intgen.FormatTR, Flows: 16, Packets: 5000, Seed: 11}, 0},
	// N:M dispatch: many flows of every variant, one rule over 2 workers
	{"ntom-1", intgen.Options{Format: intgen.FormatTR, Mix: true, Flows: 64, Packets: 6000, Malformed: 0.02, Seed: 13, Micro: true}, 50},
	{"ntom-2", intgen.Options{Format: intgen.FormatTR, Mix: true, Flows: 64, Packets: 6000, Malformed: 0.02, Seed: 14, Micro: true}, 50},
	{"ntom-idint", intgen.Options{Format: intgen.FormatIDINT, Mix: true, Flows: 32, Packets: 3000, Seed: 15, Micro: true}, 0},
	{"ntom-groups", intgen.Options{Format: intgen.FormatTR, Mix: true, Flows: 64, Packets: 4000, ReportsPerPacket: 3, Malformed: 0.03, Seed: 16, Micro: true}, 0},
	{"poolsize", intgen.Options{Format: intgen.FormatTR, Flows: 8, Packets: 5000, Seed: 12}, 0},
	{"poolsize-64k", intgen.Options{Format: intgen.FormatTR, Flows: 8, Packets: 5000, Seed: 12}, 0},
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wire2kafka-pipeline-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var vdevs []string
	for i, spec := range captureSpecs {
		c, err := writeCapture(dir, spec.name, spec.opts, spec.other)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		c.vdev = fmt.Sprintf("net_pcap%d", i)
		captures[spec.name] = c
		dev := fmt.Sprintf("%s,rx_pcap=%s", c.vdev, c.path)
		if spec.name == "infinite" {
			dev += ",infinite_rx=1" // replays the capture for ever: load
		}
		vdevs = append(vdevs, dev)
	}
	code := ealtest.Run(m, ealtest.Config{Vdevs: vdevs, Lcores: 3, MemMB: 512})
	os.RemoveAll(dir)
	os.Exit(code)
}

// writeCapture generates a capture and its truth, and inserts a
// non-matching UDP packet after every every-th INT packet.
func writeCapture(dir, name string, opts intgen.Options, every int) (*capture, error) {
	var gen, truth bytes.Buffer
	if _, err := intgen.Generate(opts, &gen, &truth); err != nil {
		return nil, fmt.Errorf("generate %s: %w", name, err)
	}
	t, err := intgen.ReadTruth(&truth)
	if err != nil {
		return nil, err
	}
	c := &capture{path: filepath.Join(dir, name+".pcap"), truth: t}
	f, err := os.Create(c.path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := pcap.NewReader(&gen)
	if err != nil {
		return nil, err
	}
	w, err := pcap.NewWriter(f, r.Nano(), 65535)
	if err != nil {
		return nil, err
	}
	for i := 0; ; i++ {
		ts, data, orig, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if err := w.WritePacket(ts, data, orig); err != nil {
			return nil, err
		}
		c.packets++
		c.times = append(c.times, ts)
		if every > 0 && i%every == every-1 {
			pkt := otherPacket(uint16(i))
			if err := w.WritePacket(ts+1, pkt, len(pkt)); err != nil {
				return nil, err
			}
			c.packets++
			c.other++
			c.times = append(c.times, ts+1)
		}
	}
	return c, w.Flush()
}

// otherPacket is a plain UDP/IPv4 packet to otherPort that no test rule
// matches.
func otherPacket(id uint16) []byte {
	b := make([]byte, 14+20+8+18)
	copy(b[0:6], []byte{2, 0, 0, 0, 0, 2})
	copy(b[6:12], []byte{2, 0, 0, 0, 0, 1})
	binary.BigEndian.PutUint16(b[12:], 0x0800)
	ip := b[14:]
	ip[0], ip[8], ip[9] = 0x45, 64, 17
	binary.BigEndian.PutUint16(ip[2:], uint16(len(ip)))
	binary.BigEndian.PutUint16(ip[4:], id)
	copy(ip[12:16], []byte{10, 9, 9, 1})
	copy(ip[16:20], []byte{10, 9, 9, 2})
	udp := ip[20:]
	binary.BigEndian.PutUint16(udp[0:], 40000)
	binary.BigEndian.PutUint16(udp[2:], otherPort)
	binary.BigEndian.PutUint16(udp[4:], uint16(len(udp)))
	return b
}
