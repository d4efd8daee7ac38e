package pipeline

import (
	"encoding/hex"
	"testing"
	"time"

	"wire2kafka/config"
	"wire2kafka/kafkaout"
)

// ntomPlan is one pipeline with two flow workers, each feeding its own
// Kafka worker, and one rule spread over both by the monitored flow
// (rules[].flow_workers). flowLcores/kafkaLcores place them.
func ntomPlan(t *testing.T, c *capture, flowLcores, kafkaLcores [2]int, rule string) *config.Plan {
	t.Helper()
	y := sprintf(`eal: {lcores: "0-2", main_lcore: 0}
ports: [{name: %s, rx_queues: 1}]
mempool: {mbufs: 16383, cache: 64}
rings: {size: 2048}
burst: 32
idle: {policy: sleep, sleep_us: 20}
int: {sink_isd_as: "1-ff00:0:1", sink_index: 1, md_udp_ports: [5000]}
kafka: {sink: discard, queue: {policy: block, block_timeout: 1s}, batch: {max_reports: 64, linger: 2ms}}
pipelines:
  - name: p0
    rx: [{port: %s, lcore: 1}]
    acl_workers: [{lcore: 1}]
    flow_workers: [{lcore: %d}, {lcore: %d}]
    kafka_workers: [{lcore: %d}, {lcore: %d}]
rules:
%s`, c.vdev, c.vdev, flowLcores[0], flowLcores[1], kafkaLcores[0], kafkaLcores[1], rule)
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

// TestNtoMDispatch: one rule's traffic (64 flows of every Telemetry Report
// variant, or 32 ID-INT flows) spread over two flow workers and two Kafka
// workers, on one lcore and on two: every report once and equal to the
// truth, in per-flow order; each flow key produced by one Kafka worker
// only; both workers carry traffic; every stage balances.
func TestNtoMDispatch(t *testing.T) {
	const rule = `  - name: reports
    protocol: udp
    flow_workers: all
    kafka_topic: "{sink}"
`
	for _, tt := range []struct {
		name, capture string
		flow, kafka   [2]int
	}{
		{"tr one lcore", "ntom-2", [2]int{1, 1}, [2]int{1, 1}},
		{"tr two lcores", "ntom-1", [2]int{1, 2}, [2]int{2, 2}},
		{"idint two lcores", "ntom-idint", [2]int{2, 1}, [2]int{1, 2}},
		{"tr groups of 3 flows, two lcores", "ntom-groups", [2]int{1, 2}, [2]int{2, 2}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := captures[tt.capture]
			plan := ntomPlan(t, c, tt.flow, tt.kafka, rule)
			if fws := plan.Rules[0].FlowWorkers; len(fws) != 2 || len(plan.Rules[0].KafkaWorkers) != 2 {
				t.Fatalf("rule over flow workers %v, Kafka workers %v", fws, plan.Rules[0].KafkaWorkers)
			}
			rec := kafkaout.NewRecorder(256)
			r := run(t, plan, rec, c, nil)
			r.checkAccounting(t, c.packets)
			msgs := rec.Messages()
			d := decodeRecorded(t, msgs)
			checkTruth(t, d, c, false)
			owner := map[string]uint16{}
			perWorker := map[uint16]int{}
			for _, m := range msgs {
				k := hex.EncodeToString(m.Key)
				if w, ok := owner[k]; ok && w != m.Worker {
					t.Fatalf("key %s produced by Kafka workers %d and %d", k, w, m.Worker)
				}
				owner[k] = m.Worker
				perWorker[m.Worker] += int(m.Count)
			}
			flowIn := map[string]uint64{}
			for i, w := range r.workers {
				if w.Kind == config.KindFlow {
					flowIn[w.Name] = r.snaps[i].In
				}
			}
			if len(perWorker) != 2 || len(flowIn) != 2 {
				t.Fatalf("reports per Kafka worker %v, packets per flow worker %v: want both used", perWorker, flowIn)
			}
			for name, n := range flowIn {
				if n == 0 {
					t.Errorf("flow worker %s took no packet", name)
				}
			}
			acl, kafka := r.sum(config.KindACL), r.sum(config.KindKafka)
			if tt.capture == "ntom-groups" {
				// Groups of three flows: most go to both workers as copies;
				// each worker emits its own flows' reports, decode losses
				// are counted once.
				if acl.Copies == 0 {
					t.Error("no group was split by flow")
				}
				var malformed, lost uint64
				for range c.truth.Malformed {
					malformed++
				}
				for range c.truth.Lost {
					lost++
				}
				var parseErrs, reportErrs uint64
				for i := range kafka.ParseErrors {
					parseErrs += kafka.ParseErrors[i] + acl.ParseErrors[i]
					reportErrs += kafka.ReportErrors[i]
				}
				if parseErrs != malformed || reportErrs != lost {
					t.Errorf("parse errors %d, report errors %d; truth: %d malformed, %d lost", parseErrs, reportErrs, malformed, lost)
				}
			}
			t.Logf("%d flows over 2 workers: reports per Kafka worker %v, packets per flow worker %v, %d copies, split drops %d",
				len(owner), perWorker, flowIn, acl.Copies, kafka.Drops[DropSplit])
		})
	}
}

