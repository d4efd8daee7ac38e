package config

import (
	"fmt"
	"strconv"
	"time"
	"wire2kafka/report/intdecode"
)

func (v *validator) intSettings() {
	in := &v.cfg.INT
	has := map[INTFormat]bool{}
	if !v.given("int.formats", len(in.Formats) == 0) {
		in.Formats = []INTFormat{FormatTelemetryReport, FormatIDINT}
	}
	for i, f := range in.Formats {
		if has[f] && f != "" {
			v.c.errf(fmt.Sprintf("int.formats[%d]", i), "%s is listed twice", f)
		}
		has[f] = true
	}
	portsFor := func(path string, p *[]int, f INTFormat, def []int) {
		if !v.given(path, len(*p) == 0) {
			if has[f] {
				*p = append([]int(nil), def...)
			}
			return
		}
		if !has[f] {
			v.c.errf(path, "set, but int.formats does not include %s", f)
		}
		if len(*p) == 0 && has[f] {
			v.c.errf(path, "must list at least one UDP port for %s", f)
		}
	}
	portsFor("int.telemetry_report_ports", &in.TelemetryReportPorts, FormatTelemetryReport, []int{intdecode.DefaultReportPort})
	portsFor("int.idint_ports", &in.IDINTPorts, FormatIDINT, defaultIDINTPorts())
	used := map[int]string{}
	for _, l := range []struct {
		name  string
		ports []int
	}{{"int.telemetry_report_ports", in.TelemetryReportPorts}, {"int.idint_ports", in.IDINTPorts}} {
		for i, p := range l.ports {
			path := fmt.Sprintf("%s[%d]", l.name, i)
			if p < 1 || p > 65535 {
				v.c.errf(path, "must be a UDP port 1-65535, got %d", p)
			} else if prev, dup := used[p]; dup {
				v.c.errf(path, "port %d is already listed at %s", p, prev)
			}
			used[p] = path
		}
	}
	if in.SinkISDAS != "" {
		if _, err := SinkName(*in); err != nil {
			v.c.errf("int.sink_isd_as", "%v", err)
		}
	}
	v.intField("int.sink_index", &in.SinkIndex, 0, 0, 65535)
	v.mdDetection()
}

// defaultIDINTPorts are the decoder's default SCION underlay ports.
func defaultIDINTPorts() []int {
	out := make([]int, len(intdecode.DefaultSCIONPorts))
	for i, p := range intdecode.DefaultSCIONPorts {
		out[i] = int(p)
	}
	return out
}

// producerOwned are librdkafka settings built from kafka.* fields.
var producerOwned = map[string]string{
	"queue.buffering.max.messages": "kafka.queue.messages",
}

func (v *validator) kafka() {
	k := &v.cfg.Kafka
	if k.Sink == "" {
		k.Sink = SinkKafka
	}
	v.intField("kafka.connections", &k.Connections, DefaultKafkaConnections, 1, 64)
	v.intField("kafka.queue.messages", &k.Queue.Messages, DefaultQueueMessages, 1, 10000000)
	if k.Queue.Policy == "" {
		k.Queue.Policy = QueueBlock
	}
	switch {
	case k.Queue.Policy == QueueBlock:
		v.durField("kafka.queue.block_timeout", &k.Queue.BlockTimeout, DefaultBlockTimeout, Duration(time.Millisecond), Duration(time.Minute))
	case v.given("kafka.queue.block_timeout", k.Queue.BlockTimeout == 0):
		v.c.errf("kafka.queue.block_timeout", "only used with kafka.queue.policy block")
	}
	v.intField("kafka.batch.max_reports", &k.Batch.MaxReports, DefaultBatchMaxReports, 1, 100000)
	v.intField("kafka.batch.key_states", &k.Batch.KeyStates, DefaultBatchKeyStates, 64, 1<<24)
	maxMsg, maxFrom := librdkafkaMessageMaxBytes, "librdkafka's default message.max.bytes"
	if s, ok := k.Producer["message.max.bytes"]; ok {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1000 {
			v.c.errf(`kafka.producer["message.max.bytes"]`, "must be a number of bytes of at least 1000, got %q", s)
		} else {
			maxMsg, maxFrom = n, "producer message.max.bytes"
		}
	}
	if !v.given("kafka.batch.max_bytes", k.Batch.MaxBytes == 0) {
		k.Batch.MaxBytes = min(DefaultBatchMaxBytes, maxMsg-kafkaEnvelopeBytes)
	} else if k.Batch.MaxBytes < 1024 {
		v.c.errf("kafka.batch.max_bytes", "must be at least 1024, got %d", k.Batch.MaxBytes)
	} else if k.Batch.MaxBytes > maxMsg-kafkaEnvelopeBytes {
		v.c.errf("kafka.batch.max_bytes", "%d leaves no room under %s %d for key and headers (%d bytes); lower it or raise message.max.bytes",
			k.Batch.MaxBytes, maxFrom, maxMsg, kafkaEnvelopeBytes)
	}
	v.durField("kafka.batch.linger", &k.Batch.Linger, DefaultLinger, 0, Duration(10*time.Second))
	v.intField("kafka.create_topics.partitions", &k.CreateTopics.Partitions, DefaultPartitions, 1, 10000)
	v.intField("kafka.create_topics.replication_factor", &k.CreateTopics.ReplicationFactor, DefaultReplicationFactor, 1, 32)
	v.durField("kafka.flush_timeout", &k.FlushTimeout, DefaultFlushTimeout, 0, Duration(10*time.Minute))
	v.producerSecrets()
	for key, owner := range producerOwned {
		if _, ok := k.Producer[key]; ok {
			v.c.errf(fmt.Sprintf("kafka.producer[%q]", key), "is built from %s; set it there", owner)
		}
	}
	if k.Sink == SinkKafka && k.Producer["bootstrap.servers"] == "" {
		v.c.errf(`kafka.producer["bootstrap.servers"]`, "required with kafka.sink kafka: the brokers, like 127.0.0.1:9092")
	}
}
