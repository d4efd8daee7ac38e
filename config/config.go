package config

// Config is one wire2kafka config file. Load and Parse return it validated,
// with every default filled in; a Config built in Go must go through
// Validate, where a zero field means "use the default".
//
// Config is plain data: safe for concurrent reads, not for writes.
type Config struct {
	EAL       EAL        `yaml:"eal"`       // DPDK EAL settings
	Ports     []Port     `yaml:"ports"`     // NIC ports or vdevs to read; at least one
	Mempool   Mempool    `yaml:"mempool"`   // the mbuf pool all ports receive into
	Rings     Rings      `yaml:"rings"`     // the rte_rings between stages
	Burst     int        `yaml:"burst"`     // packets per rx/dequeue/enqueue burst; default 32, 32-256
	Idle      Idle       `yaml:"idle"`      // what a polling lcore does when it finds no work
	INT       INT        `yaml:"int"`       // INT decoding
	Kafka     Kafka      `yaml:"kafka"`     // Kafka workers, producers and topics
	Metrics   Metrics    `yaml:"metrics"`   // Prometheus endpoint and terminal table
	Pipelines []Pipeline `yaml:"pipelines"` // pipelines (RX -> ACL -> flow -> Kafka workers); at least one
	Rules     []Rule     `yaml:"rules"`     // classification rules, matched by priority; at least one per pipeline

	src       *source // where the fields were read; nil for configs built in Go
	validated bool
}

// EAL holds the DPDK Environment Abstraction Layer settings. The EAL
// arguments are built from these and from Ports (see Plan.EALArgs).
type EAL struct {
	// Lcores lists the lcores EAL starts, as "0-3", "0,2,4-7" or a list.
	// Required. Lcore ids are also CPU ids (-l), unless CPUs is set.
	Lcores LcoreSet `yaml:"lcores"`
	// CPUs, when set, are the CPUs the lcores run on, assigned round-robin
	// in order (EAL --lcores lcore@cpu): "0" runs every lcore on CPU 0, so
	// a pipeline runs on a 1-core machine; "0-1" maps lcores 0,1,2 to CPUs
	// 0,1,0. Default none: lcore id = CPU id.
	CPUs LcoreSet `yaml:"cpus"`
	// MainLcore is the lcore of the main (control) thread; it runs no
	// worker. Default: the first of Lcores.
	MainLcore int `yaml:"main_lcore"`
	// Hugepages is auto, on or off. Default auto: hugepages when at least
	// MemoryMB of them are free at start, else --no-huge.
	Hugepages HugepageMode `yaml:"hugepages"`
	// MemoryMB is the memory EAL reserves (-m), in MiB. Default 512,
	// 64-1048576.
	MemoryMB int `yaml:"memory_mb"`
	// FilePrefix is EAL's --file-prefix; unique per process on one host.
	// Default "wire2kafka".
	FilePrefix string `yaml:"file_prefix"`
	// Args are extra EAL arguments appended as they are, e.g.
	// "--log-level=pmd.net.pcap:debug". Flags built from other fields
	// (-l, --main-lcore, --file-prefix, -m, --no-huge, --in-memory) are
	// refused here. Default none.
	Args []string `yaml:"args"`
}

// Port is one ethdev to receive from.
type Port struct {
	// Name is a PCI address ("0000:3b:00.0", passed as -a) or a vdev name
	// starting with "net_" ("net_pcap0", passed as --vdev). Required, unique.
	Name string `yaml:"name"`
	// Devargs are appended to the -a or --vdev argument after a comma, e.g.
	// "rx_pcap=capture.pcap,infinite_rx=1". Default none.
	Devargs string `yaml:"devargs"`
	// RXQueues is the number of RX queues (RSS spreads flows over them).
	// Default 1, 1-64. Every queue must be read by exactly one RX worker.
	RXQueues int `yaml:"rx_queues"`
	// RXDescriptors is the RX ring size of each queue, in descriptors.
	// Default 1024, a power of two, 64-16384.
	RXDescriptors int `yaml:"rx_descriptors"`
}

