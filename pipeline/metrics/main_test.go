package metrics

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"wire2kafka/dpdk"
	"wire2kafka/dpdk/ealtest"
	"wire2kafka/kafkaout/kafkatest"
	"wire2kafka/report/intgen"
	"wire2kafka/report/pcap"
)

// burstPcap is the net_pcap capture read once at start (net_pcap0);
// paced are the packets a test injects through a ring port at a chosen
// rate. Both written by TestMain, read-only afterwards.
var (
	burstPcap   string
	burstPkts   int
	pacedPkts   [][]byte
	pacedFormat = intgen.Options{Format: intgen.FormatTR, Flows: 8, Packets: 2000, Seed: 12, Malformed: 0.01}
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wire2kafka-metrics-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	burstPcap = filepath.Join(dir, "burst.pcap")
	burstPkts, err = writeCapture(burstPcap, intgen.Options{Format: intgen.FormatTR, Flows: 8, Packets: 5000, Malformed: 0.03, Seed: 11})
	if err == nil {
		pacedPkts, err = packets(pacedFormat)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	cfg := ealtest.Config{Vdevs: []string{"net_pcap0,rx_pcap=" + burstPcap}, Lcores: 3, MemMB: 512}
	// ealtest.Run and kafkatest.Run both run m; do ealtest's part here.
	if _, err := ealtest.Init(cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	code := kafkatest.Run(m)
	if err := dpdk.WaitAll(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	dpdk.Cleanup()
	os.Remove(fmt.Sprintf("/var/run/dpdk/w2k_test_%d", os.Getpid()))
	os.RemoveAll(dir)
	os.Exit(code)
}

func writeCapture(path string, o intgen.Options) (int, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if _, err := intgen.Generate(o, f, io.Discard); err != nil {
		return 0, fmt.Errorf("generate: %w", err)
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	pkts, err := packets(o) // the packets the pcap holds
	return len(pkts), err
}

func packets(o intgen.Options) ([][]byte, error) {
	var buf bytes.Buffer
	if _, err := intgen.Generate(o, &buf, io.Discard); err != nil {
		return nil, err
	}
	r, err := pcap.NewReader(&buf)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for {
		_, data, _, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, append([]byte(nil), data...))
	}
}
