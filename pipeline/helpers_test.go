package pipeline

import (
	"encoding/hex"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"wire2kafka/report/intgen"

	"google.golang.org/protobuf/proto"

	"wire2kafka/config"
	"wire2kafka/kafkaout"
	"wire2kafka/report/reportpb"
)

// layout places the workers of the one test pipeline: RX and ACL always on
// lcore 1, the flow and Kafka workers where given.
type layout struct {
	flow  [2]int
	kafka int
}

var (
	oneLcore  = layout{flow: [2]int{1, 1}, kafka: 1}
	twoLcores = layout{flow: [2]int{2, 2}, kafka: 2}
)

// testPlan builds a validated plan reading capture c with the given rules
// (YAML list items) and settings.
func testPlan(t testing.TB, c *capture, l layout, ringSize int, kafka, rules string) *config.Plan {
	t.Helper()
	if kafka == "" {
		kafka = "{sink: discard, queue: {policy: block, block_timeout: 1s}, batch: {max_reports: 64, linger: 2ms}}"
	}
	y := fmt.Sprintf(`eal: {lcores: "0-2", main_lcore: 0}
ports: [{name: %s, rx_queues: 1}]
mempool: {mbufs: 4095, cache: 64}
rings: {size: %d}
burst: 32
idle: {policy: sleep, sleep_us: 20}
int: {sink_isd_as: "1-ff00:0:1", sink_index: 1, md_udp_ports: [%d]}
kafka: %s
pipelines:
  - name: p0
    rx: [{port: %s, lcore: 1}]
    acl_workers: [{lcore: 1}]
    flow_workers: [{lcore: %d}, {lcore: %d}]
    kafka_workers: [{lcore: %d}]
rules:
%s`, c.vdev, ringSize, intgen.DefaultMDUDPPort, kafka, c.vdev, l.flow[0], l.flow[1], l.kafka, rules)
	cfg, err := config.Parse(t.Name()+".yaml", []byte(y))
	if err != nil {
		t.Fatalf("config: %v\n%s", err, y)
	}
	plan, err := cfg.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

var pipelineNames atomic.Int32

// result is what a finished run leaves: exact counters per worker.
type result struct {
	workers []Worker
	snaps   []Snapshot
	stats   []WorkerStats
}

func (r *result) sum(kind config.Kind) Snapshot {
	var s Snapshot
	for i, w := range r.workers {
		if w.Kind != kind {
			continue
		}
		x := r.snaps[i]
		s.In += x.In
		s.Out += x.Out
		s.Queued += x.Queued
		for j := range s.Drops {
			s.Drops[j] += x.Drops[j]
		}
		for j := range s.ParseErrors {
			s.ParseErrors[j] += x.ParseErrors[j]
			s.ReportErrors[j] += x.ReportErrors[j]
		}
		s.PartialStacks += x.PartialStacks
		s.Copies += x.Copies
		s.Reports += x.Reports
		s.ReportsDropped += x.ReportsDropped
		s.Messages += x.Messages
		s.Histograms += x.Histograms
		s.HistogramsLost += x.HistogramsLost
	}
	return s
}

// checkAccounting checks in = out + drops + queued for every worker and
// that each stage took in exactly what the one before passed on.
func (r *result) checkAccounting(t *testing.T, packets int) {
	t.Helper()
	for i, w := range r.workers {
		s := r.snaps[i]
		if !s.Balanced() {
			t.Errorf("%s: in %d != out %d + drops %d + queued %d", w.Name, s.In, s.Out, s.DropTotal(), s.Queued)
		}
		if s.Queued != 0 {
			t.Errorf("%s: %d packets still queued after the drain", w.Name, s.Queued)
		}
	}
	rx, acl, flow, kafka := r.sum(config.KindRX), r.sum(config.KindACL), r.sum(config.KindFlow), r.sum(config.KindKafka)
	if rx.In != uint64(packets) {
		t.Errorf("rx in %d, want the capture's %d packets", rx.In, packets)
	}
	if acl.In != rx.Out || flow.In != acl.Out || kafka.In != flow.Out+flow.Histograms {
		t.Errorf("stages do not chain: rx out %d, acl in %d out %d, flow in %d out %d (+%d histograms), kafka in %d",
			rx.Out, acl.In, acl.Out, flow.In, flow.Out, flow.Histograms, kafka.In)
	}
}

// run builds and starts the pipeline, waits until RX has taken every packet
// of the capture, stops it (drain) and returns the exact counters.
func run(t *testing.T, plan *config.Plan, sink kafkaout.Sink, c *capture, during func(p *Pipeline)) *result {
	t.Helper()
	p, err := New(plan, Options{Sink: sink, Name: fmt.Sprintf("t%d", pipelineNames.Add(1))})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	if during != nil {
		during(p)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		in := stageIn(p, config.KindRX)
		if in >= uint64(c.packets) {
			break
		}
		if time.Now().After(deadline) {
			var sb strings.Builder
			WriteTable(&sb, Rows(p.Stats(), nil, 0))
			t.Fatalf("rx took %d of %d packets in 60 s (net_pcap drops what it reads when the mempool is empty: rx_nombuf); mbufs in use %d; counters:\n%s", in, c.packets, p.Pool().InUse(), sb.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := p.Stop(20 * time.Second); err != nil {
		t.Errorf("stop: %v", err)
	}
	r := finalResult(p)
	if t.Failed() || testing.Verbose() {
		var sb strings.Builder
		WriteTable(&sb, Rows(r.stats, nil, 0))
		t.Logf("counters:\n%s", sb.String())
	}
	return r
}

// startPipeline builds a pipeline of plan into sink and starts it; it is
// closed when the test ends.
func startPipeline(t *testing.T, plan *config.Plan, sink kafkaout.Sink, name string) *Pipeline {
	t.Helper()
	p, err := New(plan, Options{Sink: sink, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	return p
}

// finalResult reads the counters of a stopped pipeline.
func finalResult(p *Pipeline) *result {
	r := &result{workers: p.Workers(), stats: p.Stats()}
	for _, s := range r.stats {
		r.snaps = append(r.snaps, s.Snapshot)
	}
	return r
}

// stageIn is what the workers of one kind have taken in. It reads the
// workers' own counters (Go memory), so it is safe after p is closed.
func stageIn(p *Pipeline, kind config.Kind) uint64 {
	var in uint64
	for _, w := range p.Workers() {
		if w.Kind == kind {
			in += w.Counters.In.Load()
		}
	}
	return in
}

// decoded is every report of the recorded messages, per Kafka key in
// message order, with the per-key sequence numbers seen.
type decoded struct {
	reports map[string][]*reportpb.Report // by key hex
	seqs    map[string][]uint64
	types   map[kafkaout.PayloadType]int
	count   int
}

func decodeRecorded(t *testing.T, msgs []kafkaout.Recorded) *decoded {
	t.Helper()
	d := &decoded{reports: map[string][]*reportpb.Report{}, seqs: map[string][]uint64{}, types: map[kafkaout.PayloadType]int{}}
	for _, m := range msgs {
		key := hex.EncodeToString(m.Key)
		d.types[m.Type]++
		d.seqs[key] = append(d.seqs[key], m.Sequence)
		switch m.Type {
		case kafkaout.PayloadReportBatch:
			var b reportpb.ReportBatch
			if err := proto.Unmarshal(m.Value, &b); err != nil {
				t.Fatalf("ReportBatch: %v", err)
			}
			if b.Sequence != m.Sequence || uint32(len(b.Reports)) != m.Count {
				t.Fatalf("batch sequence %d count %d, message says %d %d", b.Sequence, len(b.Reports), m.Sequence, m.Count)
			}
			d.reports[key] = append(d.reports[key], b.Reports...)
			d.count += len(b.Reports)
		case kafkaout.PayloadReport:
			var r reportpb.Report
			if err := proto.Unmarshal(m.Value, &r); err != nil {
				t.Fatalf("Report: %v", err)
			}
			d.reports[key] = append(d.reports[key], &r)
			d.count++
		}
	}
	for key, seqs := range d.seqs {
		for i, s := range seqs {
			if s != uint64(i+1) {
				t.Fatalf("key %s: message %d has sequence %d, want %d", key, i, s, i+1)
			}
		}
	}
	return d
}

// checkTruth compares the decoded reports with the capture's ground truth:
// every report once, equal, in per-flow order. clearSeq drops the
// single-mode sequence number before comparing, clearTime the receive
// times (for packets injected without capture timestamps).
func checkTruth(t *testing.T, d *decoded, c *capture, clearSeq bool, clearTime ...bool) {
	t.Helper()
	if d.count != len(c.truth.Reports) {
		t.Errorf("%d reports, truth has %d", d.count, len(c.truth.Reports))
	}
	next := map[string]int{}
	bad := 0
	for _, tr := range c.truth.Reports {
		key := hex.EncodeToString(tr.KeyBytes)
		got := d.reports[key]
		i := next[key]
		next[key]++
		if i >= len(got) {
			t.Errorf("flow %d: report %d missing", tr.Flow, tr.Index)
			bad++
		} else {
			g := got[i]
			want := tr.Report
			if clearSeq {
				g = proto.Clone(g).(*reportpb.Report)
				g.Sequence = 0
			}
			if len(clearTime) > 0 && clearTime[0] {
				g, want = proto.Clone(g).(*reportpb.Report), proto.Clone(want).(*reportpb.Report)
				g.ReceiveTimeNs, want.ReceiveTimeNs = 0, 0
			}
			if !proto.Equal(g, want) {
				t.Errorf("flow %d report %d differs:\n got  %v\n want %v", tr.Flow, tr.Index, g, want)
				bad++
			}
		}
		if bad > 2 {
			t.Fatal("too many differences")
		}
	}
	for key, got := range d.reports {
		if len(got) != next[key] {
			t.Errorf("key %s: %d reports, truth has %d (duplicates or strangers)", key, len(got), next[key])
		}
	}
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
