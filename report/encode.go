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

// varintLen is protowire.SizeVarint with a fast path for the small values
// most fields hold (lengths, metadata types).
func varintLen(v uint64) int {
	if v < 1<<7 {
		return 1
	}
	if v < 1<<14 {
		return 2
	}
	return protowire.SizeVarint(v)
}

func sizeVarintField(v uint64) int {
	if v == 0 {
		return 0
	}
	return sizeTag + varintLen(v)
}

func sizeBytesField(n int) int {
	return sizeTag + varintLen(uint64(n)) + n
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

func hopSize(h *Hop) int {
	return sizeVarintField(h.ASN) + sizeVarintField(uint64(h.NodeID)) + h.mdLen
}

// Tag bytes of the fields the report writer emits (field number << 3 |
// wire type; every field number here is below 16, so each tag is one byte).
const (
	tagReportHops        = fReportHops<<3 | 2       // bytes
	tagReportPacketType  = fReportPacketType<<3 | 0 // varint
	tagReportTruncated   = fReportTruncated<<3 | 2
	tagReportReceiveTime = fReportReceiveTime<<3 | 1 // fixed64
	tagReportSourceTime  = fReportSourceTime<<3 | 0
	tagReportSequence    = fReportSequence<<3 | 0
	tagHopASN            = fHopASN<<3 | 0
	tagHopNodeID         = fHopNodeID<<3 | 0
	tagHopMetadata       = fHopMetadata<<3 | 2
	tagMapKey            = 1<<3 | 0 // map entry key (varint)
	tagMapValue          = 2<<3 | 2 // map entry value (bytes)
)

// putVarint writes v at b[i:] and returns the index after it. b must have
// room (the writers size first).
func putVarint(b []byte, i int, v uint64) int {
	for v >= 0x80 {
		b[i] = byte(v) | 0x80
		v >>= 7
		i++
	}
	b[i] = byte(v)
	return i + 1
}

// putHop writes the fields of h at b[i:] and returns the index after them:
// ASN and node id, then the metadata entries, already in protobuf form
// (Hop.Add), in one copy.
func putHop(b []byte, i int, h *Hop) int {
	if h.ASN != 0 {
		b[i] = tagHopASN
		i = putVarint(b, i+1, h.ASN)
	}
	if h.NodeID != 0 {
		b[i] = tagHopNodeID
		i = putVarint(b, i+1, uint64(h.NodeID))
	}
	return i + copy(b[i:], h.md[:h.mdLen])
}

// hopSizes holds the encoded size of each hop of one report, so that a
// report is sized once and written without recomputing.
type hopSizes [MaxHops]int

// sizeReport fills hs and returns the encoded size of r but for its
// Stack.
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

// ReportSize returns the length of AppendReport's output for r. For a
// report with a Stack it reads the stack's values: not for the data path.
func ReportSize(r *Report) int {
	var hs hopSizes
	return sizeReport(r, &hs) + r.Stack.size()
}

// putReport writes r (hop sizes from sizeReport) at b[i:] and returns the
// index after it. b has room for sizeReport, and for a Stack its bound and
// stackSlack.
func putReport(b []byte, i int, r *Report, hs *hopSizes) int {
	for k := 0; k < r.NumHops; k++ {
		b[i] = tagReportHops
		i = putVarint(b, i+1, uint64(hs[k]))
		i = putHop(b, i, &r.Hops[k])
	}
	if r.Stack.N > 0 {
		i = r.Stack.put(b, i)
	}
	if r.PacketType != 0 {
		b[i] = tagReportPacketType
		i = putVarint(b, i+1, uint64(r.PacketType))
	}
	if len(r.Truncated) > 0 {
		b[i] = tagReportTruncated
		i = putVarint(b, i+1, uint64(len(r.Truncated)))
		i += copy(b[i:], r.Truncated)
	}
	if r.ReceiveTime != 0 {
		b[i] = tagReportReceiveTime
		binary.LittleEndian.PutUint64(b[i+1:], r.ReceiveTime)
		i += 9
	}
	if r.SourceTime != 0 {
		b[i] = tagReportSourceTime
		i = putVarint(b, i+1, r.SourceTime)
	}
	if r.Sequence != 0 {
		b[i] = tagReportSequence
		i = putVarint(b, i+1, r.Sequence)
	}
	return i
}

// grow returns b extended by n bytes (allocating only when b lacks the
// capacity) and the index where the new bytes start.
func grow(b []byte, n int) ([]byte, int) {
	i := len(b)
	if cap(b)-i < n {
		b = append(b[:cap(b)], make([]byte, i+n-cap(b))...)
	}
	return b[:i+n], i
}

// AppendReport appends the protobuf encoding of r (message
// telemetry.report.Report) to b and returns the extended buffer. It sizes
// the hops r holds once, transcodes its Stack (if any) from the frame, and
// writes each byte in place (tags are constants); it does not allocate
// when b has room for the report (with a Stack: for the stack's upper
// bound, 5 times its bytes at most, and 16 bytes more). Safe for
// concurrent use on distinct buffers.
func AppendReport(b []byte, r *Report) []byte {
	var hs hopSizes
	n := sizeReport(r, &hs)
	if r.Stack.N == 0 {
		b, i := grow(b, n)
		putReport(b, i, r, &hs)
		return b
	}
	b, i := grow(b, n+r.Stack.bound()+stackSlack)
	return b[:putReport(b, i, r, &hs)]
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
