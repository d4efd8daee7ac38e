package config

import (
	"errors"
	"strings"
	"testing"
)

// baseYAML is a good config; bad cases edit it. Its line numbers matter:
// the expected messages name them.
const baseYAML = `eal:
  lcores: "0-2"
  main_lcore: 0
  hugepages: off
ports:
  - name: net_pcap0
    devargs: "rx_pcap=x.pcap"
    rx_queues: 1
mempool: {mbufs: 8191, cache: 64}
rings: {size: 1024}
burst: 32
idle: {policy: sleep, sleep_us: 50}
int:
  sink_isd_as: "1-ff00:0:1"
  sink_index: 1
kafka:
  batch: {linger: 5ms}
  producer:
    bootstrap.servers: "127.0.0.1:9092"
metrics: {listen: "127.0.0.1:9469"}
pipelines:
  - name: p0
    rx: [{port: net_pcap0, queues: [0], lcore: 1}]
    acl_workers: [{lcore: 1}]
    flow_workers: [{lcore: 1}, {lcore: 2}]
    kafka_workers: [{lcore: 2}]
rules:
  - name: reports
    protocol: udp
    src_ip: 192.168.25.0/24
    dst_port: 32766
    priority: 100
    service_function: passthrough
    flow_worker: 0
    kafka_topic: "{sink}"
  - name: sampled
    protocol: tcp
    src_port: 5000-5999
    priority: 50
    service_function: sampling
    sampling_rate: 10
    flow_worker: 1
    kafka_topic: sampled
  - name: rest
    priority: 1
    service_function: drop
`

// twoPipelines is a good two-pipeline config for the cases that need one.
const twoPipelines = `eal: {lcores: "0-4", hugepages: off}
ports:
  - {name: net_pcap0, devargs: "rx_pcap=a.pcap"}
  - {name: net_pcap1, devargs: "rx_pcap=b.pcap"}
kafka: {sink: discard}
pipelines:
  - name: p0
    rx: [{port: net_pcap0, lcore: 1}]
    acl_workers: [{lcore: 1}]
    flow_workers: [{lcore: 2}]
    kafka_workers: [{lcore: 2}]
  - name: p1
    rx: [{port: net_pcap1, lcore: 3}]
    acl_workers: [{lcore: 3}]
    flow_workers: [{lcore: 4}]
    kafka_workers: [{lcore: 4}]
rules:
  - {name: a, pipeline: p0, kafka_topic: a}
  - {name: b, pipeline: p1, kafka_topic: b}
`

// edit is one change to a good config: replace the first occurrence of
// old by new (old must occur).
type edit struct{ old, new string }

func apply(t *testing.T, base string, edits []edit) string {
	t.Helper()
	for _, e := range edits {
		if !strings.Contains(base, e.old) {
			t.Fatalf("edit %q: not in the config", e.old)
		}
		base = strings.Replace(base, e.old, e.new, 1)
	}
	return base
}

