package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"wire2kafka/kafkaout/kafkatest"
	"wire2kafka/report/intgen"
	"wire2kafka/report/pcap"
)

// TestRunGarbage: W2K_GARBAGE_PACKETS (default 10^7) packets of garbage
// through the whole daemon on net_pcap into a real broker: random bytes,
// random payloads behind valid headers, bit flips, truncations and length
// fields pushed to their limits in real Telemetry Reports and ID-INT
// packets, and some intact ones. The daemon must not crash or stall (it
// runs to the end of the capture and exits when idle), must receive every
// packet and account for each (every worker balances), and must deliver
// every message it submitted.
func TestRunGarbage(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: 10^7 packets take about a minute")
	}
	n := 10_000_000
	if s := os.Getenv("W2K_GARBAGE_PACKETS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			t.Fatalf("W2K_GARBAGE_PACKETS=%q: want a positive count", s)
		}
		n = v
	}
	bin := binary(t)
	bootstrap := kafkatest.Bootstrap(t)
	seed := uint64(time.Now().UnixNano())
	capture := filepath.Join(t.TempDir(), "garbage.pcap")
	start := time.Now()
	kinds := writeGarbage(t, capture, n, seed)
	st, _ := os.Stat(capture)
	t.Logf("seed %d: %d packets (%d MB) written in %v: %v", seed, n, st.Size()>>20, time.Since(start).Round(time.Millisecond), kinds)

	topic := kafkatest.TopicName(t)
	y := fmt.Sprintf(`eal: {lcores: "0-1", memory_mb: 512, file_prefix: %q}
ports: [{name: net_pcap0, devargs: %q}]
mempool: {mbufs: 16383, cache: 256}
rings: {size: 4096}
burst: 64
idle: {policy: sleep, sleep_us: 50}
int:
  formats: [telemetry_report, idint]
  telemetry_report_ports: [32766]
  idint_ports: [30041, 30042]
  md_udp_ports: [5000]
kafka:
  queue: {messages: 4096, policy: block, block_timeout: 30s}
  batch: {max_reports: 256, linger: 5ms}
  create_topics: {enabled: true, partitions: 3}
  flush_timeout: 60s
  producer: {bootstrap.servers: %q, linger.ms: "5"}
metrics: {listen: "127.0.0.1:0", table_interval: 0s}
pipelines:
  - name: p0
    rx: [{port: net_pcap0, lcore: 1}]
    acl_workers: [{lcore: 1}]
    flow_workers: [{lcore: 1}, {lcore: 1}]
    kafka_workers: [{lcore: 1}, {lcore: 1}]
rules:
  - {name: tr, priority: 10, protocol: udp, dst_port: 32766, flow_workers: all, kafka_topic: %q, output: batch}
  - {name: idint, priority: 10, protocol: udp, dst_port: 30041-30042, flow_workers: all, kafka_topic: %q, output: batch}
  - {name: rest, service_function: sampling, sampling_rate: 1000, kafka_topic: %q, output: raw}
`, "w2k-garbage-"+strconv.Itoa(os.Getpid()), "rx_pcap="+capture, bootstrap, topic, topic+"-idint", topic+"-raw")
	cfg := filepath.Join(t.TempDir(), "garbage.yaml")
	if err := os.WriteFile(cfg, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	start = time.Now()
	out, err := exec.CommandContext(ctx, bin, "run", "-c", cfg, "--exit-when-idle", "2s", "--quiet").CombinedOutput()
	took := time.Since(start)
	t.Cleanup(func() {
		for _, tp := range []string{topic, topic + "-idint", topic + "-raw"} {
			kafkatest.DeleteTopic(t, tp)
		}
	})
	if ctx.Err() != nil {
		t.Fatalf("the daemon did not finish 10 minutes into %d packets (a stall):\n%s", n, tailLines(string(out), 60))
	}
	if err != nil {
		t.Fatalf("run: %v (a crash?)\n%s", err, tailLines(string(out), 60))
	}
	messages, reports, received := checkRunOutput(t, string(out))
	// The port may lose a few packets before RX when the mbuf pool runs
	// dry under back-pressure (rx_nombuf, as a NIC counts imissed): they
	// are counted at the port, and with what RX received make the capture.
	nic := nicRE.FindStringSubmatch(string(out))
	if nic == nil {
		t.Fatalf("no [nic] line in the final table:\n%s", tailLines(string(out), 40))
	}
	portIn, _ := strconv.Atoi(nic[1])
	portDrops, _ := strconv.Atoi(nic[2])
	if portDrops > n/1000 {
		t.Errorf("%d packets lost at the port, more than 0.1%% of %d", portDrops, n)
	}
	if portIn != received || portIn+portDrops != n {
		t.Errorf("the port received %d and dropped %d, RX took %d; the capture has %d:\n%s", portIn, portDrops, received, n, tailLines(string(out), 40))
	}
	t.Logf("%d packets received (%d dropped at the port, rx_nombuf) and accounted for in %v (%.2f Mpps with start and drain); %d reports in %d messages delivered",
		received, portDrops, took.Round(time.Millisecond), float64(received)/took.Seconds()/1e6, reports, messages)
	t.Logf("the daemon's accounting:\n%s", tailLines(string(out), 30))
}

