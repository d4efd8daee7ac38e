package report

import "google.golang.org/protobuf/encoding/protowire"

// PacketEntry is one raw packet of a PacketBatch (message Packet).
type PacketEntry struct {
	Time    uint64 // receive time, ns since the Unix epoch
	OrigLen uint32 // length on the wire
	Port    uint32 // DPDK port
	RuleID  uint32 // matching ACL rule
	Data    []byte // packet bytes from the Ethernet header (possibly cut)
}

// PacketBatchTrailer holds the PacketBatch fields other than the packets.
type PacketBatchTrailer struct {
	Sequence     uint64 // per-key batch sequence number, from 1
	ProducerID   string // producing instance
	FirstTime    uint64 // time of the first packet (ns)
	LastTime     uint64 // time of the last packet (ns)
	PacketOffset uint64 // packets written under this key before this batch
}

func packetSize(p *PacketEntry) int {
	n := 0
	if p.Time != 0 {
		n += sizeTag + 8
	}
	n += sizeVarintField(uint64(p.OrigLen)) + sizeVarintField(uint64(p.Port)) + sizeVarintField(uint64(p.RuleID))
	if len(p.Data) > 0 {
		n += sizeBytesField(len(p.Data))
	}
	return n
}

// AppendPacketEntry appends p as one element of PacketBatch.packets (field
// 1, length-delimited) to b. No allocation when b has room.
func AppendPacketEntry(b []byte, p *PacketEntry) []byte {
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(packetSize(p)))
	b = appendFixed64Field(b, 1, p.Time)
	b = appendVarintField(b, 2, uint64(p.OrigLen))
	b = appendVarintField(b, 3, uint64(p.Port))
	b = appendVarintField(b, 4, uint64(p.RuleID))
	if len(p.Data) > 0 {
		b = protowire.AppendTag(b, 5, protowire.BytesType)
		b = protowire.AppendBytes(b, p.Data)
	}
	return b
}

// AppendPacketBatchTrailer appends the non-packet fields of a PacketBatch.
func AppendPacketBatchTrailer(b []byte, t *PacketBatchTrailer) []byte {
	b = appendVarintField(b, 2, t.Sequence)
	if t.ProducerID != "" {
		b = protowire.AppendTag(b, 3, protowire.BytesType)
		b = protowire.AppendString(b, t.ProducerID)
	}
	b = appendFixed64Field(b, 4, t.FirstTime)
	b = appendFixed64Field(b, 5, t.LastTime)
	b = appendVarintField(b, 6, t.PacketOffset)
	return b
}
