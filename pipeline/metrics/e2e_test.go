package metrics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"wire2kafka/config"
	"wire2kafka/deploy/prometheus/promtest"
	"wire2kafka/kafkaout"
	"wire2kafka/kafkaout/kafkatest"
	"wire2kafka/pipeline"
)

const repoRoot = "../.."

// mayBeEmpty are the deploy expressions that return no series on a healthy
// run: they only have data once something fails.
var mayBeEmpty = map[string]bool{
	`sum by (reason) (rate(wire2kafka_kafka_messages_failed_total[10s]))`: true,
}

func testPlan(t *testing.T, ringPort, topic, bootstrap string) *config.Plan {
	t.Helper()
	y := fmt.Sprintf(`eal: {lcores: "0-2", main_lcore: 0}
ports: [{name: net_pcap0, rx_queues: 1}, {name: %s, rx_queues: 1}]
mempool: {mbufs: 8191, cache: 64}
rings: {size: 1024}
burst: 32
idle: {policy: sleep, sleep_us: 50}
int: {sink_isd_as: "1-ff00:0:1", sink_index: 1}
kafka: {sink: kafka, queue: {messages: 2048, policy: block, block_timeout: 2s}, batch: {max_reports: 64, linger: 2ms}, producer: {bootstrap.servers: %q}}
metrics: {listen: "127.0.0.1:0"}
pipelines:
  - name: p0
    rx: [{port: net_pcap0, lcore: 1}, {port: %s, lcore: 1}]
    acl_workers: [{lcore: 1}]
    flow_workers: [{lcore: 1}, {lcore: 2}]
    kafka_workers: [{lcore: 2}]
rules:
  - name: telemetry-reports
    protocol: udp
    dst_port: 32766
    priority: 100
    kafka_topic: %q
    output: batch
`, ringPort, bootstrap, ringPort, topic)
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

// TestPrometheusEndToEnd runs the pipeline on a net_pcap capture plus paced
// traffic into a real Kafka broker, serves /metrics, lets a real Prometheus
// scrape it with our alert rules, evaluates every dashboard and alert
// expression, and checks that Prometheus' last values equal the final
// counters.
func TestPrometheusEndToEnd(t *testing.T) {
	bootstrap := kafkatest.Bootstrap(t)
	topic := kafkatest.NewTopic(t, 2)
	in := newInjector(t, "mtr")
	plan := testPlan(t, "net_ring_mtr", topic, bootstrap)
	prod, err := kafkaout.NewProducer(kafkaout.ProducerConfig{
		Librdkafka: map[string]string{"bootstrap.servers": bootstrap, "statistics.interval.ms": "1000", "linger.ms": "5"},
		Topics:     []string{topic}, PoolMessages: 2048,
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.New(plan, pipeline.Options{Sink: prod, Name: "m1"})
	if err != nil {
		prod.Close(time.Second)
		t.Fatal(err)
	}
	defer p.Close()
	srv, err := Start(Endpoint{Addr: "127.0.0.1:0"}, FromPipeline(p, prod), "test-version", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	prom := promtest.Start(t, promtest.Options{Targets: []string{srv.Addr()},
		RuleFiles: []string{repoPath(t, "deploy/prometheus/alerts.yml")}})

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// Prometheus applies its targets a few seconds after start.
	if _, err := prom.WaitFor(ctx, `up{job="wire2kafka"}`, func(s []promtest.Sample) bool { return len(s) == 1 && s[0].Value == 1 }); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	srv.Collector().RecordReload(nil)
	srv.Collector().RecordReload(errors.New("refused"))
	injected := in.pace(t, pacedPkts, []phase{{2000, 3 * time.Second}, {8000, 4 * time.Second}, {4000, 3 * time.Second}})
	t.Logf("injected %d packets through the ring port in %v after the %d-packet capture", injected, time.Since(start).Round(time.Millisecond), burstPkts)
	time.Sleep(2 * time.Second) // the chart shows the rates fall

	if code, body := get(t, "http://"+srv.Addr()+"/healthz"); code != 200 {
		t.Errorf("/healthz: %d %s", code, body)
	}
	if code, body := get(t, "http://"+srv.Addr()+"/readyz"); code != 200 {
		t.Errorf("/readyz while running with Kafka up: %d %s", code, body)
	}
	checkExprs(ctx, t, prom)
	rendered := renderChart(ctx, t, prom, start, time.Now())

	srv.SetStopping()
	if code, _ := get(t, "http://"+srv.Addr()+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz while stopping: %d, want 503", code)
	}
	if err := p.Stop(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := prod.Close(20 * time.Second); err != nil {
		t.Fatal(err)
	}
	final, total := p.Stats(), prod.Total()
	// net_pcap drops a packet it read when the pool has no mbuf
	// (rx_nombuf); every other packet must be counted by RX.
	var nombuf uint64
	for _, port := range p.Ports() {
		st, err := port.Port.Stats()
		if err != nil {
			t.Fatal(err)
		}
		nombuf += st.RxNoMbuf
	}
	if nombuf > 0 {
		t.Logf("%d packets lost to rx_nombuf", nombuf)
	}
	checkFinal(t, prom, final, total, uint64(burstPkts+injected)-nombuf)
	checkPromtoolMetrics(t, srv.Addr())
	t.Logf("chart: %s", rendered)
}

func repoPath(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(repoRoot, rel))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// checkExprs evaluates every expression of the dashboard and the alert
// rules: each must be valid and return data (alerts: their left-hand side).
func checkExprs(ctx context.Context, t *testing.T, prom *promtest.Server) {
	t.Helper()
	exprs := dashboardExprs(t, repoPath(t, "deploy/grafana/dashboards/wire2kafka.json"))
	alerts := ruleExprs(t, repoPath(t, "deploy/prometheus/alerts.yml"))
	if len(exprs) < 20 || len(alerts) < 5 {
		t.Fatalf("%d dashboard and %d alert expressions: files not read right", len(exprs), len(alerts))
	}
	for _, a := range alerts {
		if _, err := prom.Query(ctx, a.query); err != nil {
			t.Errorf("%s: %v", a.where, err)
		}
		exprs = append(exprs, expr{a.where + " (left-hand side)", alertData(a.query)})
	}
	for _, e := range exprs {
		if mayBeEmpty[e.query] {
			if _, err := prom.Query(ctx, e.query); err != nil {
				t.Errorf("%s: %v", e.where, err)
			}
			continue
		}
		if _, err := prom.WaitFor(ctx, e.query, func(s []promtest.Sample) bool { return len(s) > 0 }); err != nil {
			t.Errorf("%s: no data: %v", e.where, err)
		}
	}
	t.Logf("%d expressions evaluated", len(exprs))
	checkRulesHealth(ctx, t, prom)
}

// checkFinal waits until Prometheus has scraped the stopped pipeline and
// compares its values with the final counters.
func checkFinal(t *testing.T, prom *promtest.Server, final []pipeline.WorkerStats, total kafkaout.Counters, packets uint64) {
	t.Helper()
	var rxIn uint64
	for _, w := range final {
		if w.Kind == config.KindRX {
			rxIn += w.In
		}
	}
	if rxIn != packets {
		t.Errorf("RX took in %d packets, want %d", rxIn, packets)
	}
	if total.Delivered == 0 || total.Failed != 0 {
		t.Errorf("kafka: delivered %d, failed %d", total.Delivered, total.Failed)
	}
	for _, port := range []string{"net_pcap0", "net_ring_mtr"} {
		v, err := prom.Query(context.Background(), fmt.Sprintf(`wire2kafka_port_rx_packets_total{port=%q}`, port))
		t.Logf("%s: %v %v", port, v, err)
	}
	want := func(expr string, v uint64) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := prom.WaitFor(ctx, expr, func(s []promtest.Sample) bool { return len(s) == 1 && s[0].Value == float64(v) }); err != nil {
			t.Errorf("final value: %v (want %d)", err, v)
		}
	}
	want(`sum(wire2kafka_kafka_reports_delivered_total)`, total.DeliveredReports)
	want(`sum(wire2kafka_kafka_messages_delivered_total)`, total.Delivered)
	want(`sum(wire2kafka_kafka_bytes_delivered_total)`, total.DeliveredBytes)
	want(`sum(wire2kafka_kafka_delivery_latency_seconds_count)`, total.Delivered)
	want(`sum(wire2kafka_port_rx_packets_total)`, packets)
	for _, w := range final {
		sel := fmt.Sprintf(`{worker=%q}`, w.Name)
		want(`wire2kafka_packets_in_total`+sel, w.In)
		want(`wire2kafka_packets_out_total`+sel, w.Out)
		want(`wire2kafka_packets_queued`+sel, w.Queued)
		for r, n := range w.Drops {
			want(fmt.Sprintf(`wire2kafka_packets_dropped_total{worker=%q, reason=%q}`, w.Name, pipeline.Reason(r).String()), n)
		}
		if w.Kind == config.KindKafka {
			want(`wire2kafka_worker_reports_total`+sel, w.Reports)
			want(`wire2kafka_batch_size_reports_count`+sel, w.Messages)
		}
		if !w.Balanced() {
			t.Errorf("%s does not balance: %+v", w.Name, w.Snapshot)
		}
	}
	want(`wire2kafka_config_reloads_total{result="success"}`, 1)
	want(`wire2kafka_config_reloads_total{result="failure"}`, 1)
	want(`wire2kafka_config_last_reload_successful`, 0)
	t.Logf("%s", pipeline.Accounting(final))
}

// checkRulesHealth asks Prometheus whether it evaluated every alert rule
// without error.
func checkRulesHealth(ctx context.Context, t *testing.T, prom *promtest.Server) {
	t.Helper()
	a, err := prom.API()
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, err := a.Rules(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		var bad []string
		n := 0
		for _, g := range r.Groups {
			for _, rule := range g.Rules {
				ar, ok := rule.(v1.AlertingRule)
				if !ok {
					continue
				}
				n++
				if ar.Health != v1.RuleHealthGood {
					bad = append(bad, fmt.Sprintf("%s: %s %s", ar.Name, ar.Health, ar.LastError))
				}
			}
		}
		if n > 0 && len(bad) == 0 {
			t.Logf("%d alert rules evaluated by Prometheus, all healthy", n)
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("alert rules (%d): %s", n, strings.Join(bad, "; "))
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// checkPromtoolMetrics pipes our /metrics output through `promtool check
// metrics`.
func checkPromtoolMetrics(t *testing.T, addr string) {
	t.Helper()
	code, body := get(t, "http://"+addr+"/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	cmd := exec.Command("promtool", "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}
