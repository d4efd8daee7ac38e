package report

import (
	"encoding/binary"
	"google.golang.org/protobuf/encoding/protowire"
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

// Hop is the metadata one INT node recorded. It mirrors reportpb.Hop. The
// metadata map is kept in its protobuf form as the decoder adds values: each
// Add writes one map entry's bytes, so a hop is encoded by one block copy
// and its size is known without a pass over its metadata (at most one entry
// per type).
type Hop struct {
	ASN    uint64 // AS number (48 bits), 0 if unknown
	NodeID uint32 // node id, 0 if unknown
	NumMD  int    // number of metadata entries
	mdLen  int    // bytes of md in use
	md     [hopMDBytes]byte
}

// Sizes of a hop's encoded metadata: an entry is at most 18 bytes (tag,
// length, key tag, key varint up to 5, value tag, length, 8 value bytes);
// 8 bytes of slack let every value be written with one 8-byte store.
const (
	maxEntryBytes = 18
	hopMDBytes    = MaxMetadata*maxEntryBytes + MaxMetadataLen
)

// Metadata returns the metadata entries, decoded from their protobuf form.
// It allocates: for tests, tools and conversions, not for the data path.
func (h *Hop) Metadata() []Metadatum {
	out := make([]Metadatum, 0, h.NumMD)
	for i := 0; i < h.mdLen; {
		typ, val, next := h.entry(i)
		m := Metadatum{Type: typ, Len: uint8(len(val))}
		copy(m.Val[:], val)
		out = append(out, m)
		i = next
	}
	return out
}

// entry reads the metadata entry at md[i:]: its type, its value (a view
// into md) and the offset of the next entry.
func (h *Hop) entry(i int) (uint32, []byte, int) {
	n := int(h.md[i+1])
	e := h.md[i+2 : i+2+n] // key tag, key, value tag, length, value
	k, kn := protowire.ConsumeVarint(e[1:])
	j := 1 + kn
	return uint32(k), e[j+2 : j+2+int(e[j+1])], i + 2 + n
}

// Reset clears the hop for reuse.
func (h *Hop) Reset() {
	h.ASN, h.NodeID, h.NumMD, h.mdLen = 0, 0, 0, 0
}

// put writes one metadata map entry of type typ whose n value bytes are
// the low bytes of le, first byte lowest (as protowire writes a map<uint32,
// bytes> entry: key and value always present). The caller checked room.
func (h *Hop) put(typ uint32, n int, le uint64) {
	i := h.mdLen
	b := h.md[i : i+maxEntryBytes+MaxMetadataLen : i+maxEntryBytes+MaxMetadataLen]
	b[0] = tagHopMetadata
	b[2] = tagMapKey
	j := 4
	if typ < 0x80 {
		b[3] = byte(typ)
	} else {
		j = putVarint(b, 3, uint64(typ))
	}
	b[j] = tagMapValue
	b[j+1] = byte(n)
	binary.LittleEndian.PutUint64(b[j+2:], le) // bytes past the value are overwritten by the next entry
	end := j + 2 + n
	b[1] = byte(end - 2)
	h.mdLen = i + end
	h.NumMD++
}

// EntryHeader is the protobuf header of a metadata map entry of one type
// and value width (tag, length, key tag, key, value tag, value length),
// made once per type and width so that a decoder whose widths are known
// from a bitmap (an INT-MD stack) writes each entry with two 8-byte
// stores (Hop.AddBE).
type EntryHeader struct {
	hdr   uint64 // the header bytes, first byte lowest
	n     uint8  // header bytes (6-8)
	width uint8  // value bytes (1-8)
}

// MakeEntryHeader returns the header of entries of type typ (below 1<<21)
// with width-byte values (1 to MaxMetadataLen).
func MakeEntryHeader(typ uint32, width int) EntryHeader {
	var b [16]byte
	b[0], b[2] = tagHopMetadata, tagMapKey
	j := putVarint(b[:], 3, uint64(typ))
	b[j], b[j+1] = tagMapValue, byte(width)
	b[1] = byte(j + 2 + width - 2)
	return EntryHeader{hdr: binary.LittleEndian.Uint64(b[:8]), n: uint8(j + 2), width: uint8(width)}
}

// AddBE appends an entry with header e and value x, big-endian in
// e.width bytes (a narrower field read from the packet is zero-extended).
// It reports false if the hop is full.
func (h *Hop) AddBE(e EntryHeader, x uint64) bool {
	if h.NumMD >= MaxMetadata {
		return false
	}
	i := h.mdLen
	b := h.md[i : i+2*MaxMetadataLen : i+2*MaxMetadataLen]
	binary.LittleEndian.PutUint64(b, e.hdr)
	binary.LittleEndian.PutUint64(b[e.n:], bits.ReverseBytes64(x<<(64-8*uint(e.width))))
	h.mdLen = i + int(e.n) + int(e.width)
	h.NumMD++
	return true
}

// Add appends a metadata value (at most MaxMetadataLen bytes); it reports
// false if the hop is full or the value too long.
func (h *Hop) Add(typ uint32, val []byte) bool {
	if h.NumMD >= MaxMetadata || len(val) > MaxMetadataLen {
		return false
	}
	h.put(typ, len(val), loadLE(val))
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
	// Stack holds hops left in the frame (intdecode.Config.StackInFrame);
	// they follow Hops[:NumHops]. Empty unless a decoder was asked to.
	Stack Stack
}

// Reset clears the report for reuse without touching the hop storage.
func (r *Report) Reset() {
	r.Key = FlowKey{}
	r.NumHops = 0
	r.PacketType = PacketNone
	r.Truncated = nil
	r.ReceiveTime, r.SourceTime, r.Sequence = 0, 0, 0
	r.Stack.Clear()
}

// HopList returns the hops r holds, sink first: without the hops of its
// Stack (AllHops has them too).
func (r *Report) HopList() []Hop { return r.Hops[:r.NumHops] }

// TotalHops returns the number of hops, those of the Stack included.
func (r *Report) TotalHops() int { return r.NumHops + r.Stack.N }

// AllHops returns every hop, the Stack's materialized. It allocates: for
// tests and tools, not for the data path.
func (r *Report) AllHops() []Hop {
	hs := append([]Hop(nil), r.HopList()...)
	for k := 0; k < r.Stack.N; k++ {
		var h Hop
		r.Stack.Hop(k, &h)
		hs = append(hs, h)
	}
	return hs
}

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
	h.put(typ, n, bits.ReverseBytes64(x<<(64-8*n)))
	return true
}

// AddWide appends a metadata value zero-extended on the left to width
// bytes (a 4- or 6-byte timestamp stored under an 8-byte type).
func (h *Hop) AddWide(typ uint32, val []byte, width int) bool {
	if len(val) >= width || width > MaxMetadataLen || h.NumMD >= MaxMetadata {
		return h.Add(typ, val)
	}
	h.put(typ, width, loadLE(val)<<(8*(width-len(val))))
	return true
}

// Get returns the value stored under typ (a view into the hop), or nil.
func (h *Hop) Get(typ uint32) []byte {
	for i := 0; i < h.mdLen; {
		t, val, next := h.entry(i)
		if t == typ {
			return val
		}
		i = next
	}
	return nil
}
