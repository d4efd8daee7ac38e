package config

import "go.yaml.in/yaml/v3"

// ServiceFunction is what a flow worker does with the packets of a rule.
type ServiceFunction string

// Service functions (Fastcapa-ng's, plus drop).
const (
	Passthrough ServiceFunction = "passthrough" // every packet goes on to the Kafka worker
	Sampling    ServiceFunction = "sampling"    // 1 in sampling_rate packets goes on, deterministically (the 1st, N+1th, ...)
	Histogram   ServiceFunction = "histogram"   // inter-arrival times binned per rule, emitted as Histogram reports
	Drop        ServiceFunction = "drop"        // packets are counted (rule_drop) and freed
)

// UnmarshalYAML accepts the four service function names.
func (f *ServiceFunction) UnmarshalYAML(n *yaml.Node) error {
	s, err := enum(n, string(Passthrough), string(Sampling), string(Histogram), string(Drop))
	*f = ServiceFunction(s)
	return err
}

// Output is how a rule's packets are written to Kafka.
type Output string

// Output modes.
const (
	OutputBatch  Output = "batch"  // INT decoded; many reports per message (ReportBatch)
	OutputSingle Output = "single" // INT decoded; one Report per message (SCION-INT compatible)
	OutputRaw    Output = "raw"    // packets as received, not decoded, many per message (PacketBatch)
)

// UnmarshalYAML accepts batch, single or raw.
func (o *Output) UnmarshalYAML(n *yaml.Node) error {
	s, err := enum(n, string(OutputBatch), string(OutputSingle), string(OutputRaw))
	*o = Output(s)
	return err
}

// Decodes reports whether packets of this output mode are INT-decoded.
func (o Output) Decodes() bool { return o == OutputBatch || o == OutputSingle }

// HugepageMode says whether EAL uses hugepages.
type HugepageMode string

// Hugepage modes.
const (
	HugepagesAuto HugepageMode = "auto" // hugepages when enough are free for memory_mb, else --no-huge
	HugepagesOn   HugepageMode = "on"   // hugepages (--in-memory); EAL fails when there are too few
	HugepagesOff  HugepageMode = "off"  // --no-huge: ordinary memory, 2.5-4x slower
)

// UnmarshalYAML accepts auto, on or off.
func (m *HugepageMode) UnmarshalYAML(n *yaml.Node) error {
	s, err := enum(n, string(HugepagesAuto), string(HugepagesOn), string(HugepagesOff))
	*m = HugepageMode(s)
	return err
}

// IdlePolicy is what a polling lcore does when a pass over its workers found
// no work.
type IdlePolicy string

// Idle policies.
const (
	IdleBusy  IdlePolicy = "busy"  // poll again at once (lowest latency; burns the core)
	IdleSleep IdlePolicy = "sleep" // sleep idle.sleep_us, so the lcore can share a small machine with Kafka
)

// UnmarshalYAML accepts busy or sleep.
func (p *IdlePolicy) UnmarshalYAML(n *yaml.Node) error {
	s, err := enum(n, string(IdleBusy), string(IdleSleep))
	*p = IdlePolicy(s)
	return err
}

// WhenFull is what a stage does when its output ring lacks room for a
// burst.
type WhenFull string

// Ring overflow policies.
const (
	// WhenFullWait: the stage takes nothing off its input (an RX worker
	// does not call rx_burst) until the ring has room for a burst, so an
	// overload backs up to the NIC, which counts what it cannot hold
	// (imissed) at no CPU cost. A ring shared by several producers can
	// still refuse a burst (its free count is read before the others
	// write); those packets are counted ring_full.
	WhenFullWait WhenFull = "wait"
	// WhenFullDrop: the stage always takes its input and frees what the
	// ring refuses, counted ring_full (Fastcapa-ng's behaviour): the loss
	// is seen per stage, and CPU is spent on packets that are then dropped.
	WhenFullDrop WhenFull = "drop"
)

// UnmarshalYAML accepts wait or drop.
func (w *WhenFull) UnmarshalYAML(n *yaml.Node) error {
	s, err := enum(n, string(WhenFullWait), string(WhenFullDrop))
	*w = WhenFull(s)
	return err
}

// QueuePolicy is what a Kafka worker does when the producer queue is full.
type QueuePolicy string

// Queue policies.
const (
	QueueBlock QueuePolicy = "block" // wait up to kafka.queue.block_timeout, then drop and count sink_full
	QueueDrop  QueuePolicy = "drop"  // drop at once and count sink_full
)

// UnmarshalYAML accepts block or drop.
func (p *QueuePolicy) UnmarshalYAML(n *yaml.Node) error {
	s, err := enum(n, string(QueueBlock), string(QueueDrop))
	*p = QueuePolicy(s)
	return err
}

// INTFormat is an INT encapsulation the decoder recognises.
type INTFormat string

// INT formats.
const (
	FormatTelemetryReport INTFormat = "telemetry_report" // P4.org Telemetry Report v2.0 over UDP
	FormatIDINT           INTFormat = "idint"            // SCION ID-INT over the SCION/UDP underlay
)

// UnmarshalYAML accepts telemetry_report or idint.
func (f *INTFormat) UnmarshalYAML(n *yaml.Node) error {
	s, err := enum(n, string(FormatTelemetryReport), string(FormatIDINT))
	*f = INTFormat(s)
	return err
}

// SinkKind is where Kafka workers send their messages.
type SinkKind string

// Sink kinds.
const (
	SinkKafka   SinkKind = "kafka"   // librdkafka producers (kafka.connections of them)
	SinkDiscard SinkKind = "discard" // count messages and bytes, send nothing (benchmarks)
)

// UnmarshalYAML accepts kafka or discard.
func (k *SinkKind) UnmarshalYAML(n *yaml.Node) error {
	s, err := enum(n, string(SinkKafka), string(SinkDiscard))
	*k = SinkKind(s)
	return err
}

// StatsFormat is how the counter table goes to metrics.stats_topic.
type StatsFormat string

// Stats formats.
const (
	StatsJSON     StatsFormat = "json"     // one JSON object per row (type header stats-json)
	StatsProtobuf StatsFormat = "protobuf" // one telemetry.report.StatsRow per row (type header stats)
)

// UnmarshalYAML accepts json or protobuf.
func (f *StatsFormat) UnmarshalYAML(n *yaml.Node) error {
	s, err := enum(n, string(StatsJSON), string(StatsProtobuf))
	*f = StatsFormat(s)
	return err
}
