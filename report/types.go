package report

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
)

// Capacity limits of the flat report structs. They bound the work and the
// memory per packet; an individual report that needs more is dropped with
// ReasonTooManyHops.
const (
	// MaxHops is the largest number of hops one Report holds.
	MaxHops = 64
	// MaxMetadata is the largest number of metadata values one Hop holds:
	// the standard types, the ID-INT keys of a full stack entry and the
	// report-level keys of the first hop (docs/formats.md).
	MaxMetadata = 16
	// MaxMetadataLen is the largest metadata value in bytes.
	MaxMetadataLen = 8
)

// PacketType is the type of the first header of Report.Truncated; the
// values are those of reportpb.Report_PacketType.
type PacketType uint8

// Packet types of Report.Truncated.
const (
	PacketNone     PacketType = 0
	PacketEthernet PacketType = 1
	PacketIPv4     PacketType = 2
	PacketIPv6     PacketType = 3
	PacketSCION    PacketType = 4
)

// Protocol is the L4 protocol of a FlowKey; the values are those of
// reportpb.FlowKey_Protocol.
type Protocol uint8

// L4 protocols of a FlowKey.
const (
	ProtoNone Protocol = 0
	ProtoUDP  Protocol = 1
	ProtoTCP  Protocol = 2
)

// AddrKind says which form of address an Addr holds.
type AddrKind uint8

// Address kinds.
const (
	AddrNone AddrKind = iota // absent (oneof not set)
	AddrIPv4                 // Bytes[0:4]
	AddrIPv6                 // Bytes[0:16]
)

// Addr is an IPv4 or IPv6 address stored inline (no allocation).
type Addr struct {
	Kind  AddrKind
	Bytes [16]byte
}

// SetIPv4 stores the 4-byte address b (which must have 4 bytes).
func (a *Addr) SetIPv4(b []byte) {
	a.Kind = AddrIPv4
	a.Bytes = [16]byte{}
	copy(a.Bytes[:4], b)
}

// SetIPv6 stores the 16-byte address b (which must have 16 bytes).
func (a *Addr) SetIPv6(b []byte) {
	a.Kind = AddrIPv6
	copy(a.Bytes[:], b)
}

// FlowKey identifies a flow; it is the Kafka key (see AppendFlowKey). Zero
// fields are absent. It mirrors reportpb.FlowKey.
type FlowKey struct {
	DstAS    uint64 // destination AS number (48 bits, no ISD)
	SrcAS    uint64 // source AS number
	FlowID   uint32 // 20-bit SCION flow id
	DstIP    Addr
	SrcIP    Addr
	DstPort  uint16
	SrcPort  uint16
	Protocol Protocol
}

// Metadatum is one metadata value of a Hop: a type (reportpb.MetadataType
// or an ID-INT key, see docs/formats.md) and up to 8 big-endian bytes.
type Metadatum struct {
	Type uint32
	Len  uint8
	Val  [MaxMetadataLen]byte
}

// Value returns the metadata bytes.
func (m *Metadatum) Value() []byte { return m.Val[:m.Len] }

// Hop is the metadata one INT node recorded. It mirrors reportpb.Hop; the
// metadata map is a small inline array (at most one entry per type).
type Hop struct {
	ASN    uint64 // AS number (48 bits), 0 if unknown
	NodeID uint32 // node id, 0 if unknown
	NumMD  int    // number of valid entries in MD
	MD     [MaxMetadata]Metadatum
}

// Metadata returns the valid metadata entries.
func (h *Hop) Metadata() []Metadatum { return h.MD[:h.NumMD] }

// Reset clears the hop for reuse.
func (h *Hop) Reset() {
	h.ASN, h.NodeID, h.NumMD = 0, 0, 0
}

// Add appends a metadata value (at most MaxMetadataLen bytes); it reports
// false if the hop is full or the value too long.
func (h *Hop) Add(typ uint32, val []byte) bool {
	if h.NumMD >= MaxMetadata || len(val) > MaxMetadataLen {
		return false
	}
	m := &h.MD[h.NumMD]
	m.Type = typ
	m.Len = uint8(len(val))
	binary.LittleEndian.PutUint64(m.Val[:], loadLE(val))
	h.NumMD++
	return true
}