// TestNtoMReloadKeepsFlowOrder: a rule spread over two workers while
// reloads insert and reorder other rules under load: every report still
// arrives once, equal to the truth and in per-flow order (a rule keeps its
// id and its workers, and a flow its hash, across reloads).
func TestNtoMReloadKeepsFlowOrder(t *testing.T) {
	in := newInjector(t, "ntom-reload")
	c := *captures["ntom-groups"]
	c.vdev = in.port.Name()
	pkts := readPackets(t, c.path)
	const reports = `  - name: reports
    protocol: udp
    dst_port: 32766
    flow_workers: all
    kafka_topic: "{sink}"
`
	const other = `  - name: other
    protocol: tcp
    dst_port: 1
    kafka_topic: other
`
	plans := []*config.Plan{
		ntomPlan(t, &c, [2]int{1, 2}, [2]int{2, 2}, reports),
		ntomPlan(t, &c, [2]int{1, 2}, [2]int{2, 2}, other+reports),
		ntomPlan(t, &c, [2]int{1, 2}, [2]int{2, 2}, reports+other),
	}
	rec := kafkaout.NewRecorder(256)
	p := startPipeline(t, plans[0], rec, "ntom-reload")
	const rounds = 5
	var stream [][]byte
	for range rounds {
		stream = append(stream, pkts...)
	}
	total := uint64(len(stream))
	errc := make(chan error, 1)
	var swappedAt []uint64
	go func() {
		for i, plan := range plans[1:] {
			at := total * uint64(i+1) / 3
			deadline := time.Now().Add(20 * time.Second)
			for time.Now().Before(deadline) && stageIn(p, config.KindACL) < at {
				time.Sleep(50 * time.Microsecond)
			}
			if err := p.Reload(plan); err != nil {
				errc <- err
				return
			}
			swappedAt = append(swappedAt, stageIn(p, config.KindACL))
		}
		errc <- nil
	}()
	in.inject(t, stream)
	if err := <-errc; err != nil {
		t.Fatalf("reload: %v", err)
	}
	waitCounter(t, "acl in", total, func() uint64 { return stageIn(p, config.KindACL) })
	if err := p.Stop(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	r := finalResult(p)
	r.checkAccounting(t, int(total))
	if swappedAt[0] >= total {
		t.Errorf("reloads after %v of %d packets: not under load", swappedAt, total)
	}
	// The stream is the capture rounds times over: per flow, the truth's
	// reports rounds times, in order.
	tc := c
	tr := *c.truth
	tr.Reports = nil
	for range rounds {
		tr.Reports = append(tr.Reports, c.truth.Reports...)
	}
	tc.truth = &tr
	d := decodeRecorded(t, rec.Messages())
	checkTruth(t, d, &tc, false, true)
	if r.sum(config.KindACL).Copies == 0 {
		t.Error("no group was split by flow")
	}
	t.Logf("reloads after %v of %d packets; %d copies", swappedAt, total, r.sum(config.KindACL).Copies)
}
