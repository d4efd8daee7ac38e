package metrics

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	"github.com/prometheus/common/expfmt"

	"wire2kafka/config"
	"wire2kafka/kafkaout"
	"wire2kafka/pipeline"
)

// TestPromtoolDeployFiles: `promtool check config` and `promtool check
// rules` accept the shipped scrape config and alert rules, and the alerts'
// unit tests (`promtool test rules`: each alert fires on its condition
// after its `for`, and not on what it must ignore) pass.
func TestPromtoolDeployFiles(t *testing.T) {
	for _, args := range [][]string{
		{"check", "config", repoPath(t, "deploy/prometheus/prometheus.yml")},
		{"check", "rules", repoPath(t, "deploy/prometheus/alerts.yml")},
		{"test", "rules", repoPath(t, "deploy/prometheus/alerts_test.yml")},
	} {
		out, err := exec.Command("promtool", args...).CombinedOutput()
		if err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

type fixedWorkers []pipeline.WorkerStats

func (f fixedWorkers) Stats() []pipeline.WorkerStats { return f }

type fixedKafka []kafkaout.Counters

func (f fixedKafka) Counters() []kafkaout.Counters { return f }

// TestCollectorFixed: the collector over fixed figures yields the values
// and histogram buckets it was given, and passes client_golang's linter.
func TestCollectorFixed(t *testing.T) {
	w := pipeline.WorkerStats{Worker: pipeline.Worker{Name: "p0/kafka-worker-00", Pipeline: "p0", Kind: config.KindKafka},
		Snapshot: pipeline.Snapshot{In: 10, Out: 7, Queued: 1, Reports: 7, Messages: 2}, RingFree: 5, RingCap: 7}
	w.Drops[pipeline.DropParseError] = 2
	lat := make([]uint64, len(kafkaout.LatencyBounds)+1)
	lat[0], lat[2], lat[len(lat)-1] = 1, 3, 1 // 250 µs, 1 ms, > 1 min
	k := kafkaout.Counters{Delivered: 5, DeliveredReports: 40, FailedBy: map[string]uint64{"_MSG_TIMED_OUT": 2}, Latency: lat}
	c := NewCollector(Sources{Workers: fixedWorkers{w}, Kafka: fixedKafka{k}}, "v1")
	c.RecordReload(nil)
	reg := prometheus.NewPedanticRegistry() // checks every metric against its Desc
	if err := reg.Register(c); err != nil {
		t.Fatal(err)
	}
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	if problems, err := promlint.NewWithMetricFamilies(fams).Lint(); err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %v", err, problems)
	}
	pick := map[string]bool{}
	for _, n := range []string{"wire2kafka_kafka_delivery_latency_seconds", "wire2kafka_kafka_messages_failed_total", "wire2kafka_packets_dropped_total",
		"wire2kafka_ring_free_slots", "wire2kafka_batch_size_reports", "wire2kafka_config_reloads_total"} {
		pick[n] = true
	}
	var got bytes.Buffer
	for _, f := range fams {
		if pick[f.GetName()] {
			if _, err := expfmt.MetricFamilyToText(&got, f); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := `
# HELP wire2kafka_batch_size_reports Reports per message submitted by a Kafka worker (sum: reports, count: messages).
# TYPE wire2kafka_batch_size_reports summary
wire2kafka_batch_size_reports_sum{pipeline="p0",stage="kafka",worker="p0/kafka-worker-00"} 7
wire2kafka_batch_size_reports_count{pipeline="p0",stage="kafka",worker="p0/kafka-worker-00"} 2
# HELP wire2kafka_config_reloads_total Config reloads (SIGHUP), by result (success, failure).
# TYPE wire2kafka_config_reloads_total counter
wire2kafka_config_reloads_total{result="failure"} 0
wire2kafka_config_reloads_total{result="success"} 1
# HELP wire2kafka_kafka_delivery_latency_seconds Wire-to-delivery latency: first packet's receive time to the broker's acknowledgement, per message.
# TYPE wire2kafka_kafka_delivery_latency_seconds histogram
wire2kafka_kafka_delivery_latency_seconds_bucket{connection="0",le="0.00025"} 1
wire2kafka_kafka_delivery_latency_seconds_bucket{connection="0",le="0.0005"} 1
wire2kafka_kafka_delivery_latency_seconds_bucket{connection="0",le="0.001"} 4
wire2kafka_kafka_delivery_latency_seconds_bucket{connection="0",le="0.0025"} 4
wire2kafka_kafka_delivery_latency_seconds_bucket{connection="0",le="0.005"} 4
wire2kafka_kafka_delivery_latency_seconds_bucket{connection="0",le="0.01"} 4
wire2kafka_kafka_delivery_latency_seconds_bucket{connection="0",le="0.025"} 4
wire2kafka_kafka_delivery_latency_seconds_bucket{connection="0",le="0.05"} 4
wire2kafka_kafka_delivery_latency_seconds_bucket{connection="0",le="0.1"} 4
wire2kafka_kafka_delivery_latency_seconds_bucket{connection="0",le="0.25"} 4
wire2kafka_kafka_delivery_latency_seconds_bucket{connection="0",le="0.5"} 4
wire2kafka_kafka_delivery_latency_seconds_bucket{connection="0",le="1"} 4
wire2kafka_kafka_delivery_latency_seconds_bucket{connection="0",le="2.5"} 4
wire2kafka_kafka_delivery_latency_seconds_bucket{connection="0",le="5"} 4
wire2kafka_kafka_delivery_latency_seconds_bucket{connection="0",le="10"} 4
wire2kafka_kafka_delivery_latency_seconds_bucket{connection="0",le="30"} 4
wire2kafka_kafka_delivery_latency_seconds_bucket{connection="0",le="60"} 4
wire2kafka_kafka_delivery_latency_seconds_bucket{connection="0",le="+Inf"} 5
wire2kafka_kafka_delivery_latency_seconds_sum{connection="0"} 0
wire2kafka_kafka_delivery_latency_seconds_count{connection="0"} 5
# HELP wire2kafka_kafka_messages_failed_total Messages whose delivery failed, by librdkafka error name.
# TYPE wire2kafka_kafka_messages_failed_total counter
wire2kafka_kafka_messages_failed_total{connection="0",reason="_MSG_TIMED_OUT"} 2
# HELP wire2kafka_packets_dropped_total Packets a worker dropped, by reason.
# TYPE wire2kafka_packets_dropped_total counter
wire2kafka_packets_dropped_total{pipeline="p0",reason="no_rule",stage="kafka",worker="p0/kafka-worker-00"} 0
wire2kafka_packets_dropped_total{pipeline="p0",reason="not_ip",stage="kafka",worker="p0/kafka-worker-00"} 0
wire2kafka_packets_dropped_total{pipeline="p0",reason="parse_error",stage="kafka",worker="p0/kafka-worker-00"} 2
wire2kafka_packets_dropped_total{pipeline="p0",reason="ring_full",stage="kafka",worker="p0/kafka-worker-00"} 0
wire2kafka_packets_dropped_total{pipeline="p0",reason="rule_drop",stage="kafka",worker="p0/kafka-worker-00"} 0
wire2kafka_packets_dropped_total{pipeline="p0",reason="sampled_out",stage="kafka",worker="p0/kafka-worker-00"} 0
wire2kafka_packets_dropped_total{pipeline="p0",reason="sink_full",stage="kafka",worker="p0/kafka-worker-00"} 0
wire2kafka_packets_dropped_total{pipeline="p0",reason="split",stage="kafka",worker="p0/kafka-worker-00"} 0
wire2kafka_packets_dropped_total{pipeline="p0",reason="summarized",stage="kafka",worker="p0/kafka-worker-00"} 0
wire2kafka_packets_dropped_total{pipeline="p0",reason="too_large",stage="kafka",worker="p0/kafka-worker-00"} 0
# HELP wire2kafka_ring_free_slots Free slots of the worker's input ring.
# TYPE wire2kafka_ring_free_slots gauge
wire2kafka_ring_free_slots{pipeline="p0",stage="kafka",worker="p0/kafka-worker-00"} 5
`
	if got.String() != strings.TrimPrefix(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", got.String(), want)
	}
}

// TestDocsListEveryMetric: docs/metrics.md names every metric of the
// collector.
func TestDocsListEveryMetric(t *testing.T) {
	b, err := os.ReadFile(repoPath(t, "docs/metrics.md"))
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`fqName: "([^"]+)"`)
	n := 0
	for _, d := range newDescs().all() {
		m := name.FindStringSubmatch(d.String())
		if m == nil {
			t.Fatalf("no name in %s", d)
		}
		n++
		if !strings.Contains(string(b), "`"+m[1]+"`") {
			t.Errorf("docs/metrics.md does not list %s", m[1])
		}
	}
	if n < 60 {
		t.Errorf("only %d metrics", n)
	}
}