// nicRE reads the [nic] row of the final table: in and drops.
var nicRE = regexp.MustCompile(`\[nic\]\s+(\d+)\s+\S+\s+\d+\s+\d+\s+(\d+)`)

// garbage kinds, in the order of garbageNames.
const (
	gRandom   = iota // random bytes of random length
	gPayload         // a real packet's headers (Ethernet, IPv4, UDP) and random bytes after them
	gBitFlip         // a real packet with 1-8 bits flipped
	gTruncate        // a real packet cut short
	gLengths         // a real packet with length, count and offset fields pushed to limits
	gIntact          // a real packet
	garbageKinds
)

var garbageNames = [garbageKinds]string{"random", "random payload", "bit flips", "truncated", "fields at limits", "intact"}

// writeGarbage writes n packets of garbage made from seed to path and
// returns how many of each kind.
func writeGarbage(t *testing.T, path string, n int, seed uint64) map[string]int {
	t.Helper()
	var real [][]byte
	for _, o := range []intgen.Options{
		{Format: intgen.FormatTR, Mix: true, Flows: 64, Packets: 3000, Seed: seed},
		{Format: intgen.FormatIDINT, Mix: true, Flows: 64, Packets: 1500, Seed: seed + 1},
	} {
		var buf bytes.Buffer
		if _, err := intgen.Generate(o, &buf, io.Discard); err != nil {
			t.Fatal(err)
		}
		r, err := pcap.NewReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		for {
			_, p, _, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			real = append(real, append([]byte(nil), p...))
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w, err := pcap.NewWriter(bw, true, 65535)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	chacha := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16), byte(seed >> 24)})
	counts := map[string]int{}
	pkt := make([]byte, 0, 2048)
	for i := range n {
		kind := rng.IntN(garbageKinds)
		src := real[rng.IntN(len(real))]
		pkt = append(pkt[:0], src...)
		switch kind {
		case gRandom:
			pkt = pkt[:1+rng.IntN(600)]
			chacha.Read(pkt)
		case gPayload:
			if len(pkt) > 42 {
				chacha.Read(pkt[42:])
			}
		case gBitFlip:
			for range 1 + rng.IntN(8) {
				b := rng.IntN(len(pkt))
				pkt[b] ^= 1 << rng.IntN(8)
			}
		case gTruncate:
			pkt = pkt[:rng.IntN(len(pkt))]
		case gLengths:
			pushLimits(rng, pkt)
		}
		if len(pkt) == 0 {
			pkt = append(pkt, 0) // net_pcap reads empty records as nothing
		}
		counts[garbageNames[kind]]++
		if err := w.WritePacket(uint64(i)*1000, pkt, len(pkt)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	return counts
}

// pushLimits sets the IPv4 total length, the UDP length or 1-3 bytes
// among the first 128 (where the INT and ID-INT length, count and offset
// fields are) to an extreme: 0, the maximum, or one off the true value.
func pushLimits(rng *rand.Rand, p []byte) {
	set16 := func(off int) {
		if off+2 > len(p) {
			return
		}
		v := []uint16{0, 0xffff, uint16(len(p) - off + 2), uint16(len(p) - off - 1)}[rng.IntN(4)]
		p[off], p[off+1] = byte(v>>8), byte(v)
	}
	switch rng.IntN(3) {
	case 0:
		set16(14 + 2) // IPv4 total length
	case 1:
		set16(14 + 20 + 4) // UDP length
	default:
		for range 1 + rng.IntN(3) {
			b := rng.IntN(min(len(p), 128))
			p[b] = []byte{0, 0xff, 0x7f, 0x80, 0x01, 0x0f, 0xf0}[rng.IntN(7)]
		}
	}
}
