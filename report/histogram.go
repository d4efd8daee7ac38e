package report

import "google.golang.org/protobuf/encoding/protowire"

// Histogram is one inter-arrival histogram (message Histogram).
type Histogram struct {
	RuleID     uint32
	HasFlow    bool    // Flow is set (per-flow histogram)
	Flow       FlowKey // flow of a per-flow histogram
	Resolution uint64  // bucket width, ns
	StartTime  uint64  // interval start, ns since the Unix epoch
	Interval   uint64  // interval length, ns
	Buckets    []uint64
	Overflow   uint64 // inter-arrival times beyond the last bucket
	Packets    uint64 // packets in the interval
	Sequence   uint64 // per-key sequence number, from 1
	ProducerID string
}

// AppendHistogram appends the protobuf encoding of h (message
// telemetry.report.Histogram) to b. No allocation when b has room.
func AppendHistogram(b []byte, h *Histogram) []byte {
	b = appendVarintField(b, 1, uint64(h.RuleID))
	if h.HasFlow {
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendVarint(b, uint64(flowKeySize(&h.Flow)))
		b = AppendFlowKey(b, &h.Flow)
	}
	b = appendVarintField(b, 3, h.Resolution)
	b = appendFixed64Field(b, 4, h.StartTime)
	b = appendVarintField(b, 5, h.Interval)
	if len(h.Buckets) > 0 {
		n := 0
		for _, c := range h.Buckets {
			n += protowire.SizeVarint(c)
		}
		b = protowire.AppendTag(b, 6, protowire.BytesType) // packed
		b = protowire.AppendVarint(b, uint64(n))
		for _, c := range h.Buckets {
			b = protowire.AppendVarint(b, c)
		}
	}
	b = appendVarintField(b, 7, h.Overflow)
	b = appendVarintField(b, 8, h.Packets)
	b = appendVarintField(b, 9, h.Sequence)
	if h.ProducerID != "" {
		b = protowire.AppendTag(b, 10, protowire.BytesType)
		b = protowire.AppendString(b, h.ProducerID)
	}
	return b
}
