package main

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"wire2kafka/report/intdecode"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"wire2kafka/config"
	"wire2kafka/dpdk"
	"wire2kafka/kafkaout"
	"wire2kafka/pipeline"
	"wire2kafka/pipeline/metrics"
)

// fakeWorkers gives fixed worker statistics; every Stats call adds step
// packets to the RX worker (so --watch sees a rate).
type fakeWorkers struct {
	mu    sync.Mutex
	stats []pipeline.WorkerStats
	step  uint64
}

func (f *fakeWorkers) Stats() []pipeline.WorkerStats {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := append([]pipeline.WorkerStats(nil), f.stats...)
	f.stats[0].In += f.step
	f.stats[0].Out += f.step
	return out
}

type fakePorts struct{}

func (fakePorts) PortStats() []metrics.PortStats {
	return []metrics.PortStats{{Name: "net_pcap0", Driver: "net_pcap", Stats: dpdk.Stats{IPackets: 100500, IMissed: 400, RxNoMbuf: 100}}}
}

type fakeKafka struct{ c kafkaout.Counters }

func (f fakeKafka) Counters() []kafkaout.Counters { return []kafkaout.Counters{f.c} }

func testWorkers() []pipeline.WorkerStats {
	w := func(name string, kind config.Kind, in, out, queued uint64, drops map[pipeline.Reason]uint64, free, capacity int) pipeline.WorkerStats {
		s := pipeline.WorkerStats{Worker: pipeline.Worker{Name: "p0/" + name, Pipeline: "p0", Kind: kind},
			Snapshot: pipeline.Snapshot{In: in, Out: out, Queued: queued}, RingFree: free, RingCap: capacity}
		for r, n := range drops {
			s.Drops[r] = n
		}
		if kind == config.KindKafka {
			s.ParseErrors[intdecode.Reason(1)] = drops[pipeline.DropParseError]
			s.Reports, s.Messages = out, out/10
		}
		return s
	}
	return []pipeline.WorkerStats{
		w("rx-worker-00", config.KindRX, 100000, 100000, 0, nil, -1, 0),
		w("acl-worker-00", config.KindACL, 100000, 99000, 0, map[pipeline.Reason]uint64{pipeline.DropNoRule: 1000}, 1000, 1023),
		w("flow-worker-00", config.KindFlow, 60000, 59000, 0, map[pipeline.Reason]uint64{pipeline.DropRingFull: 1000}, 1023, 1023),
		w("flow-worker-01", config.KindFlow, 39000, 39000, 0, nil, 1023, 1023),
		w("kafka-worker-00", config.KindKafka, 98000, 97000, 700, map[pipeline.Reason]uint64{pipeline.DropParseError: 300}, 900, 1023),
	}
}

// TestStatsCommand: the table printed from a /metrics scrape equals the
// table printed from the counters themselves, through the real collector
// and the Prometheus text format; --watch shows rates.
func TestStatsCommand(t *testing.T) {
	workers := &fakeWorkers{stats: testWorkers(), step: 2_000_000}
	k := kafkaout.Counters{Delivered: 9000, DeliveredReports: 96000, DeliveredBytes: 5e6, Failed: 10, FailedReports: 1000,
		FailedBy: map[string]uint64{"_MSG_TIMED_OUT": 10}, InFlight: 5, Latency: make([]uint64, len(kafkaout.LatencyBounds)+1)}
	col := metrics.NewCollector(metrics.Sources{Workers: workers, Kafka: fakeKafka{k}, Ports: fakePorts{}}, "test")
	reg, err := metrics.NewRegistry(col)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()

	var want bytes.Buffer
	nic := []pipeline.TableRow{{Name: "[nic-port-net_pcap0]", In: 100500, Out: 100500, Drops: 500, RingSpace: -1},
		{Name: "[nic]", In: 100500, Out: 100500, Drops: 500, RingSpace: -1}}
	pipeline.WriteTable(&want, append(nic, pipeline.Rows(testWorkers(), nil, 0)...))
	var got bytes.Buffer
	if err := statsCmd([]string{"-u", srv.URL}, &got); err != nil {
		t.Fatal(err)
	}
	table, kafkaLine, _ := strings.Cut(got.String(), "[kafka-conn]")
	if table != want.String() {
		t.Errorf("table from /metrics:\n%s\nwant (from the counters):\n%s", table, want.String())
	}
	for _, s := range []string{"delivered 9000 messages (96000 reports, 5000000 bytes)", "failed 10 (1000 reports) [_MSG_TIMED_OUT 10]", "in flight 5"} {
		if !strings.Contains(kafkaLine, s) {
			t.Errorf("kafka line %q lacks %q", kafkaLine, s)
		}
	}

	got.Reset()
	start := time.Now()
	if err := statsCmd([]string{"-u", srv.URL, "--watch", "200ms", "-n", "2"}, &got); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 200*time.Millisecond || d > 5*time.Second {
		t.Errorf("two tables 200 ms apart took %v", d)
	}
	tables := strings.Split(got.String(), "[kafka-conn]")
	if len(tables) != 3 {
		t.Fatalf("--watch -n 2 printed %d tables:\n%s", len(tables)-1, got.String())
	}
	// The second table has the RX rate: 2e6 packets in about 0.2 s, 10 Mpps.
	for _, line := range strings.Split(tables[1], "\n") {
		f := strings.Fields(line)
		if len(f) > 2 && f[0] == "[p0/rx-worker-00]" {
			if f[2] == "0.000000" {
				t.Errorf("--watch: no rate in %q", line)
			}
			t.Logf("rate row: %s", line)
		}
	}
}

func TestStatsCommandErrors(t *testing.T) {
	srv := httptest.NewServer(promhttp.Handler()) // Go metrics only
	defer srv.Close()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-u", srv.URL}, "no wire2kafka worker metrics"},
		{[]string{"-u", "http://127.0.0.1:1/metrics"}, "connection refused"},
		{[]string{"extra"}, "unexpected argument"},
	} {
		err := statsCmd(tt.args, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("stats %v: err %v, want %q", tt.args, err, tt.want)
		}
	}
}