// Mempool sizes the one mbuf pool the ports receive into.
type Mempool struct {
	// Mbufs is the number of mbufs. Default 16383 (2^n-1 is optimal for
	// DPDK); at least the RX descriptors of all queues plus every lcore's
	// cache plus one burst.
	Mbufs int `yaml:"mbufs"`
	// Cache is the per-lcore mbuf cache, in mbufs. Default 256, 0-512, and
	// at most Mbufs/1.5.
	Cache int `yaml:"cache"`
	// DataRoom is each mbuf's data room including the 128-byte headroom, in
	// bytes. Default 2176 (RTE_MBUF_DEFAULT_BUF_SIZE), 256-65535.
	DataRoom int `yaml:"data_room"`
}

// Rings sizes the rte_rings between stages (RX->ACL, ACL->flow,
// flow->Kafka worker).
type Rings struct {
	// Size is the number of slots of every ring (it holds Size-1 mbufs).
	// Default 4096; a power of two, 64-1048576, larger than burst.
	Size int `yaml:"size"`
	// WhenFull is what a stage does when the ring it writes to lacks room
	// for a burst: wait (default) or drop.
	WhenFull WhenFull `yaml:"when_full"`
}

// Idle says what a polling lcore does after a pass over its workers that
// found no work.
type Idle struct {
	// Policy is busy (poll again at once) or sleep. Default busy.
	Policy IdlePolicy `yaml:"policy"`
	// SleepUS is the sleep after an empty pass, in microseconds. Policy
	// sleep only; default 50, 1-100000.
	SleepUS int `yaml:"sleep_us"`
}

// INT holds the INT decoding settings.
type INT struct {
	// Formats lists the INT formats to decode. Default both:
	// [telemetry_report, idint].
	Formats []INTFormat `yaml:"formats"`
	// TelemetryReportPorts are the UDP destination ports of Telemetry
	// Reports. Default [32766] (intdecode.DefaultReportPort) when
	// telemetry_report is in Formats.
	TelemetryReportPorts []int `yaml:"telemetry_report_ports"`
	// IDINTPorts are the UDP ports (source or destination) of the SCION
	// underlay that carries ID-INT. Default [30041, 30042, 50000]
	// (intdecode.DefaultSCIONPorts: end host dispatcher and border router)
	// when idint is in Formats.
	IDINTPorts []int `yaml:"idint_ports"`
	// MDDSCP marks the inner packets of Telemetry Reports that carry an
	// INT shim after their TCP/UDP header by DSCP: {value, mask}, or off.
	// Default {value: 0x17, mask: 0x3f} (INT v2.1 examples).
	MDDSCP MDDSCP `yaml:"md_dscp"`
	// MDUDPPorts are INT_TBD UDP destination ports: an inner UDP packet to
	// one of them carries an INT shim (INT v2.1 section 5.7.2, option 1;
	// NPT 1 and 2). Default none.
	MDUDPPorts []int `yaml:"md_udp_ports"`
	// SourceOnlyMD gives the size of 'source-only' domain-specific INT
	// metadata per domain id, so it is not taken for hops. Default none.
	SourceOnlyMD []SourceOnlyMD `yaml:"source_only_md"`
	// SinkISDAS is the ISD-AS of this INT sink, like "1-ff00:0:1" (any
	// form report.ParseIA reads). Needed by the "{sink}" topic template.
	// Default none.
	SinkISDAS string `yaml:"sink_isd_as"`
	// SinkIndex is the index of this sink within its AS, 0-65535. Default 0.
	SinkIndex int `yaml:"sink_index"`
}

// Kafka holds the Kafka worker, producer and topic settings.
type Kafka struct {
	// Sink is kafka (librdkafka producers) or discard (count and drop;
	// benchmarks). Default kafka.
	Sink SinkKind `yaml:"sink"`
	// Connections is the number of librdkafka producers (connection
	// workers); Kafka workers are spread over them. Default 1, 1-64.
	Connections int `yaml:"connections"`
	// Queue bounds the messages waiting in each producer.
	Queue KafkaQueue `yaml:"queue"`
	// Batch says when a Kafka worker closes a message.
	Batch KafkaBatch `yaml:"batch"`
	// CreateTopics makes wire2kafka create missing topics at start.
	CreateTopics CreateTopics `yaml:"create_topics"`
	// FlushTimeout bounds the wait for delivery reports at shutdown.
	// Default 10s, 0-10m.
	FlushTimeout Duration `yaml:"flush_timeout"`
	// Producer holds librdkafka settings passed as they are
	// ("bootstrap.servers", "compression.type", "linger.ms", ...).
	// "bootstrap.servers" is required with sink kafka.
	Producer map[string]string `yaml:"producer"`
}