func TestGoodBases(t *testing.T) {
	for name, y := range map[string]string{"base": baseYAML, "two": twoPipelines} {
		if _, err := Parse("cfg.yaml", []byte(y)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

const ruleKeys = "name, protocol, src_ip, dst_ip, src_port, dst_port, priority, service_function, sampling_rate, resolution_ns, buckets, report_interval, pipeline, flow_worker, flow_workers, kafka_topic, output"

func TestBadConfigs(t *testing.T) {
	tests := []struct {
		name  string
		base  string // baseYAML when empty
		edits []edit
		want  []string // every error, in order
	}{
		{"unknown top-level key", "", []edit{{"burst: 32\n", "burst: 32\ncolour: blue\n"}},
			[]string{"cfg.yaml:12: colour: unknown key (known: eal, ports, mempool, rings, burst, idle, int, kafka, metrics, pipelines, rules)"}},
		{"md_dscp not off or a mapping", "", []edit{{"  sink_index: 1\n", "  sink_index: 1\n  md_dscp: on\n"}},
			[]string{`cfg.yaml:16: int.md_dscp: must be off or {value: V, mask: M}, got "on"`}},
		{"md_dscp value outside mask", "", []edit{{"  sink_index: 1\n", "  sink_index: 1\n  md_dscp: {value: 0x17, mask: 0x30}\n"}},
			[]string{"cfg.yaml:16: int.md_dscp: value 0x17 has bits outside mask 0x30"}},
		{"md_dscp without mask", "", []edit{{"  sink_index: 1\n", "  sink_index: 1\n  md_dscp: {value: 0x17}\n"}},
			[]string{"cfg.yaml:16: int.md_dscp: needs both value and mask, e.g. {value: 0x17, mask: 0x3f}"}},
		{"md_dscp mask 0", "", []edit{{"  sink_index: 1\n", "  sink_index: 1\n  md_dscp: {value: 0, mask: 0}\n"}},
			[]string{"cfg.yaml:16: int.md_dscp: mask 0 would match every packet; write md_dscp: off to disable DSCP detection"}},
		{"md_udp_ports out of range and repeated", "", []edit{{"  sink_index: 1\n", "  sink_index: 1\n  md_udp_ports: [5000, 70000, 5000]\n"}},
			[]string{"cfg.yaml:16: int.md_udp_ports[1]: must be a UDP port 1-65535, got 70000",
				"cfg.yaml:16: int.md_udp_ports[2]: port 5000 is already listed at int.md_udp_ports[0]"}},
		{"source_only_md bytes", "", []edit{{"  sink_index: 1\n", "  sink_index: 1\n  source_only_md: [{domain_id: 0x5453, bytes: 6}]\n"}},
			[]string{"cfg.yaml:16: int.source_only_md[0].bytes: must be a multiple of 4 in 4-1020, got 6"}},
		{"flow_workers and flow_worker", "", []edit{{"    flow_worker: 1\n", "    flow_worker: 1\n    flow_workers: [0, 1]\n"}},
			[]string{"cfg.yaml:43: rules[1].flow_workers: give flow_worker or flow_workers, not both"}},
		{"flow_workers out of range and repeated", "", []edit{{"    flow_worker: 0\n", "    flow_workers: [1, 2, 1]\n"}},
			[]string{"cfg.yaml:34: rules[0].flow_workers[1]: flow worker 2 is out of range: pipeline p0 has 2 flow workers (0-1)",
				"cfg.yaml:34: rules[0].flow_workers[2]: flow worker 1 is listed twice"}},
		{"flow_workers not a list", "", []edit{{"    flow_worker: 0\n", "    flow_workers: some\n"}},
			[]string{`cfg.yaml:34: rules[0].flow_workers: must be all or a list of flow worker indexes, got "some"`}},
		{"unknown rule key", "", []edit{{"priority: 100", "priorty: 100"}},
			[]string{"cfg.yaml:32: rules[0].priorty: unknown key (known: " + ruleKeys + ")"}},
		{"duplicate key", "", []edit{{"  main_lcore: 0\n", "  main_lcore: 0\n  main_lcore: 1\n"}},
			[]string{"cfg.yaml:4: eal.main_lcore: duplicate key"}},
		{"unknown service function", "", []edit{{"service_function: passthrough", "service_function: hist"}},
			[]string{`cfg.yaml:33: rules[0].service_function: must be passthrough, sampling, histogram or drop, got "hist"`}},
		{"sampling_rate 0", "", []edit{{"sampling_rate: 10", "sampling_rate: 0"}},
			[]string{"cfg.yaml:41: rules[1].sampling_rate: must be >= 1 for service_function sampling, got 0"}},
		{"sampling_rate missing", "", []edit{{"    sampling_rate: 10\n", ""}},
			[]string{"cfg.yaml:36: rules[1].sampling_rate: required for service_function sampling: keep 1 packet in sampling_rate"}},
		{"sampling_rate on passthrough", "", []edit{{"    flow_worker: 0\n", "    flow_worker: 0\n    sampling_rate: 5\n"}},
			[]string{"cfg.yaml:35: rules[0].sampling_rate: only used with service_function sampling"}},
		{"ring size not a power of two", "", []edit{{"size: 1024", "size: 1000"}},
			[]string{"cfg.yaml:10: rings.size: must be a power of two, got 1000"}},
		{"unknown when_full", "", []edit{{"size: 1024", "size: 1024, when_full: block"}},
			[]string{`cfg.yaml:10: rings.when_full: must be wait or drop, got "block"`}},
		{"burst out of range", "", []edit{{"burst: 32", "burst: 512"}},
			[]string{"cfg.yaml:11: burst: must be between 32 and 256, got 512"}},
		{"burst not a number", "", []edit{{"burst: 32", "burst: many"}},
			[]string{`cfg.yaml:11: burst: must be an integer, got "many"`}},
		{"unknown port", "", []edit{{"port: net_pcap0", "port: net_pcap1"}},
			[]string{
				"cfg.yaml:8: ports[0].rx_queues: queue 0 of port net_pcap0 is read by no rx worker; its packets would be lost",
				`cfg.yaml:23: pipelines[0].rx[0].port: unknown port "net_pcap1" (ports: net_pcap0)`,
			}},
		{"bad port name", "", []edit{{"- name: net_pcap0", "- name: eth0"}, {"port: net_pcap0", "port: eth0"}},
			[]string{`cfg.yaml:6: ports[0].name: "eth0" is neither a PCI address (0000:3b:00.0) nor a vdev name starting with net_`}},
		{"rx queue out of range", "", []edit{{"queues: [0]", "queues: [0, 1]"}},
			[]string{"cfg.yaml:23: pipelines[0].rx[0].queues[1]: queue 1 is out of range: port net_pcap0 has 1 rx queues (0-0)"}},
		{"huge rx_queues", "", []edit{{"rx_queues: 1", "rx_queues: 1000000000000"}},
			[]string{"cfg.yaml:8: ports[0].rx_queues: must be between 1 and 64, got 1000000000000"}},
		{"rx_descriptors not a power of two", "", []edit{{"rx_queues: 1", "rx_queues: 1\n    rx_descriptors: 1000"}},
			[]string{"cfg.yaml:9: ports[0].rx_descriptors: must be a power of two, got 1000"}},
		{"unknown pipeline", "", []edit{{"    flow_worker: 0\n", "    flow_worker: 0\n    pipeline: p9\n"}},
			[]string{
				`cfg.yaml:35: rules[0].pipeline: unknown pipeline "p9" (pipelines: p0)`,
			}},
		{"flow_worker out of range", "", []edit{{"flow_worker: 1", "flow_worker: 2"}},
			[]string{"cfg.yaml:42: rules[1].flow_worker: flow worker 2 is out of range: pipeline p0 has 2 flow workers (0-1)"}},
		{"port range lo > hi", "", []edit{{"src_port: 5000-5999", "src_port: 5999-5000"}},
			[]string{"cfg.yaml:38: rules[1].src_port: range 5999-5000 is empty: the rule can never match"}},
		{"bad port", "", []edit{{"dst_port: 32766", "dst_port: 70000"}},
			[]string{`cfg.yaml:31: rules[0].dst_port: must be a port (0-65535) or a range like 5000-5999, got "70000"`}},
		{"icmp with ports", "", []edit{{"protocol: udp", "protocol: icmp"}},
			[]string{"cfg.yaml:31: rules[0].dst_port: protocol icmp has no ports: the rule can never match"}},
		{"ports with protocol any", "", []edit{{"    protocol: tcp\n", ""}},
			[]string{"cfg.yaml:37: rules[1].src_port: a port match needs protocol tcp, udp or sctp, not any"}},
		{"unknown protocol", "", []edit{{"protocol: tcp", "protocol: tpc"}},
			[]string{`cfg.yaml:37: rules[1].protocol: must be tcp, udp, sctp, icmp, icmpv6, any or a number 0-255, got "tpc"`}},
		{"src and dst of different families", "", []edit{{"src_ip: 192.168.25.0/24", "src_ip: 192.168.25.0/24\n    dst_ip: 2001:db8::/32"}},
			[]string{"cfg.yaml:31: rules[0].dst_ip: src_ip is IPv4 and dst_ip is IPv6: the rule can never match"}},
		{"IPv6 prefixes (the ACL is IPv4)", "", []edit{{"src_ip: 192.168.25.0/24", "src_ip: 2001:db8:25::/48"}},
			[]string{"cfg.yaml:30: rules[0].src_ip: an IPv6 prefix can never match: the ACL classifies IPv4 packets only (IPv6 packets are counted not_ip)"}},
		{"priorities tie on overlapping rules", "", []edit{{"protocol: tcp", "protocol: udp"}, {"priority: 50", "priority: 100"}},
			[]string{"cfg.yaml:39: rules[1].priority: priority 100 ties with rules[0] (reports, line 28), which matches some of the same packets; give one a higher priority"}},
		{"rule shadowed by a higher priority", "", []edit{{"priority: 1\n", "priority: 200\n"}},
			[]string{
				"cfg.yaml:28: rules[0]: the rule can never match: rules[2] (rest) matches all its packets at a higher priority",
				"cfg.yaml:36: rules[1]: the rule can never match: rules[2] (rest) matches all its packets at a higher priority",
			}},
		{"priority out of range", "", []edit{{"priority: 50", "priority: 0"}},
			[]string{"cfg.yaml:39: rules[1].priority: must be between 1 and 536870911, got 0"}},
		{"missing topic", "", []edit{{"    kafka_topic: sampled\n", ""}},
			[]string{"cfg.yaml:36: rules[1].kafka_topic: required for service_function sampling: a topic name or a template with {sink}"}},
		{"bad topic", "", []edit{{"kafka_topic: sampled", `kafka_topic: "bad topic!"`}},
			[]string{`cfg.yaml:43: rules[1].kafka_topic: "bad topic!" is not a valid Kafka topic: 1-249 letters, digits, '.', '_' or '-'`}},
		{"topic on a drop rule", "", []edit{{"service_function: drop\n", "service_function: drop\n    kafka_topic: nowhere\n"}},
			[]string{"cfg.yaml:47: rules[2].kafka_topic: not used with service_function drop: dropped packets go nowhere"}},
		{"unknown topic placeholder", "", []edit{{`kafka_topic: "{sink}"`, `kafka_topic: "{as}-x"`}},
			[]string{"cfg.yaml:35: rules[0].kafka_topic: unknown placeholder {as}: only {sink} is supported"}},
		{"bad ISD-AS for the sink template", "", []edit{{`"1-ff00:0:1"`, `"1-ff00:0"`}},
			[]string{`cfg.yaml:14: int.sink_isd_as: bad ISD-AS "1-ff00:0": bad ISD-AS: AS "ff00:0" has 2 groups, want 3`}},
		{"wildcard AS for the sink template", "", []edit{{`"1-ff00:0:1"`, `"1-0"`}},
			[]string{`cfg.yaml:14: int.sink_isd_as: topic: bad ISD-AS: wildcard AS 0 in 1-0`}},
		{"sink template without ISD-AS", "", []edit{{"  sink_isd_as: \"1-ff00:0:1\"\n", ""}},
			[]string{"cfg.yaml:34: rules[0].kafka_topic: {sink} needs int.sink_isd_as"}},
		{"bad IP", "", []edit{{"192.168.25.0/24", "192.168.300.0/24"}},
			[]string{`cfg.yaml:30: rules[0].src_ip: must be an IP address or prefix like 192.168.25.0/24, got "192.168.300.0/24"`}},
		{"prefix with host bits", "", []edit{{"192.168.25.0/24", "192.168.25.7/24"}},
			[]string{"cfg.yaml:30: rules[0].src_ip: 192.168.25.7/24 has host bits set; did you mean 192.168.25.0/24?"}},
		{"bad duration", "", []edit{{"linger: 5ms", "linger: 5"}},
			[]string{`cfg.yaml:17: kafka.batch.linger: must be a duration like 5ms or 1s, got "5"`}},
		{"histogram with raw output", "", []edit{{"service_function: passthrough", "service_function: histogram\n    output: raw"}},
			[]string{"cfg.yaml:34: rules[0].output: histogram rules emit Histogram reports, not packets: use batch or single"}},
		{"worker on the main lcore", "", []edit{{"acl_workers: [{lcore: 1}]", "acl_workers: [{lcore: 0}]"}},
			[]string{"cfg.yaml:24: pipelines[0].acl_workers[0].lcore: lcore 0 is the main lcore; it runs no worker"}},
		{"worker lcore not in eal.lcores", "", []edit{{"kafka_workers: [{lcore: 2}]", "kafka_workers: [{lcore: 5}]"}},
			[]string{"cfg.yaml:26: pipelines[0].kafka_workers[0].lcore: lcore 5 is not in eal.lcores 0-2"}},
		{"worker lcore missing", "", []edit{{"kafka_workers: [{lcore: 2}]", "kafka_workers: [{}]"}},
			[]string{"cfg.yaml:26: pipelines[0].kafka_workers[0].lcore: required: the lcore that runs this worker"}},
		{"main lcore not in eal.lcores", "", []edit{{"main_lcore: 0", "main_lcore: 7"}},
			[]string{"cfg.yaml:3: eal.main_lcore: lcore 7 is not in eal.lcores 0-2"}},
		{"bad lcore list", "", []edit{{`lcores: "0-2"`, `lcores: "2-0"`}},
			[]string{`cfg.yaml:2: eal.lcores: must be an lcore list like 0-3 or 0,2,4, got "2-0"`}},
		{"EAL flag owned by a field", "", []edit{{"  hugepages: off\n", "  hugepages: off\n  args: [--no-huge]\n"}},
			[]string{"cfg.yaml:5: eal.args[0]: --no-huge is built from eal.hugepages; set it there"}},
		{"bad hugepages mode", "", []edit{{"hugepages: off", "hugepages: maybe"}},
			[]string{`cfg.yaml:4: eal.hugepages: must be auto, on or off, got "maybe"`}},
		{"mempool too small", "", []edit{{"mbufs: 8191", "mbufs: 1023"}},
			[]string{"cfg.yaml:9: mempool.mbufs: 1023 mbufs cannot fill the RX descriptors of every queue plus the per-lcore caches plus one burst: need at least 1248"}},
		{"sleep_us with busy polling", "", []edit{{"policy: sleep, sleep_us: 50", "policy: busy, sleep_us: 50"}},
			[]string{"cfg.yaml:12: idle.sleep_us: only used with idle.policy sleep"}},
		{"not a mapping", "", []edit{{"idle: {policy: sleep, sleep_us: 50}", "idle: sleep"}},
			[]string{"cfg.yaml:12: idle: must be a mapping of keys to values"}},
		{"missing bootstrap.servers", "", []edit{{"  producer:\n    bootstrap.servers: \"127.0.0.1:9092\"\n", ""}},
			[]string{`cfg.yaml:16: kafka.producer["bootstrap.servers"]: required with kafka.sink kafka: the brokers, like 127.0.0.1:9092`}},
		{"batch larger than message.max.bytes", "", []edit{{"batch: {linger: 5ms}", "batch: {linger: 5ms, max_bytes: 1000000}"}},
			[]string{"cfg.yaml:17: kafka.batch.max_bytes: 1000000 leaves no room under librdkafka's default message.max.bytes 1000000 for key and headers (4096 bytes); lower it or raise message.max.bytes"}},
		{"block_timeout with policy drop", "", []edit{{"batch: {linger: 5ms}", "batch: {linger: 5ms}\n  queue: {policy: drop, block_timeout: 1s}"}},
			[]string{"cfg.yaml:18: kafka.queue.block_timeout: only used with kafka.queue.policy block"}},
		{"bad metrics address", "", []edit{{`listen: "127.0.0.1:9469"`, `listen: "localhost"`}},
			[]string{`cfg.yaml:20: metrics.listen: must be host:port like 127.0.0.1:9469, got "localhost"`}},
		{"bad stats topic", "", []edit{{`listen: "127.0.0.1:9469"`, `listen: "127.0.0.1:9469", stats_topic: "a b"`}},
			[]string{`cfg.yaml:20: metrics.stats_topic: "a b" is not a valid Kafka topic: 1-249 letters, digits, '.', '_' or '-'`}},
		{"stats topic without table", "", []edit{{`listen: "127.0.0.1:9469"`, `listen: "127.0.0.1:9469", stats_topic: stats, table_interval: 0s`}},
			[]string{`cfg.yaml:20: metrics.stats_topic: needs metrics.table_interval above 0 (it is published every interval)`}},
		{"stats topic with discard", "", []edit{{`listen: "127.0.0.1:9469"`, `listen: "127.0.0.1:9469", stats_topic: stats`}, {"kafka:\n", "kafka:\n  sink: discard\n"}},
			[]string{`cfg.yaml:21: metrics.stats_topic: needs kafka.sink kafka (the sink is discard)`}},
		{"bad stats format", "", []edit{{`listen: "127.0.0.1:9469"`, `listen: "127.0.0.1:9469", stats_format: xml`}},
			[]string{`cfg.yaml:20: metrics.stats_format: must be json or protobuf, got "xml"`}},
		{"duplicate rule name", "", []edit{{"name: sampled", "name: reports"}},
			[]string{`cfg.yaml:36: rules[1].name: rule "reports" is already declared at rules[0]`}},
		{"queue read twice", "", []edit{{"rx: [{port: net_pcap0, queues: [0], lcore: 1}]", "rx: [{port: net_pcap0, lcore: 1}, {port: net_pcap0, lcore: 2}]"}},
			[]string{"cfg.yaml:23: pipelines[0].rx[1].queues[0]: queue 0 of port net_pcap0 is already read by pipelines[0].rx[0]"}},
		{"more acl workers than rx workers", "", []edit{{"acl_workers: [{lcore: 1}]", "acl_workers: [{lcore: 1}, {lcore: 2}]"}},
			[]string{"cfg.yaml:24: pipelines[0].acl_workers: 2 acl workers for 1 rx workers: rx worker i feeds acl worker i mod 2, so acl worker 1 would get nothing"}},
		{"ports set for a format not enabled", "", []edit{{"int:\n", "int:\n  formats: [idint]\n  telemetry_report_ports: [32766]\n"}},
			[]string{"cfg.yaml:15: int.telemetry_report_ports: set, but int.formats does not include telemetry_report"}},
		{"syntax error", "", []edit{{"burst: 32\n", "burst: 32\n  oops: [\n"}},
			[]string{"cfg.yaml:12: mapping values are not allowed in this context"}},
		{"lcore shared by two pipelines", twoPipelines, []edit{{"acl_workers: [{lcore: 3}]", "acl_workers: [{lcore: 2}]"}},
			[]string{"cfg.yaml:14: pipelines[1].acl_workers[0].lcore: lcore 2 already runs workers of pipeline p0 (pipelines[0].flow_workers[0].lcore); an lcore runs workers of one pipeline only"}},
		{"rule without pipeline among two", twoPipelines, []edit{{"{name: a, pipeline: p0, kafka_topic: a}", "{name: a, kafka_topic: a}"}},
			[]string{
				"cfg.yaml:7: pipelines[0]: no rule names pipeline p0: every packet it receives would be dropped as no_rule",
				"cfg.yaml:18: rules[0].pipeline: required: there are 2 pipelines (p0, p1)",
			}},
		{"raw-only config with a decoding rule", twoPipelines, []edit{{"kafka: {sink: discard}", "kafka: {sink: discard}\nint: {formats: []}"}},
			[]string{
				"cfg.yaml:19: rules[0].output: output batch decodes INT, but int.formats is empty: use output raw or list a format",
				"cfg.yaml:20: rules[1].output: output batch decodes INT, but int.formats is empty: use output raw or list a format",
			}},
		{"many errors at once", "", []edit{{"burst: 32", "burst: 1"}, {"sampling_rate: 10", "sampling_rate: 0"}, {"size: 1024", "size: 1000"}},
			[]string{
				"cfg.yaml:10: rings.size: must be a power of two, got 1000",
				"cfg.yaml:11: burst: must be between 32 and 256, got 1",
				"cfg.yaml:41: rules[1].sampling_rate: must be >= 1 for service_function sampling, got 0",
			}},
	}
	if len(tests) < 30 {
		t.Fatalf("only %d bad configs", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := tt.base
			if base == "" {
				base = baseYAML
			}
			cfg, err := Parse("cfg.yaml", []byte(apply(t, base, tt.edits)))
			if err == nil {
				t.Fatalf("accepted: %+v", cfg)
			}
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("error %v is not Errors", err)
			}
			got := strings.Split(err.Error(), "\n")
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if len(es) != len(tt.want) {
				t.Errorf("%d FieldErrors, want %d", len(es), len(tt.want))
			}
		})
	}
}
