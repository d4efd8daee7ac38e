// Package consume decodes the Kafka messages wire2kafka writes, checks
// them against a generator's ground truth, and summarises them. It is
// what `wire2kafka consume` runs on, and other programs can import it: it
// depends on the message bytes only (see FromKafka for confluent-kafka-go).
//
// The formats are in docs/formats.md; the schema is report/report.proto.
package consume

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"wire2kafka/kafkaout"
	"wire2kafka/report/reportpb"
)

// Message is one Kafka message as read by any client.
type Message struct {
	Topic     string
	Partition int32
	Offset    int64
	Timestamp time.Time
	Key       []byte
	Value     []byte
	Headers   map[string]string // last value per header name
}

// FromKafka converts a confluent-kafka-go message (it keeps its byte slices).
func FromKafka(km *kafka.Message) *Message {
	m := &Message{Key: km.Key, Value: km.Value, Partition: km.TopicPartition.Partition,
		Offset: int64(km.TopicPartition.Offset), Timestamp: km.Timestamp}
	if km.TopicPartition.Topic != nil {
		m.Topic = *km.TopicPartition.Topic
	}
	if len(km.Headers) > 0 {
		m.Headers = make(map[string]string, len(km.Headers))
		for _, h := range km.Headers {
			m.Headers[h.Key] = string(h.Value)
		}
	}
	return m
}

// Decoded is a decoded message. Exactly one of Report, Batch, Packets,
// Histogram and Stats is set, as Type says.
type Decoded struct {
	Type      kafkaout.PayloadType
	Headers   bool                  // the w2k-* headers were present
	FlowKey   *reportpb.FlowKey     // key of report and report-batch messages
	KeyName   string                // key of packet-batch and histogram messages (the rule name)
	Report    *reportpb.Report      // Type PayloadReport
	Batch     *reportpb.ReportBatch // Type PayloadReportBatch
	Packets   *reportpb.PacketBatch // Type PayloadPacketBatch
	Histogram *reportpb.Histogram   // Type PayloadHistogram
	Stats     *reportpb.StatsRow    // Type PayloadStats or PayloadStatsJSON (metrics.stats_topic)
	HdrCount  uint64                // w2k-count
	HdrSeq    uint64                // w2k-seq
}

// ErrDecode is wrapped by every Decode error.
var ErrDecode = errors.New("consume: cannot decode message")

// Decode decodes m. The type comes from the w2k-type header; a message
// without it is read as a single SCION-INT Report keyed by a FlowKey. The
// w2k-count and w2k-seq headers must agree with the value.
func Decode(m *Message) (*Decoded, error) {
	d := &Decoded{Type: kafkaout.PayloadReport}
	if name, ok := m.Headers[kafkaout.HeaderType]; ok {
		t, known := kafkaout.ParsePayloadType(name)
		if !known {
			return nil, fmt.Errorf("%w: %s/%d@%d: unknown %s %q", ErrDecode, m.Topic, m.Partition, m.Offset, kafkaout.HeaderType, name)
		}
		d.Type, d.Headers = t, true
		var err error
		if d.HdrCount, err = strconv.ParseUint(m.Headers[kafkaout.HeaderCount], 10, 64); err != nil {
			return nil, fmt.Errorf("%w: %s/%d@%d: header %s: %v", ErrDecode, m.Topic, m.Partition, m.Offset, kafkaout.HeaderCount, err)
		}
		if d.HdrSeq, err = strconv.ParseUint(m.Headers[kafkaout.HeaderSeq], 10, 64); err != nil {
			return nil, fmt.Errorf("%w: %s/%d@%d: header %s: %v", ErrDecode, m.Topic, m.Partition, m.Offset, kafkaout.HeaderSeq, err)
		}
	}
	var val proto.Message
	switch d.Type {
	case kafkaout.PayloadReport:
		d.Report = &reportpb.Report{}
		val = d.Report
	case kafkaout.PayloadReportBatch:
		d.Batch = &reportpb.ReportBatch{}
		val = d.Batch
	case kafkaout.PayloadPacketBatch:
		d.Packets = &reportpb.PacketBatch{}
		val = d.Packets
	case kafkaout.PayloadHistogram:
		d.Histogram = &reportpb.Histogram{}
		val = d.Histogram
	case kafkaout.PayloadStats, kafkaout.PayloadStatsJSON:
		d.Stats = &reportpb.StatsRow{}
		val = d.Stats
	}
	unmarshal := proto.Unmarshal
	if d.Type == kafkaout.PayloadStatsJSON {
		unmarshal = protojson.Unmarshal // the JSON names are the proto field names
	}
	if err := unmarshal(m.Value, val); err != nil {
		return nil, fmt.Errorf("%w: %s/%d@%d: %s value: %v", ErrDecode, m.Topic, m.Partition, m.Offset, d.Type, err)
	}
	switch d.Type {
	case kafkaout.PayloadReport, kafkaout.PayloadReportBatch:
		d.FlowKey = &reportpb.FlowKey{}
		if err := proto.Unmarshal(m.Key, d.FlowKey); err != nil {
			return nil, fmt.Errorf("%w: %s/%d@%d: key is not a FlowKey: %v", ErrDecode, m.Topic, m.Partition, m.Offset, err)
		}
	default:
		d.KeyName = string(m.Key)
	}
	if d.Headers {
		if uint64(d.Count()) != d.HdrCount {
			return nil, fmt.Errorf("%w: %s/%d@%d: %s %d but the value holds %d", ErrDecode, m.Topic, m.Partition, m.Offset, kafkaout.HeaderCount, d.HdrCount, d.Count())
		}
		if s := d.Sequence(); s != 0 && s != d.HdrSeq {
			return nil, fmt.Errorf("%w: %s/%d@%d: %s %d but the value says %d", ErrDecode, m.Topic, m.Partition, m.Offset, kafkaout.HeaderSeq, d.HdrSeq, s)
		}
	}
	return d, nil
}

// Reports returns the reports of a report or report-batch message.
func (d *Decoded) Reports() []*reportpb.Report {
	switch {
	case d.Report != nil:
		return []*reportpb.Report{d.Report}
	case d.Batch != nil:
		return d.Batch.Reports
	}
	return nil
}

// Count is the number of reports or packets in the message (1 for a
// histogram).
func (d *Decoded) Count() int {
	switch {
	case d.Report != nil:
		return 1
	case d.Batch != nil:
		return len(d.Batch.Reports)
	case d.Packets != nil:
		return len(d.Packets.Packets)
	}
	return 1
}

// Sequence returns the per-key sequence number carried in the value (0
// when there is none: a SCION-INT report).
func (d *Decoded) Sequence() uint64 {
	switch {
	case d.Report != nil:
		return d.Report.Sequence
	case d.Batch != nil:
		return d.Batch.Sequence
	case d.Packets != nil:
		return d.Packets.Sequence
	case d.Histogram != nil:
		return d.Histogram.Sequence
	}
	return 0
}

// ProducerID returns the producing instance named in the value ("" for
// single reports).
func (d *Decoded) ProducerID() string {
	switch {
	case d.Batch != nil:
		return d.Batch.ProducerId
	case d.Packets != nil:
		return d.Packets.ProducerId
	case d.Histogram != nil:
		return d.Histogram.ProducerId
	}
	return ""
}