// KafkaQueue bounds a producer's queue and says what happens when it is full.
type KafkaQueue struct {
	// Messages is the producer queue limit, in messages
	// (queue.buffering.max.messages). Default 10000, 1-10000000.
	Messages int `yaml:"messages"`
	// Policy is block or drop. Default block.
	Policy QueuePolicy `yaml:"policy"`
	// BlockTimeout is the longest a Kafka worker waits for room before it
	// drops (sink_full). Policy block only; default 1s, 1ms-1m.
	BlockTimeout Duration `yaml:"block_timeout"`
}

// KafkaBatch says when a Kafka worker closes the message it is filling for
// one (topic, flow key): whichever limit comes first.
type KafkaBatch struct {
	// MaxReports is the most reports or packets in one message. Default
	// 256, 1-100000; 1 for output single regardless.
	MaxReports int `yaml:"max_reports"`
	// MaxBytes is the largest message value, in bytes. Default 524288,
	// 1024 up to librdkafka's message.max.bytes minus 4096.
	MaxBytes int `yaml:"max_bytes"`
	// Linger is the longest a partial message waits for more reports.
	// Default 5ms, 0-10s.
	Linger Duration `yaml:"linger"`
	// KeyStates is how many message keys (flows) each Kafka worker
	// remembers the sequence number of. A key not seen while this many
	// others were is forgotten and starts again at sequence 1. Fixed
	// memory, 136 B per state. Default 65536, 64-16777216.
	KeyStates int `yaml:"key_states"`
}

// CreateTopics makes wire2kafka create the resolved topics at start when
// they do not exist.
type CreateTopics struct {
	// Enabled turns topic creation on. Default false.
	Enabled bool `yaml:"enabled"`
	// Partitions of a created topic. Default 1, 1-10000.
	Partitions int `yaml:"partitions"`
	// ReplicationFactor of a created topic. Default 1, 1-32.
	ReplicationFactor int `yaml:"replication_factor"`
}

// Metrics holds the observability settings.
type Metrics struct {
	// Listen is the host:port of the Prometheus /metrics endpoint.
	// Default "127.0.0.1:9469".
	Listen string `yaml:"listen"`
	// WebConfigFile is an exporter-toolkit web configuration file (TLS,
	// client certificates, basic auth), the file Prometheus exporters take
	// with --web.config.file; a relative path is relative to the config
	// file's directory. Empty: plain HTTP.
	WebConfigFile string `yaml:"web_config_file"`
	// TableInterval is how often the terminal counter table is printed; 0
	// prints it only at exit. Default 5s.
	TableInterval Duration `yaml:"table_interval"`
	// StatsTopic, when set, is a Kafka topic to which the daemon publishes
	// its counter table every TableInterval and at exit, one message per
	// row keyed by the row's name (the collectd-to-Kafka pattern): for
	// sites that read everything from the bus. Needs kafka.sink kafka.
	StatsTopic string `yaml:"stats_topic"`
	// StatsFormat is json (default) or protobuf (telemetry.report.StatsRow).
	StatsFormat StatsFormat `yaml:"stats_format"`
}

// Pipeline is one chain of RX -> ACL -> flow -> Kafka workers. Each worker
// runs on an lcore; several workers of one pipeline may share an lcore, but
// an lcore never runs workers of two pipelines, nor any worker on the main
// lcore.
type Pipeline struct {
	// Name identifies the pipeline in rules, metrics and logs: letters,
	// digits, '_' and '-'. Required, unique.
	Name string `yaml:"name"`
	// RX lists the RX workers, one per entry. At least one.
	RX []RXWorker `yaml:"rx"`
	// ACLWorkers classify packets; at least one, at most one per RX worker
	// (RX worker i feeds ACL worker i mod len(ACLWorkers)).
	ACLWorkers []Worker `yaml:"acl_workers"`
	// FlowWorkers run the rules' service functions; at least one. Rules
	// name them by index.
	FlowWorkers []Worker `yaml:"flow_workers"`
	// KafkaWorkers pack reports into messages; at least one, at most one per
	// flow worker (flow worker i feeds Kafka worker i mod len(KafkaWorkers)).
	KafkaWorkers []Worker `yaml:"kafka_workers"`
}

