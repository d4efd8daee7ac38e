package config

import (
	"slices"
	"strings"
	"testing"
)

// TestFlowWorkersPlan: rules[].flow_workers resolves to the flow workers
// and the distinct Kafka workers they feed, in order; each flow worker
// lists the rule; check-config prints the N:M graph.
func TestFlowWorkersPlan(t *testing.T) {
	y := strings.Replace(twoPipelines, "    flow_workers: [{lcore: 2}]\n    kafka_workers: [{lcore: 2}]\n  - name: p1",
		"    flow_workers: [{lcore: 2}, {lcore: 2}, {lcore: 1}]\n    kafka_workers: [{lcore: 2}, {lcore: 1}, {lcore: 1}]\n  - name: p1", 1)
	y = strings.Replace(y, "{name: a, pipeline: p0, kafka_topic: a}", "{name: a, pipeline: p0, kafka_topic: a, flow_workers: all}", 1)
	cfg, err := Parse("nm.yaml", []byte(y))
	if err != nil {
		t.Fatalf("%v\n%s", err, y)
	}
	plan, err := cfg.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	r := plan.Rules[0]
	if !slices.Equal(r.FlowWorkers, []int{0, 1, 2}) || !slices.Equal(r.KafkaWorkers, []int{0, 1, 2}) || r.KafkaWorker != 0 {
		t.Errorf("flow workers %v, Kafka workers %v (%d); want [0 1 2], [0 1 2]", r.FlowWorkers, r.KafkaWorkers, r.KafkaWorker)
	}
	for i, fw := range plan.Pipelines[0].Flow {
		if !slices.Contains(fw.Rules, 0) {
			t.Errorf("flow worker %d does not list the rule", i)
		}
	}
	out := plan.String()
	if !strings.Contains(out, "by flow hash: p0/flow-worker-00,p0/flow-worker-01,p0/flow-worker-02") || !strings.Contains(out, "p0/kafka-worker-00,p0/kafka-worker-01,p0/kafka-worker-02") {
		t.Errorf("check-config output lacks the N:M graph:\n%s", out)
	}
}

// TestFlowWorkersNeedOwnKafkaWorkers: a rule over flow workers that share
// a Kafka worker is refused, naming them.
func TestFlowWorkersNeedOwnKafkaWorkers(t *testing.T) {
	y := strings.Replace(twoPipelines, "    flow_workers: [{lcore: 2}]\n    kafka_workers: [{lcore: 2}]\n  - name: p1",
		"    flow_workers: [{lcore: 2}, {lcore: 2}, {lcore: 1}]\n    kafka_workers: [{lcore: 2}, {lcore: 1}]\n  - name: p1", 1)
	y = strings.Replace(y, "{name: a, pipeline: p0, kafka_topic: a}", "{name: a, pipeline: p0, kafka_topic: a, flow_workers: all}", 1)
	_, err := Parse("nm.yaml", []byte(y))
	if err == nil || !strings.Contains(err.Error(), "rules[0].flow_workers: flow workers 0 and 2 feed the same Kafka worker 0") {
		t.Fatalf("err = %v", err)
	}
}