// loadLE returns the bytes of v (at most 8) as a little-endian word, so one
// 8-byte store writes them in order, zero-padded. Building the value in a
// register avoids the store-forwarding stall of byte stores followed by a
// word load (measured: it was most of Add's time).
func loadLE(v []byte) uint64 {
	n := len(v)
	if cap(v) >= MaxMetadataLen { // one load, cut to n bytes
		return binary.LittleEndian.Uint64(v[:MaxMetadataLen:MaxMetadataLen]) & (1<<(8*n) - 1)
	}
	var x uint64
	for i, c := range v {
		x |= uint64(c) << (8 * i)
	}
	return x
}

// Report is one INT report, the hot-path form of reportpb.Report plus its
// flow key. Decoders fill it in place; AppendReport encodes it.
//
// Hops is the hop storage: a Decoder points it into its per-packet hop
// pool (so the reports of one packet share one pool and decoding never
// allocates); a Report built elsewhere gets MaxHops hops of its own on the
// first NewHop. Truncated is a view into the decoded frame: it is valid
// only as long as the frame's memory (for DPDK, the mbuf) is.
type Report struct {
	Key         FlowKey
	NumHops     int   // number of valid entries in Hops, sink first
	Hops        []Hop // storage; Hops[:NumHops] are valid
	PacketType  PacketType
	Truncated   []byte // truncated packet headers, starting with PacketType
	ReceiveTime uint64 // ns since the Unix epoch (receive_time_ns)
	SourceTime  uint64 // source timestamp in ns as carried (source_time_ns)
	Sequence    uint64 // per-key sequence number in single mode, else 0
}

// Reset clears the report for reuse without touching the hop storage.
func (r *Report) Reset() {
	r.Key = FlowKey{}
	r.NumHops = 0
	r.PacketType = PacketNone
	r.Truncated = nil
	r.ReceiveTime, r.SourceTime, r.Sequence = 0, 0, 0
}

// HopList returns the valid hops, sink first.
func (r *Report) HopList() []Hop { return r.Hops[:r.NumHops] }

// NewHop appends a cleared hop and returns it, or nil if the report's hop
// storage is full (at most MaxHops hops).
func (r *Report) NewHop() *Hop {
	if r.Hops == nil {
		r.Hops = make([]Hop, MaxHops)
	}
	if r.NumHops >= len(r.Hops) || r.NumHops >= MaxHops {
		return nil
	}
	h := &r.Hops[r.NumHops]
	h.Reset()
	r.NumHops++
	return h
}

// AddUint appends the n-byte big-endian value x (n at most 8) without
// going through memory.
func (h *Hop) AddUint(typ uint32, n int, x uint64) bool {
	if h.NumMD >= MaxMetadata || n > MaxMetadataLen || n < 1 {
		return false
	}
	m := &h.MD[h.NumMD]
	m.Type = typ
	m.Len = uint8(n)
	binary.LittleEndian.PutUint64(m.Val[:], bits.ReverseBytes64(x<<(64-8*n)))
	h.NumMD++
	return true
}

// AddWide appends a metadata value zero-extended on the left to width
// bytes (a 4- or 6-byte timestamp stored under an 8-byte type).
func (h *Hop) AddWide(typ uint32, val []byte, width int) bool {
	if len(val) >= width || width > MaxMetadataLen || h.NumMD >= MaxMetadata {
		return h.Add(typ, val)
	}
	m := &h.MD[h.NumMD]
	m.Type = typ
	m.Len = uint8(width)
	binary.LittleEndian.PutUint64(m.Val[:], loadLE(val)<<(8*(width-len(val))))
	h.NumMD++
	return true
}

// Get returns the value stored under typ, or nil.
func (h *Hop) Get(typ uint32) []byte {
	for i := 0; i < h.NumMD; i++ {
		if h.MD[i].Type == typ {
			return h.MD[i].Value()
		}
	}
	return nil
}

// keySeed seeds FlowKey.Hash. It is fixed for the life of the process, so
// every worker maps a flow to the same place.
var keySeed = maphash.MakeSeed()

// Hash returns a 64-bit hash of the key's fixed form (not of its encoded
// bytes).
func (k *FlowKey) Hash() uint64 { return maphash.Comparable(keySeed, *k) }