// RXWorker is an RX worker: it polls some queues of one port.
type RXWorker struct {
	// Port is the name of a port in ports. Required.
	Port string `yaml:"port"`
	// Queues are the RX queue ids this worker polls. Default all queues of
	// the port.
	Queues []int `yaml:"queues"`
	// Lcore runs the worker. Required.
	Lcore int `yaml:"lcore"`
}

// Worker is an ACL, flow or Kafka worker.
type Worker struct {
	// Lcore runs the worker. Required.
	Lcore int `yaml:"lcore"`
}

// Rule sends the packets it matches to a service function on a flow worker
// and from there to a Kafka topic. A packet takes the matching rule with
// the highest priority; overlapping rules of one pipeline must not tie.
// A packet no rule matches is dropped and counted as no_rule.
type Rule struct {
	// Name identifies the rule in metrics and logs. Required, unique.
	Name string `yaml:"name"`
	// Protocol is tcp, udp, sctp, icmp, icmpv6, a number 0-255, or any.
	// Default any.
	Protocol Protocol `yaml:"protocol"`
	// SrcIP is the source prefix. Default any address (IPv4 or IPv6).
	SrcIP Prefix `yaml:"src_ip"`
	// DstIP is the destination prefix. Default any address.
	DstIP Prefix `yaml:"dst_ip"`
	// SrcPort is a source port or range "lo-hi". Default 0-65535; anything
	// narrower needs protocol tcp, udp or sctp.
	SrcPort PortRange `yaml:"src_port"`
	// DstPort is a destination port or range. Default 0-65535.
	DstPort PortRange `yaml:"dst_port"`
	// Priority decides between matching rules; higher wins. Default 1,
	// 1-536870911 (rte_acl's range).
	Priority int `yaml:"priority"`
	// ServiceFunction is passthrough, sampling, histogram or drop. Default
	// passthrough.
	ServiceFunction ServiceFunction `yaml:"service_function"`
	// SamplingRate keeps 1 packet in SamplingRate (1:N). Sampling only;
	// required there, 1-1000000000.
	SamplingRate int `yaml:"sampling_rate"`
	// ResolutionNS is the histogram bucket width, in nanoseconds. Histogram
	// only; default 100, 1-1000000000.
	ResolutionNS int `yaml:"resolution_ns"`
	// Buckets is the number of histogram buckets; the last one also counts
	// every longer gap. Histogram only; default 64, 2-4096.
	Buckets int `yaml:"buckets"`
	// ReportInterval is how often a histogram is emitted (and reset).
	// Histogram only; default 1s, 1ms-1h.
	ReportInterval Duration `yaml:"report_interval"`
	// Pipeline is the name of the pipeline whose ACL workers apply this
	// rule. Default the only pipeline when there is one.
	Pipeline string `yaml:"pipeline"`
	// FlowWorker is the index of the flow worker, within the pipeline, that
	// runs the service function. Default 0.
	FlowWorker int `yaml:"flow_worker"`
	// FlowWorkers spreads the rule over several flow workers (and the
	// Kafka workers they feed) by a hash of each packet's monitored flow:
	// a list of indexes or all. Instead of FlowWorker.
	FlowWorkers FlowWorkerSet `yaml:"flow_workers"`
	// KafkaTopic is a topic name, or a template where "{sink}" becomes the
	// INT sink name (int.sink_isd_as 1-ff00:0:1, sink_index 1 ->
	// ASff00_0_1-1). Required, except with service function drop.
	KafkaTopic string `yaml:"kafka_topic"`
	// Output is batch, single or raw (see Output). Default batch. Histogram
	// rules emit reports, so not raw; drop rules have no output.
	Output Output `yaml:"output"`
}
