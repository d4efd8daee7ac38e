package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func mustParse(t *testing.T, y string) *Config {
	t.Helper()
	cfg, err := Parse("cfg.yaml", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestDefaultsFilled(t *testing.T) {
	cfg := mustParse(t, baseYAML)
	r := cfg.Rules
	checks := []struct {
		name      string
		got, want any
	}{
		{"main lcore", cfg.EAL.MainLcore, 0},
		{"memory", cfg.EAL.MemoryMB, DefaultMemoryMB},
		{"file prefix", cfg.EAL.FilePrefix, "wire2kafka"},
		{"rx descriptors", cfg.Ports[0].RXDescriptors, 1024},
		{"data room", cfg.Mempool.DataRoom, 2176},
		{"formats", cfg.INT.Formats, []INTFormat{FormatTelemetryReport, FormatIDINT}},
		{"report ports", cfg.INT.TelemetryReportPorts, []int{32766}},
		{"idint ports", cfg.INT.IDINTPorts, []int{30041, 30042, 50000}},
		{"sink", cfg.Kafka.Sink, SinkKafka},
		{"connections", cfg.Kafka.Connections, 1},
		{"queue policy", cfg.Kafka.Queue.Policy, QueueBlock},
		{"block timeout", cfg.Kafka.Queue.BlockTimeout.Std(), time.Second},
		{"max bytes", cfg.Kafka.Batch.MaxBytes, 512 << 10},
		{"flush timeout", cfg.Kafka.FlushTimeout.Std(), 10 * time.Second},
		{"table interval", cfg.Metrics.TableInterval.Std(), 5 * time.Second},
		{"rule 0 pipeline", r[0].Pipeline, "p0"},
		{"rule 0 src port", r[0].SrcPort, PortRange{0, 65535}},
		{"rule 0 dst port", r[0].DstPort, PortRange{32766, 32766}},
		{"rule 0 output", r[0].Output, OutputBatch},
		{"rule 2 protocol", r[2].Protocol, Protocol{Any: true}},
		{"rule 2 output", r[2].Output, Output("")},
		{"rule 2 src ip", r[2].SrcIP.Any(), true},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestResolveBase(t *testing.T) {
	plan, err := mustParse(t, baseYAML).Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Pipelines) != 1 {
		t.Fatalf("%d pipelines", len(plan.Pipelines))
	}
	p := plan.Pipelines[0]
	rx := p.RX[0]
	if rx.Name != "p0/rx-worker-00" || rx.Lcore != 1 || rx.Next != 0 || !reflect.DeepEqual(rx.Queues, []PortQueue{{0, 0}}) {
		t.Errorf("rx worker: %+v", rx)
	}
	if p.Flow[0].Next != 0 || p.Flow[1].Next != 0 {
		t.Errorf("flow -> kafka: %d %d", p.Flow[0].Next, p.Flow[1].Next)
	}
	if !reflect.DeepEqual(p.Flow[0].Rules, []int{0, 2}) || !reflect.DeepEqual(p.Flow[1].Rules, []int{1}) {
		t.Errorf("flow rules %v %v", p.Flow[0].Rules, p.Flow[1].Rules)
	}
	if !reflect.DeepEqual(p.Rules, []int{0, 1, 2}) {
		t.Errorf("pipeline rules by priority: %v", p.Rules)
	}
	r := plan.Rules
	if r[0].Topic != "ASff00_0_1-1" || r[0].ID != 1 || r[0].KafkaWorker != 0 {
		t.Errorf("rule 0: %+v", r[0])
	}
	if r[2].Topic != "" || r[2].KafkaWorker != -1 || r[2].ID != 3 {
		t.Errorf("drop rule: %+v", r[2])
	}
	wantLcores := []LcorePlan{
		{ID: 0, Main: true, Pipeline: -1},
		{ID: 1, Pipeline: 0, Workers: []WorkerRef{{0, KindRX, 0}, {0, KindACL, 0}, {0, KindFlow, 0}}},
		{ID: 2, Pipeline: 0, Workers: []WorkerRef{{0, KindFlow, 1}, {0, KindKafka, 0}}},
	}
	if !reflect.DeepEqual(plan.Lcores, wantLcores) {
		t.Errorf("lcores:\n%+v\nwant\n%+v", plan.Lcores, wantLcores)
	}
	if got := plan.WorkerLcores(); !reflect.DeepEqual(got, []int{1, 2}) {
		t.Errorf("worker lcores %v", got)
	}
	if got := plan.Topics(); !reflect.DeepEqual(got, []string{"ASff00_0_1-1", "sampled"}) {
		t.Errorf("topics %v", got)
	}
	if w := plan.Worker(WorkerRef{0, KindKafka, 0}); w.Name != "p0/kafka-worker-00" || w.Lcore != 2 {
		t.Errorf("Worker: %+v", w)
	}
	out := plan.String()
	for _, s := range []string{"lcore 0   main", "lcore 1   p0/rx-worker-00 p0/acl-worker-00 p0/flow-worker-00",
		"p0/flow-worker-01   2      acl workers", "sampling 1:10", "ASff00_0_1-1"} {
		if !strings.Contains(out, s) {
			t.Errorf("Print lacks %q:\n%s", s, out)
		}
	}
}

// TestResolveMapping checks the deterministic flow mapping on a wider
// pipeline: rx i -> acl i mod nACL, flow i -> kafka i mod nKafka, kafka
// worker k (over all pipelines) -> connection k mod connections.
func TestResolveMapping(t *testing.T) {
	y := `eal: {lcores: "0-6", hugepages: off}
ports: [{name: net_null0, rx_queues: 4}, {name: net_null1}]
mempool: {mbufs: 65535}
kafka: {sink: discard, connections: 2}
pipelines:
  - name: a
    rx: [{port: net_null0, queues: [0, 1], lcore: 1}, {port: net_null0, queues: [2], lcore: 1}, {port: net_null0, queues: [3], lcore: 2}]
    acl_workers: [{lcore: 2}, {lcore: 2}]
    flow_workers: [{lcore: 3}, {lcore: 3}, {lcore: 3}]
    kafka_workers: [{lcore: 4}, {lcore: 4}]
  - name: b
    rx: [{port: net_null1, lcore: 5}]
    acl_workers: [{lcore: 5}]
    flow_workers: [{lcore: 6}]
    kafka_workers: [{lcore: 6}]
rules:
  - {name: r0, pipeline: a, flow_worker: 2, kafka_topic: t}
  - {name: r1, pipeline: b, kafka_topic: t}
`
	plan, err := mustParse(t, y).Resolve()
	if err != nil {
		t.Fatal(err)
	}
	a, b := plan.Pipelines[0], plan.Pipelines[1]
	next := func(ws []StageWorker) []int {
		var out []int
		for _, w := range ws {
			out = append(out, w.Next)
		}
		return out
	}
	for _, c := range []struct {
		name      string
		got, want []int
	}{
		{"a rx->acl", next(a.RX), []int{0, 1, 0}},
		{"a flow->kafka", next(a.Flow), []int{0, 1, 0}},
		{"a kafka->conn", next(a.Kafka), []int{0, 1}},
		{"b kafka->conn", next(b.Kafka), []int{0}},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
	if plan.Rules[0].KafkaWorker != 0 || plan.Rules[0].FlowWorker != 2 || plan.Rules[1].PipelineIndex != 1 {
		t.Errorf("rules: %+v", plan.Rules)
	}
	if q := a.RX[0].Queues; !reflect.DeepEqual(q, []PortQueue{{0, 0}, {0, 1}}) {
		t.Errorf("rx 0 queues %v", q)
	}
	if q := b.RX[0].Queues; !reflect.DeepEqual(q, []PortQueue{{1, 0}}) {
		t.Errorf("b rx queues %v", q)
	}
}

func TestEALArgs(t *testing.T) {
	y := strings.Replace(baseYAML, "  hugepages: off\n", "  hugepages: auto\n  memory_mb: 256\n  args: [--log-level=8]\n", 1)
	plan, err := mustParse(t, y).Resolve()
	if err != nil {
		t.Fatal(err)
	}
	common := "-l 0-2 --main-lcore 0 --file-prefix wire2kafka -m 256 "
	for _, c := range []struct {
		free int
		want string
	}{
		{0, common + "--no-huge --vdev=net_pcap0,rx_pcap=x.pcap --no-pci --log-level=8"},
		{255, common + "--no-huge --vdev=net_pcap0,rx_pcap=x.pcap --no-pci --log-level=8"},
		{256, common + "--in-memory --vdev=net_pcap0,rx_pcap=x.pcap --no-pci --log-level=8"},
	} {
		if got := strings.Join(plan.EALArgs(c.free), " "); got != c.want {
			t.Errorf("free %d MiB:\n got %s\nwant %s", c.free, got, c.want)
		}
	}
	pci := `eal: {lcores: "1,3-4", main_lcore: 3, hugepages: on}
ports: [{name: "0000:3b:00.0", devargs: "rxq_cqe_comp_en=0"}, {name: "3b:00.1"}, {name: net_ring0}]
kafka: {sink: discard}
pipelines: [{name: p, rx: [{port: "0000:3b:00.0", lcore: 1}, {port: "3b:00.1", lcore: 1}, {port: net_ring0, lcore: 4}], acl_workers: [{lcore: 4}], flow_workers: [{lcore: 4}], kafka_workers: [{lcore: 4}]}]
rules: [{name: all, kafka_topic: t, output: raw}]
`
	plan, err = mustParse(t, pci).Resolve()
	if err != nil {
		t.Fatal(err)
	}
	want := "-l 1,3-4 --main-lcore 3 --file-prefix wire2kafka -m 512 --in-memory -a 0000:3b:00.0,rxq_cqe_comp_en=0 -a 3b:00.1 --vdev=net_ring0"
	if got := strings.Join(plan.EALArgs(0), " "); got != want {
		t.Errorf("pci:\n got %s\nwant %s", got, want)
	}
	// eal.cpus maps the lcores onto fewer CPUs: a pipeline on one core.
	oneCPU := strings.Replace(pci, `main_lcore: 3, hugepages: on}`, `main_lcore: 3, hugepages: on, cpus: "0"}`, 1)
	plan, err = mustParse(t, oneCPU).Resolve()
	if err != nil {
		t.Fatal(err)
	}
	want = "--lcores 1@0,3@0,4@0 --main-lcore 3 "
	if got := strings.Join(plan.EALArgs(0), " "); !strings.HasPrefix(got, want) {
		t.Errorf("cpus 0:\n got %s\nwant prefix %s", got, want)
	}
}

// TestValidateGoBuilt checks that a Config built in Go gets the same
// defaults, and that its errors name fields without file or line.
func TestValidateGoBuilt(t *testing.T) {
	cfg := &Config{
		EAL:   EAL{Lcores: LcoreSet{0, 1}, Hugepages: HugepagesOff},
		Ports: []Port{{Name: "net_null0"}},
		Kafka: Kafka{Sink: SinkDiscard},
		Pipelines: []Pipeline{{Name: "p", RX: []RXWorker{{Port: "net_null0", Lcore: 1}},
			ACLWorkers: []Worker{{1}}, FlowWorkers: []Worker{{1}}, KafkaWorkers: []Worker{{1}}}},
		Rules: []Rule{{Name: "all", KafkaTopic: "t", ServiceFunction: Sampling, SamplingRate: 4}},
	}
	plan, err := cfg.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Burst != DefaultBurst || cfg.Rings.Size != DefaultRingSize || !cfg.Rules[0].Protocol.Any ||
		cfg.Rules[0].DstPort != (PortRange{0, 65535}) || plan.Rules[0].Topic != "t" {
		t.Errorf("defaults not filled: %+v", cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("second Validate: %v", err)
	}
	cfg.Rules[0].ServiceFunction = "bogus"
	cfg.Rings.Size = 100
	err = cfg.Validate()
	want := "rings.size: must be a power of two, got 100"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestScalarTypes(t *testing.T) {
	y := strings.NewReplacer(`lcores: "0-2"`, `lcores: [2, 0, 1]`,
		"src_ip: 192.168.25.0/24", "src_ip: 192.168.25.5\n    dst_ip: 10.0.0.0/8",
		"protocol: tcp", "protocol: 6").Replace(baseYAML)
	cfg := mustParse(t, y)
	if !reflect.DeepEqual(cfg.EAL.Lcores, LcoreSet{0, 1, 2}) || cfg.EAL.Lcores.String() != "0-2" {
		t.Errorf("lcores %v", cfg.EAL.Lcores)
	}
	if got := cfg.Rules[0].SrcIP.String(); got != "192.168.25.5/32" {
		t.Errorf("bare address: %s", got)
	}
	if cfg.Rules[1].Protocol != (Protocol{Number: ProtoTCP}) || cfg.Rules[1].Protocol.String() != "tcp" {
		t.Errorf("protocol %v", cfg.Rules[1].Protocol)
	}
	if s := (LcoreSet{0, 2, 3, 4, 7}).String(); s != "0,2-4,7" {
		t.Errorf("LcoreSet.String %q", s)
	}
	for in, want := range map[string]string{"1-ff00:0:1": "ASff00_0_1-1", "1-64512": "AS0_0_fc00-1"} {
		if got, err := SinkName(INT{SinkISDAS: in, SinkIndex: 1}); err != nil || got != want {
			t.Errorf("SinkName(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestEmptyAndMultiDocument(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "cfg.yaml:1: the file is empty",
		baseYAML + "---\n": "cfg.yaml:47: a config file holds one YAML document; found a second one",
		"- a\n- b\n":       "cfg.yaml:1: must be a mapping of keys to values",
	} {
		_, err := Parse("cfg.yaml", []byte(in))
		if err == nil || err.Error() != want {
			t.Errorf("got %v, want %q", err, want)
		}
	}
}
