package report

import (
	"encoding/binary"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers of report.proto used by the appenders.
const (
	fReportHops        = 1
	fReportPacketType  = 2
	fReportTruncated   = 3
	fReportReceiveTime = 4
	fReportSourceTime  = 5
	fReportSequence    = 6

	fHopASN      = 1
	fHopNodeID   = 2
	fHopMetadata = 3

	fKeyDstAS    = 1
	fKeySrcAS    = 2
	fKeyFlowID   = 3
	fKeyDstIPv4  = 4
	fKeyDstIPv6  = 5
	fKeySrcIPv4  = 6
	fKeySrcIPv6  = 7
	fKeyDstPort  = 8
	fKeySrcPort  = 9
	fKeyProtocol = 10
)

// sizeTag is the encoded size of a tag with a field number below 16.
const sizeTag = 1

func sizeVarintField(v uint64) int {
	if v == 0 {
		return 0
	}
	return sizeTag + protowire.SizeVarint(v)
}

func sizeBytesField(n int) int {
	return sizeTag + protowire.SizeVarint(uint64(n)) + n
}

func appendVarintField(b []byte, num protowire.Number, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func appendFixed64Field(b []byte, num protowire.Number, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.Fixed64Type)
	return protowire.AppendFixed64(b, v)
}

// metadataEntrySize is the size of one map entry message (key and value).
func metadataEntrySize(m *Metadatum) int {
	return sizeTag + protowire.SizeVarint(uint64(m.Type)) + sizeBytesField(int(m.Len))
}

func hopSize(h *Hop) int {
	n := sizeVarintField(h.ASN) + sizeVarintField(uint64(h.NodeID))
	for i := 0; i < h.NumMD; i++ {
		n += sizeBytesField(metadataEntrySize(&h.MD[i]))
	}
	return n
}

func appendHop(b []byte, h *Hop) []byte {
	b = appendVarintField(b, fHopASN, h.ASN)
	b = appendVarintField(b, fHopNodeID, uint64(h.NodeID))
	for i := 0; i < h.NumMD; i++ {
		m := &h.MD[i]
		b = protowire.AppendTag(b, fHopMetadata, protowire.BytesType)
		b = protowire.AppendVarint(b, uint64(metadataEntrySize(m)))
		// Map entries always carry key and value, as proto.Marshal writes them.
		b = protowire.AppendTag(b, 1, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(m.Type))
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendBytes(b, m.Val[:m.Len])
	}
	return b
}

// hopSizes holds the encoded size of each hop of one report, so that a
// report is sized once and appended without recomputing.
type hopSizes [MaxHops]int

// sizeReport fills hs and returns the encoded size of r.
func sizeReport(r *Report, hs *hopSizes) int {
	n := 0
	for i := 0; i < r.NumHops; i++ {
		hs[i] = hopSize(&r.Hops[i])
		n += sizeBytesField(hs[i])
	}
	n += sizeVarintField(uint64(r.PacketType))
	if len(r.Truncated) > 0 {
		n += sizeBytesField(len(r.Truncated))
	}
	if r.ReceiveTime != 0 {
		n += sizeTag + 8
	}
	n += sizeVarintField(r.SourceTime) + sizeVarintField(r.Sequence)
	return n
}

// ReportSize returns the length of AppendReport's output for r.
func ReportSize(r *Report) int {
	var hs hopSizes
	return sizeReport(r, &hs)
}

// AppendReport appends the protobuf encoding of r (message
// telemetry.report.Report) to b and returns the extended buffer. It does not
// allocate when b has room. Safe for concurrent use on distinct buffers.
func AppendReport(b []byte, r *Report) []byte {
	for i := 0; i < r.NumHops; i++ {
		h := &r.Hops[i]
		b = protowire.AppendTag(b, fReportHops, protowire.BytesType)
		b = protowire.AppendVarint(b, uint64(hopSize(h)))
		b = appendHop(b, h)
	}
	return appendReportTail(b, r)
}

// appendReportSized is AppendReport with hop sizes from sizeReport.
func appendReportSized(b []byte, r *Report, hs *hopSizes) []byte {
	for i := 0; i < r.NumHops; i++ {
		b = protowire.AppendTag(b, fReportHops, protowire.BytesType)
		b = protowire.AppendVarint(b, uint64(hs[i]))
		b = appendHop(b, &r.Hops[i])
	}
	return appendReportTail(b, r)
}

// appendReportTail appends the Report fields after the hops.
func appendReportTail(b []byte, r *Report) []byte {
	b = appendVarintField(b, fReportPacketType, uint64(r.PacketType))
	if len(r.Truncated) > 0 {
		b = protowire.AppendTag(b, fReportTruncated, protowire.BytesType)
		b = protowire.AppendBytes(b, r.Truncated)
	}
	b = appendFixed64Field(b, fReportReceiveTime, r.ReceiveTime)
	b = appendVarintField(b, fReportSourceTime, r.SourceTime)
	b = appendVarintField(b, fReportSequence, r.Sequence)
	return b
}

// ipv6Size is the size of an IPv6Address message with both halves set.
func ipv6Size(a *Addr) int {
	n := 0
	if binary.BigEndian.Uint64(a.Bytes[0:8]) != 0 {
		n += sizeTag + 8
	}
	if binary.BigEndian.Uint64(a.Bytes[8:16]) != 0 {
		n += sizeTag + 8
	}
	return n
}

func appendAddr(b []byte, a *Addr, f4, f6 protowire.Number) []byte {
	switch a.Kind {
	case AddrIPv4:
		// A set oneof member is written even when zero.
		b = protowire.AppendTag(b, f4, protowire.Fixed32Type)
		b = protowire.AppendFixed32(b, binary.BigEndian.Uint32(a.Bytes[0:4]))
	case AddrIPv6:
		b = protowire.AppendTag(b, f6, protowire.BytesType)
		b = protowire.AppendVarint(b, uint64(ipv6Size(a)))
		b = appendFixed64Field(b, 1, binary.BigEndian.Uint64(a.Bytes[0:8]))
		b = appendFixed64Field(b, 2, binary.BigEndian.Uint64(a.Bytes[8:16]))
	}
	return b
}

// AppendFlowKey appends the protobuf encoding of k (message
// telemetry.report.FlowKey) to b: the Kafka key of k's reports. Equal keys
// give equal bytes, the same bytes as Go's proto.Marshal of
// k.Proto(). It does not allocate when b has room.
func AppendFlowKey(b []byte, k *FlowKey) []byte {
	b = appendVarintField(b, fKeyDstAS, k.DstAS)
	b = appendVarintField(b, fKeySrcAS, k.SrcAS)
	b = appendVarintField(b, fKeyFlowID, uint64(k.FlowID))
	b = appendVarintField(b, fKeyDstPort, uint64(k.DstPort))
	b = appendVarintField(b, fKeySrcPort, uint64(k.SrcPort))
	b = appendVarintField(b, fKeyProtocol, uint64(k.Protocol))
	// Oneof members last, as Go's proto.Marshal writes them: the key bytes
	// equal those of a SCION-INT producer for the same flow.
	b = appendAddr(b, &k.DstIP, fKeyDstIPv4, fKeyDstIPv6)
	b = appendAddr(b, &k.SrcIP, fKeySrcIPv4, fKeySrcIPv6)
	return b
}

// flowKeySize returns the length of AppendFlowKey's output for k.
func flowKeySize(k *FlowKey) int {
	n := sizeVarintField(k.DstAS) + sizeVarintField(k.SrcAS) + sizeVarintField(uint64(k.FlowID))
	for _, a := range [2]*Addr{&k.DstIP, &k.SrcIP} {
		switch a.Kind {
		case AddrIPv4:
			n += sizeTag + 4
		case AddrIPv6:
			n += sizeBytesField(ipv6Size(a))
		}
	}
	n += sizeVarintField(uint64(k.DstPort)) + sizeVarintField(uint64(k.SrcPort)) + sizeVarintField(uint64(k.Protocol))
	return n
}
