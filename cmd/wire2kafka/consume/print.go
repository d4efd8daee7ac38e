package consume

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"wire2kafka/report"
	"wire2kafka/report/reportpb"
)

// jsonLine is the form of one message in WriteJSON.
type jsonLine struct {
	Topic     string          `json:"topic"`
	Partition int32           `json:"partition"`
	Offset    int64           `json:"offset"`
	Type      string          `json:"type"`
	Count     int             `json:"count"`
	Seq       uint64          `json:"seq"`
	Key       json.RawMessage `json:"key"`
	Value     json.RawMessage `json:"value"`
}

// value returns the decoded value of d.
func (d *Decoded) value() proto.Message {
	switch {
	case d.Report != nil:
		return d.Report
	case d.Batch != nil:
		return d.Batch
	case d.Packets != nil:
		return d.Packets
	case d.Stats != nil:
		return d.Stats
	}
	return d.Histogram
}

// WriteJSON writes m as one JSON line: topic, partition, offset, type,
// count, seq, key (a FlowKey as protobuf JSON, or the rule name as a
// string) and value (the message as protobuf JSON).
func WriteJSON(w io.Writer, m *Message, d *Decoded) error {
	l := jsonLine{Topic: m.Topic, Partition: m.Partition, Offset: m.Offset, Type: d.Type.String(), Count: d.Count(), Seq: d.HdrSeq}
	if !d.Headers {
		l.Seq = d.Sequence()
	}
	var err error
	if d.FlowKey != nil {
		l.Key, err = protojson.Marshal(d.FlowKey)
	} else {
		l.Key, err = json.Marshal(d.KeyName)
	}
	if err != nil {
		return err
	}
	if l.Value, err = protojson.Marshal(d.value()); err != nil {
		return err
	}
	b, err := json.Marshal(&l)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteText writes m in a readable form: one line for the message, one per
// report or packet (histograms: one line of buckets).
func WriteText(w io.Writer, m *Message, d *Decoded) error {
	key := d.KeyName
	if d.FlowKey != nil {
		key = FormatFlowKey(d.FlowKey)
	}
	seq := d.HdrSeq
	if !d.Headers {
		seq = d.Sequence()
	}
	fmt.Fprintf(w, "%s/%d@%d %s count=%d seq=%d key=%s\n", m.Topic, m.Partition, m.Offset, d.Type, d.Count(), seq, key)
	for _, r := range d.Reports() {
		fmt.Fprintf(w, "  %s\n", FormatReport(r))
	}
	if d.Packets != nil {
		for _, p := range d.Packets.Packets {
			fmt.Fprintf(w, "  packet %s len=%d/%d port=%d rule=%d\n", fmtTime(p.TimeNs), len(p.Data), p.OrigLen, p.Port, p.RuleId)
		}
	}
	if s := d.Stats; s != nil {
		fmt.Fprintf(w, "  stats %s at %s: in %d (%.6f Mpps) queued %d out %d drops %d ring space %d\n",
			s.Name, fmtTime(s.TimeNs), s.In, s.InMpps, s.Queued, s.Out, s.Drops, s.RingSpace)
	}
	if h := d.Histogram; h != nil {
		fmt.Fprintf(w, "  histogram rule=%d start=%s interval=%v resolution=%v packets=%d overflow=%d buckets=%v\n",
			h.RuleId, fmtTime(h.StartTimeNs), time.Duration(h.IntervalNs), time.Duration(h.ResolutionNs), h.Packets, h.Overflow, h.Buckets)
	}
	return nil
}

func fmtTime(ns uint64) string {
	if ns == 0 {
		return "-"
	}
	return time.Unix(0, int64(ns)).UTC().Format("15:04:05.000000000")
}

// FormatFlowKey formats k as "10.1.0.1:40000 > 10.2.0.1:1001 udp
// flow=3 as=ff00:0:1>ff00:0:100", leaving out absent parts.
func FormatFlowKey(k *reportpb.FlowKey) string {
	var sb strings.Builder
	src, dst := addrString(k.GetSrcIpv4(), k.GetSrcIpv6(), k.SrcIp != nil), addrString(k.GetDstIpv4(), k.GetDstIpv6(), k.DstIp != nil)
	fmt.Fprintf(&sb, "%s:%d > %s:%d %s", src, k.SrcPort, dst, k.DstPort, strings.ToLower(k.Protocol.String()))
	if k.FlowId != 0 {
		fmt.Fprintf(&sb, " flow=%d", k.FlowId)
	}
	if k.SrcAs != 0 || k.DstAs != 0 {
		fmt.Fprintf(&sb, " as=%s>%s", report.FormatAS(k.SrcAs), report.FormatAS(k.DstAs))
	}
	return sb.String()
}

func addrString(v4 uint32, v6 *reportpb.IPv6Address, set bool) string {
	switch {
	case v6 != nil:
		var b [16]byte
		binary.BigEndian.PutUint64(b[:], v6.High)
		binary.BigEndian.PutUint64(b[8:], v6.Low)
		return "[" + netip.AddrFrom16(b).String() + "]"
	case set:
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], v4)
		return netip.AddrFrom4(b).String()
	}
	return "-"
}

// FormatReport formats r in one line: times, packet type and length, and
// the hops sink first as as/node{type:hex,...}.
func FormatReport(r *reportpb.Report) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "report rx=%s src_ts=%d seq=%d %s/%dB hops=%d:", fmtTime(r.ReceiveTimeNs), r.SourceTimeNs, r.Sequence,
		r.PacketType, len(r.TruncatedPacket), len(r.Hops))
	for _, h := range r.Hops {
		fmt.Fprintf(&sb, " %s/%#x{", report.FormatAS(h.Asn), h.NodeId)
		types := make([]uint32, 0, len(h.Metadata))
		for t := range h.Metadata {
			types = append(types, t)
		}
		slices.Sort(types)
		for i, t := range types {
			if i > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, "%d:%x", t, h.Metadata[t])
		}
		sb.WriteByte('}')
	}
	return sb.String()
}
