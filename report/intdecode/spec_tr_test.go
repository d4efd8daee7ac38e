package intdecode_test

// Telemetry Report conformance cases: TR v2.0 (with embedded INT v2.1 and
// INT v1.0 stacks), TR v1.0 and TR v0.5. Every frame is assembled field by
// field from the spec text; expectations follow the spec and, where the spec
// leaves a choice, /work/notes/conventions.md (2026-12-02).
//
// Spec sources (git mirror p4lang/p4-applications):
//   - "TR v2.0": telemetry/specs/telemetry_report.mdk at HEAD (last change
//     42cbfa4, 2020-11-05, title footer 2020-10-08). §3.2 group header, §3.3
//     individual report header, §3.3.1 RepType 1 main contents, §3.3.2 TLV,
//     §3.4 embedded metadata, §4.1-4.4 examples.
//   - "INT v2.1": telemetry/specs/INT.mdk at HEAD (969794a). §5.7.2 INT over
//     TCP/UDP (shim, NPT), §5.8 INT-MD header and stack, §6 examples.
//   - "TR v1.0", "INT v1.0": tag telemetry_v1.0, same paths. TR v1.0 §3.2
//     Telemetry Report Header; INT v1.0 §4.6.1 INT over TCP/UDP, §4.7 INT
//     hop-by-hop metadata header, §5.1 example.
//   - "TR v0.5": tag telemetry_v0.5, telemetry_report.mdk §3.2.1 fixed header,
//     §3.2.2 drop report header, §3.2.3 switch local report header.
//
// Helpers are prefixed "trs" so they cannot collide with the other spec case
// files of this package. Every header field is written by exactly one helper
// line, commented with the spec section it follows; the case bodies comment
// the values.

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// ---------------------------------------------------------------------------
// Byte helpers

func trsCat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func trsU16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func trsU32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
func trsU64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

// trsFill is n copies of c.
func trsFill(c byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return b
}

// trsPad4 zero-pads b to a multiple of 4 bytes: TR v2.0 §3.3 Report Length
// and §3.3.2 TLVLength count 4-byte words, so a truncated packet is carried
// in whole words (the §4.4 example counts the 14-byte inner Ethernet header
// as 4 words).
func trsPad4(b []byte) []byte {
	out := append([]byte(nil), b...)
	for len(out)%4 != 0 {
		out = append(out, 0)
	}
	return out
}

// trsCut truncates a packet to its first n bytes, as a mirror truncation
// does (TR v2.0 §3.3 "Truncated Packet"); length fields keep the original
// packet's values.
func trsCut(b []byte, n int) []byte { return append([]byte(nil), b[:n]...) }

// ---------------------------------------------------------------------------
// Ethernet, IP, UDP, TCP (the outer transport, TR v2.0 §3.1, and the
// reported packet)

// trsEth is an Ethernet II header; tags are 802.1Q/802.1ad tags {TPID, TCI}.
func trsEth(dst, src byte, ethertype uint16, tags ...[2]uint16) []byte {
	b := []byte{0x02, 0, 0, 0, 0, dst}   // destination MAC (locally administered)
	b = append(b, 0x02, 0, 0, 0, 0, src) // source MAC
	for _, t := range tags {
		b = append(b, trsU16(t[0])...) // TPID (0x8100 C-tag, 0x88a8 S-tag)
		b = append(b, trsU16(t[1])...) // TCI: PCP(3) DEI(1) VLAN ID(12)
	}
	return append(b, trsU16(ethertype)...) // EtherType
}

// trsDSCP is the IPv4 TOS / IPv6 Traffic Class byte for a DSCP and ECN value
// (RFC 2474 §3: DSCP is the upper 6 bits).
func trsDSCP(dscp, ecn uint8) uint8 { return dscp<<2 | ecn&3 }

// trsIPv4 is an IPv4 header without options followed by payload.
func trsIPv4(tos, proto uint8, src, dst string, payload []byte) []byte {
	s, d := netip.MustParseAddr(src).As4(), netip.MustParseAddr(dst).As4()
	return trsCat(
		[]byte{0x45, tos},               // Version 4, IHL 5 | DSCP(6) ECN(2)
		trsU16(uint16(20+len(payload))), // Total Length
		trsU16(0x0001), trsU16(0x4000),  // Identification | Flags (DF), Fragment Offset 0
		[]byte{64, proto}, trsU16(0), // TTL | Protocol | Header Checksum (0: not checked)
		s[:], d[:], // Source Address | Destination Address
		payload)
}

// trsIPv6 is an IPv6 header without extension headers followed by payload.
func trsIPv6(tc, next uint8, src, dst string, payload []byte) []byte {
	s, d := netip.MustParseAddr(src).As16(), netip.MustParseAddr(dst).As16()
	return trsCat(
		trsU32(6<<28|uint32(tc)<<20), // Version 6 | Traffic Class (DSCP(6) ECN(2)) | Flow Label 0
		trsU16(uint16(len(payload))), // Payload Length
		[]byte{next, 64},             // Next Header | Hop Limit
		s[:], d[:],                   // Source Address | Destination Address
		payload)
}

// trsUDP is a UDP header followed by payload.
func trsUDP(sport, dport uint16, payload []byte) []byte {
	return trsCat(
		trsU16(sport), trsU16(dport), // Source Port | Destination Port
		trsU16(uint16(8+len(payload))), trsU16(0), // Length | Checksum 0
		payload)
}

// trsTCP is a TCP header with options opts (a multiple of 4 bytes).
func trsTCP(sport, dport uint16, opts, payload []byte) []byte {
	if len(opts)%4 != 0 {
		panic("trsTCP: options not a multiple of 4 bytes")
	}
	return trsCat(
		trsU16(sport), trsU16(dport), // Source Port | Destination Port
		trsU32(0x01020304),                     // Sequence Number
		trsU32(0),                              // Acknowledgment Number
		[]byte{byte(5+len(opts)/4) << 4, 0x18}, // Data Offset | flags PSH ACK
		trsU16(0xffff), trsU16(0), trsU16(0),   // Window | Checksum | Urgent Pointer
		opts, payload)
}

// trsTSOpts are 12 bytes of TCP options: NOP, NOP, Timestamps (kind 8,
// length 10). A TCP header with them has Data Offset 8.
var trsTSOpts = []byte{1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2}

// trsPort is the default Telemetry Report UDP destination port.
const trsPort = 32766

// trsFrame carries a Telemetry Report (the UDP payload) from the reporting
// node 192.0.2.1 to the collector 192.0.2.100 (TR v2.0 §3.1: Ethernet, IPv4,
// UDP; §3.1.1: the source port may carry entropy, the destination port is
// the configured report port).
func trsFrame(dport uint16, payload []byte) []byte {
	return trsCat(
		trsEth(0x64, 0x01, 0x0800),
		trsIPv4(0, 17, "192.0.2.1", "192.0.2.100", trsUDP(40000, dport, payload)))
}

// ---------------------------------------------------------------------------
// Telemetry Report v2.0

// Flags byte of the Individual Report Header (TR v2.0 §3.3): D Q F I Rsvd(4).
const (
	trsD = 0x80 // Dropped
	trsQ = 0x40 // Congested Queue Association
	trsF = 0x20 // Tracked Flow Association
	trsI = 0x10 // Intermediate Report
)

// trsGroup is the Telemetry Report Group Header (TR v2.0 §3.2).
func trsGroup(ver, hwID uint8, seq, node uint32) []byte {
	return trsCat(
		trsU32(uint32(ver)<<28|uint32(hwID&0x3f)<<22|seq&0x3fffff), // Ver(4) | hw_id(6) | Sequence Number(22)
		trsU32(node)) // Node ID
}

// trsHdr is the first word of an Individual Report Header (TR v2.0 §3.3).
func trsHdr(repType, inType, repLen, mdLen, flags uint8) []byte {
	return []byte{
		repType<<4 | inType&0x0f, // RepType(4) | InType(4)
		repLen,                   // Report Length (words after this one; 0xFF = to the end of the UDP payload)
		mdLen,                    // MD Length (words of RepMdBits + DS metadata)
		flags,                    // D Q F I | Rsvd(4)
	}
}

// trsMain is the fixed part of the RepType 1 (INT) Individual Report Main
// Contents (TR v2.0 §3.3.1).
func trsMain(repMdBits, dsID, dsMdBits, dsMdStatus uint16) []byte {
	return trsCat(
		trsU16(repMdBits), trsU16(dsID), // RepMdBits | Domain Specific ID
		trsU16(dsMdBits), trsU16(dsMdStatus)) // DSMdBits | DSMdstatus
}

// trsRepDS is a whole RepType 1 individual report with the Domain Specific
// fields ds = {Domain Specific ID, DSMdBits, DSMdstatus}; md is the
// Variable Optional Baseline + Domain Specific Metadata, inner the inner
// contents (padded to whole words). Report Length and MD Length are computed
// as TR v2.0 §3.3 defines them.
func trsRepDS(inType, flags uint8, repMdBits uint16, ds [3]uint16, md, inner []byte) []byte {
	if len(md)%4 != 0 {
		panic("trsRepDS: metadata not a multiple of 4 bytes")
	}
	inner = trsPad4(inner)
	words := (8 + len(md) + len(inner)) / 4
	if words >= 0xff {
		panic("trsRepDS: report too long for Report Length")
	}
	return trsCat(
		trsHdr(1, inType, uint8(words), uint8(len(md)/4), flags),
		trsMain(repMdBits, ds[0], ds[1], ds[2]),
		md, inner)
}

// trsRep is trsRepDS with Domain Specific ID, DSMdBits and DSMdstatus 0.
func trsRep(inType, flags uint8, repMdBits uint16, md, inner []byte) []byte {
	return trsRepDS(inType, flags, repMdBits, [3]uint16{}, md, inner)
}

// trsInner0 is a RepType 0 (Inner Only) individual report: no main
// contents (TR v2.0 §3.3), MD Length 0.
func trsInner0(inType, flags uint8, inner []byte) []byte {
	inner = trsPad4(inner)
	return trsCat(trsHdr(0, inType, uint8(len(inner)/4), 0, flags), inner)
}

// trsTLV is one TLV of InType 1 inner contents (TR v2.0 §3.3.2).
func trsTLV(tlvType uint8, template uint16, data []byte) []byte {
	data = trsPad4(data)
	return trsCat(
		[]byte{tlvType << 4, uint8(len(data) / 4)}, // TLVType(4) Rsvd(4) | TLVLength (words after this one)
		trsU16(template), // TLV Data Template
		data)
}

// trsV2 is a TR v2.0 packet from node: group header (hw_id 0, sequence 1)
// and the individual reports.
func trsV2(node uint32, reports ...[]byte) []byte {
	return trsFrame(trsPort, trsCat(trsGroup(2, 0, 1, node), trsCat(reports...)))
}

// ---------------------------------------------------------------------------
// INT v2.1 over TCP/UDP

// trsShim is the INT shim header for TCP/UDP (INT v2.1 §5.7.2).
func trsShim(typ, npt, length uint8, field uint16) []byte {
	return trsCat(
		[]byte{typ<<4 | npt<<2, length}, // Type(4) NPT(2) R R | Length (words of INT-MD header + stack, shim not counted)
		trsU16(field))                   // NPT 0: Reserved(8) DSCP(6) R R; NPT 1: original UDP dst port; NPT 2: Reserved(8) IP proto(8)
}

// trsMDHdr is the 12-byte INT-MD metadata header (INT v2.1 §5.8); dem is
// D<<2 | E<<1 | M.
func trsMDHdr(ver, dem, hopML, rhc uint8, bitmap, dsID, dsInst, dsFlags uint16) []byte {
	return trsCat(
		[]byte{ver<<4 | (dem&7)<<1, 0, hopML & 0x1f, rhc}, // Ver(4) D E M R(12) | Hop ML(5) | Remaining Hop Count(8)
		trsU16(bitmap), trsU16(dsID), // Instruction Bitmap | Domain Specific ID
		trsU16(dsInst), trsU16(dsFlags)) // DS Instruction | DS Flags
}

// trsINTMD is shim (Type 1 INT-MD) + INT-MD header (Domain Specific fields 0)
// + stack, with the shim Length computed as §5.7.2 defines it.
func trsINTMD(npt uint8, field uint16, hopML, rhc uint8, bitmap uint16, stack []byte) []byte {
	return trsCat(
		trsShim(1, npt, uint8(3+len(stack)/4), field),
		trsMDHdr(2, 0, hopML, rhc, bitmap, 0, 0, 0),
		stack)
}

// trsStack2 is a stack of Hop ML 2 hops with instruction bits 0 (node id)
// and 2 (hop latency), newest first: node, latency, node, latency, ...
func trsStack2(v ...uint32) []byte {
	var b []byte
	for _, x := range v {
		b = append(b, trsU32(x)...) // INT v2.1 §5.8: metadata in bit order, hops pushed on top
	}
	return b
}

// trsABC is a 3-hop stack (bits 0 and 2, Hop ML 2): hop 0x0c (newest), 0x0b,
// 0x0a (the source), with hop latencies 0xc1, 0xb1, 0xa1.
var trsABC = trsStack2(0x0c, 0xc1, 0x0b, 0xb1, 0x0a, 0xa1)

// trsABCHops are the hops of trsABC, newest first.
var trsABCHops = []specHop{
	{NodeID: 0x0c, MD: map[uint32]string{2: "000000c1"}},
	{NodeID: 0x0b, MD: map[uint32]string{2: "000000b1"}},
	{NodeID: 0x0a, MD: map[uint32]string{2: "000000a1"}},
}

// trsINTABC is shim NPT 0 + INT-MD header (Hop ML 2, bitmap bits 0 and 2,
// Remaining Hop Count 5) + trsABC: INT over TCP/UDP marked by DSCP.
var trsINTABC = trsINTMD(0, 0x0000, 2, 5, 0xa000, trsABC)

// ---------------------------------------------------------------------------
// INT v1.0

// trsShimV1 is the INT v1.0 shim header for TCP/UDP (INT v1.0 §4.6.1).
func trsShimV1(typ, length, dscp uint8) []byte {
	return []byte{
		typ,       // Type (8 bits): 1 hop-by-hop
		0,         // Reserved
		length,    // Length: words of shim + INT metadata header + stack
		dscp << 2, // DSCP(6) R R: original DSCP
	}
}

// trsMDHdrV1 is the 8-byte INT v1.0 metadata header (INT v1.0 §4.7).
func trsMDHdrV1(hopML, rhc uint8, bitmap uint16) []byte {
	return trsCat(
		[]byte{1 << 4, 0, hopML & 0x1f, rhc}, // Ver(4)=1 Rep(2) C E M Reserved(10) | Hop ML(5) | Remaining Hop Count(8)
		trsU16(bitmap), trsU16(0))            // Instruction Bitmap | Reserved
}

// ---------------------------------------------------------------------------
// Telemetry Report v0.5 and v1.0

// trsV05 is the TR v0.5 Telemetry Report Fixed Header (TR v0.5 §3.2.1, 12
// octets); dqf uses the trsD/trsQ/trsF bit values.
func trsV05(nproto, dqf, hwID uint8, seq, ingressTS uint32) []byte {
	return trsCat(
		[]byte{0<<4 | nproto&0x0f, dqf & 0xe0, 0, hwID & 0x3f}, // Ver(4)=0 NProto(4) | D Q F Reserved(15) hw_id(6)
		trsU32(seq),       // Sequence Number
		trsU32(ingressTS)) // Ingress Timestamp
}

// trsV10 is the fixed part of the TR v1.0 Telemetry Report Header (TR v1.0
// §3.2, 16 octets); length counts the whole header incl. the optional
// metadata in words; dqf is D<<2 | Q<<1 | F.
func trsV10(length, nprot uint8, repMdBits uint8, dqf, hwID uint8, switchID, seq, ingressTS uint32) []byte {
	return trsCat(
		trsU32(1<<28|uint32(length&0x0f)<<24|uint32(nprot&7)<<21|uint32(repMdBits&0x3f)<<15|
			uint32(dqf&7)<<6|uint32(hwID&0x3f)), // Ver(4)=1 Length(4) NProt(3) RepMdBits(6) Reserved(6) D Q F hw_id(6)
		trsU32(switchID),  // Switch id
		trsU32(seq),       // Sequence Number
		trsU32(ingressTS)) // Ingress Timestamp
}

// ---------------------------------------------------------------------------
// Common inner packets and expectations

// trsSink is the reporting node of the cases that are not spec examples.
const trsSink = 0x100

// trsInnerTCP is the reported packet 10.0.1.1:1234 -> 10.0.2.2:80 TCP,
// DSCP 0 (no INT), truncated after the TCP header (40 bytes, 10 words).
var trsInnerTCP = trsIPv4(0, 6, "10.0.1.1", "10.0.2.2", trsTCP(1234, 80, nil, nil))

// trsInnerUDP is 10.0.1.1:5353 -> 10.0.2.2:53 UDP, DSCP 0, 4 payload bytes.
var trsInnerUDP = trsIPv4(0, 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53, []byte{0xde, 0xad, 0xbe, 0xef}))

var (
	trsKeyTCP = specKey{SrcIP: "10.0.1.1", DstIP: "10.0.2.2", SrcPort: 1234, DstPort: 80, Proto: "tcp"}
	trsKeyUDP = specKey{SrcIP: "10.0.1.1", DstIP: "10.0.2.2", SrcPort: 5353, DstPort: 53, Proto: "udp"}
)

// trsLat is a 4-byte hop latency value (RepMdBits / instruction bit 2).
func trsLat(v uint32) []byte { return trsU32(v) }

// trsSinkHop is the reporting node's hop carrying only a hop latency (key 2)
// of the given hex value.
func trsSinkHop(hex string) specHop {
	return specHop{NodeID: trsSink, MD: map[uint32]string{2: hex}}
}

// trsHops concatenates hop lists.
func trsHops(lists ...[]specHop) []specHop {
	var h []specHop
	for _, l := range lists {
		h = append(h, l...)
	}
	return h
}

// trsBitVal is one RepMdBits bit (TR v2.0 §3.3.1) with its value bytes and
// the key and hex value wire2kafka exports (conventions: bit i = key i for
// i = 1..8, bit 15 = key 15).
type trsBitVal struct {
	bit uint
	md  []byte
	hex string
}

var trsBitVals = []trsBitVal{
	{1, trsU32(0x00110012), "00110012"},                 // L1 Ingress Interface ID 0x11 + Egress Interface ID 0x12
	{2, trsU32(0x00000222), "00000222"},                 // Hop Latency
	{3, trsU32(0x03000333), "03000333"},                 // Queue ID 3 + Queue Occupancy 0x333
	{4, trsU64(0x0000000104040404), "0000000104040404"}, // Ingress Timestamp (8 octets)
	{5, trsU64(0x0000000105050505), "0000000105050505"}, // Egress Timestamp (8 octets)
	{6, trsU64(0x0606060106060602), "0606060106060602"}, // L2 Ingress + Egress Interface ID (4+4 octets)
	{7, trsU32(0x00000777), "00000777"},                 // Egress Port TX Utilization
	{8, trsU32(0x08000888), "08000888"},                 // Buffer ID 8 + Buffer Occupancy 0x888
	{15, trsU32(0x0f510000), "0f510000"},                // Queue ID 0x0f + Drop Reason 0x51 + Padding
}

// trsBit is the RepMdBits mask of bit i (bit 0 = MSB, TR v2.0 §3.3.1).
func trsBit(i uint) uint16 { return 0x8000 >> i }

// ---------------------------------------------------------------------------
// Case builders with loops

// trsSingleBits: one packet, one individual report per RepMdBits bit.
func trsSingleBits() specCase {
	var reps [][]byte
	var want []specReport
	for _, b := range trsBitVals {
		flags := uint8(0)
		if b.bit == 15 {
			flags = trsD // a drop report (INT v2.1 §5.8 sink option 2: bit 15 repurposed when dropped)
		}
		reps = append(reps, trsRep(0, flags, trsBit(b.bit), b.md, nil)) // InType 0 None
		want = append(want, specReport{PacketType: "none",
			Hops: []specHop{{NodeID: trsSink, MD: map[uint32]string{uint32(b.bit): b.hex}}}})
	}
	return specCase{
		Name:  "TR2 RepMdBits single bits 1-8 and 15, one report each",
		Cites: "TR v2.0 §3.3.1 RepMdBits (bits 4, 5, 6 are 8 octets), §3.3 InType 0; conventions RepMdBits bit i = key i",
		Frame: trsV2(trsSink, reps...),
		Want:  want,
	}
}

// trsAllBits: one report with every defined RepMdBits bit, values in bit
// order, then an inner packet whose offset depends on all the lengths.
func trsAllBits() specCase {
	var bits uint16
	var md []byte
	mdWant := map[uint32]string{}
	for _, b := range trsBitVals {
		bits |= trsBit(b.bit)
		md = append(md, b.md...) // TR v2.0 §3.3.1: Variable Optional Baseline Metadata in bit order
		mdWant[uint32(b.bit)] = b.hex
	}
	if bits != 0x7f81 {
		panic("trsAllBits: RepMdBits")
	}
	return specCase{
		Name:  "TR2 RepMdBits bits 1-8 and 15 in one report (MD Length 12)",
		Cites: "TR v2.0 §3.3.1 RepMdBits 0x7f81: 6 x 4 + 3 x 8 octets; §3.3 inner contents after 8 + MD Length*4",
		Frame: trsV2(trsSink, trsRep(4, trsD|trsF, bits, md, trsInnerUDP)),
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ipv4",
			Hops: []specHop{{NodeID: trsSink, MD: mdWant}}}},
	}
}

// trsDrops: n drop reports (InType 0, D=1, F=0, RepMdBits bit 15) coalesced
// in one group (TR v2.0 §2.7).
func trsDrops(n int) specCase {
	var reps [][]byte
	var want []specReport
	for i := 0; i < n; i++ {
		q, r := uint32(i+1), uint32(0x40+i) // Queue ID, Drop Reason
		reps = append(reps, trsRep(0, trsD, trsBit(15), trsU32(q<<24|r<<16), nil))
		want = append(want, specReport{PacketType: "none", Hops: []specHop{{NodeID: trsSink,
			MD: map[uint32]string{15: fmt.Sprintf("%02x%02x0000", q, r)}}}})
	}
	return specCase{
		Name:  fmt.Sprintf("TR2 %d drop reports in one group (no cap of 8)", n),
		Cites: "TR v2.0 §2.7 coalescing, §3.3 InType 0 None, D=1 F=0, §3.3.1 RepMdBits bit 15 (Queue ID + Drop Reason + Padding)",
		Frame: trsV2(trsSink, reps...),
		Want:  want,
	}
}

// ---------------------------------------------------------------------------
// Spec examples drawn byte by byte

// trsExample41 is TR v2.0 §4.1 exactly as drawn (Node ID, interface IDs,
// queue and the inner packet's addresses are not given by the spec; the
// values here are ours).
var trsExample41 = trsFrame(trsPort, trsCat(
	trsGroup(2, 0, 1, 3),           // §3.2: Ver = 2 | hw_id 0 | Sequence Number 1 ; Node ID 3
	[]byte{0x14, 14, 2, 0x20},      // §4.1: 0001 (RepType 1 INT) 0100 (InType 4 IPv4) | RepLength=14 | MD Length = 2 | 0 0 1 0 (F) Rsvd
	[]byte{0x50, 0x00, 0x00, 0x00}, // RepMdBits 0101 0000 0000 0000 (bits 1, 3) | Domain Specific ID 0
	[]byte{0x00, 0x00, 0x00, 0x00}, // DSMdBits 0 | DSMdstatus 0
	trsU16(0x0005), trsU16(0x0007), // bit 1: Ingress Interface ID | Egress Interface ID
	trsU32(0x02000123), // bit 3: Queue ID 2 (8 bits) + Queue Occupancy 0x123 (24 bits)
	trsInnerTCP,        // Truncated IPv4 Packet: IPv4 (5 words) + TCP (5 words); 2 + 2 + 5 + 5 = 14
))

// trsExample42 is TR v2.0 §4.2 (DS metadata, DS TLV, IPv4 TLV). The
// example's MD Length = 2 does not count the 4-byte Domain Specific Metadata
// word it draws; §3.3 defines MD Length as baseline + domain specific
// metadata, so it is 3 here (see the notes above specTRCases).
var trsExample42 = trsFrame(trsPort, trsCat(
	trsGroup(2, 0, 1, trsSink),     // §3.2 Ver 2 ; Node ID
	[]byte{0x11, 19, 3, 0x20},      // RepType 1 | InType 1 (TLV) | Report Length 2+3+3+11 = 19 | MD Length 3 (drawn: 2) | F
	trsU16(0x5000), trsU16(0x0100), // RepMdBits bits 1, 3 | Domain Specific ID 0x0100
	trsU16(0x8000), trsU16(0x0000), // DSMdBits: first bit (MSB) | DSMdstatus 0
	trsU16(0x0005), trsU16(0x0007), // Ingress Interface ID | Egress Interface ID
	trsU32(0x02000123),              // Queue Occupancy (Queue ID 2 + 0x123)
	trsU32(0xd5d5d5d5),              // Domain Specific Metadata (DSMdBits bit 0, 4 octets)
	[]byte{0x00, 2}, trsU16(0x0001), // TLVType 0 (DS Extension Data) Rsvd | TLVLength 2 | TLV Data Template 1
	trsFill(0xdd, 8),                 // Variable TLV Data (Domain Specific Extension Data)
	[]byte{0x20, 10}, trsU16(0x0000), // TLVType 2 (IPv4) Rsvd | TLVLength 10 | Reserved
	trsInnerTCP, // Variable TLV Data (Truncated IPv4 Packet)
))

// trsExample43Inner is the truncated packet of TR v2.0 §4.3 (= INT v2.1
// §6.3 as received by Switch3): IPv4 proto 17, the inserted UDP header to
// INT_TBD (5000 here: the spec names no number), shim NPT 2 with IP proto
// 6, INT-MD header, 2 hops (node id + queue occupancy), the original TCP
// header. Addresses and the entropy source port are ours.
var trsExample43Inner = trsIPv4(0, 17, "10.0.1.1", "10.0.2.2", // Ver=4 IHL=5 DSCP | Proto = 17
	trsUDP(43981, 5000, trsCat( // inserted UDP: Source Port (entropy) | Destination Port = INT_TBD
		[]byte{0x18, 7, 0x00, 6},    // INT v2.1 §5.7.2 shim: Type=1 NPT=2 R R | Length=7 | Reserved | IP proto = 6
		[]byte{0x20, 0x00, 0x02, 6}, // §5.8: Ver=2 D0 E0 M0 Reserved | HopML=2 | RemainingHopC=6
		trsU16(0x9000), trsU16(0),   // Instruction Bitmap 1001 0000 ... (bits 0, 3) | Domain Specific ID 0
		trsU16(0), trsU16(0), // DS Instruction | DS Flags
		trsU32(2), trsU32(0x02000022), // Node ID of hop2 | Queue Occupancy of hop2 (queue 2, 0x22)
		trsU32(1), trsU32(0x01000011), // Node ID of hop1 | Queue Occupancy of hop1 (queue 1, 0x11)
		trsTCP(1234, 80, nil, nil), // TCP header (original L4), 1234 -> 80
	)))

var trsExample43 = trsFrame(trsPort, trsCat(
	trsGroup(2, 0, 1, 3),      // §3.2 Ver = 2 ; Node ID of Switch3 (3)
	[]byte{0x14, 23, 1, 0x20}, // §4.3: RepType 1 | InType 4 | RepLength=23 | MD Length = 1 | 0 0 1 0
	trsU16(0x1000), trsU16(0), // RepMdBits 0001 0000 ... (bit 3) | Domain Specific ID 0
	trsU16(0), trsU16(0), // DSMdBits | DSMdstatus
	trsU32(0x01000033), // Queue Occupancy of Switch3 (queue 1, 0x33)
	trsExample43Inner,  // 5 + 2 + 1 + 3 + 4 + 5 = 20 words; 2 + 1 + 20 = 23
))

var trsExample43Hops = []specHop{
	{NodeID: 3, MD: map[uint32]string{3: "01000033"}},
	{NodeID: 2, MD: map[uint32]string{3: "02000022"}},
	{NodeID: 1, MD: map[uint32]string{3: "01000011"}},
}

// trsExample44 is TR v2.0 §4.4 (RepType 0 Inner Only; INT-MD over UDP in a
// VXLAN packet, NPT 1, original destination port 4789) sent by node. Two
// deviations from the drawing, both spec typos: the shim Length is 9 (INT-MD
// header 3 + stack 6 words, as §5.7.2 defines it and as the example's own
// Report Length sum "3 (INT fixed) + 6 (INT metadata stack)" counts; the
// drawing's 7 is copied from §4.3), and the inner IPv4 Proto is 6 because a
// TCP header follows (the drawing says 17).
func trsExample44(node uint32) []byte {
	inner := trsIPv4(0, 17, "192.168.1.1", "192.168.2.2", // outer IP: Proto = 17, 192.168.1.1 -> 192.168.2.2
		trsUDP(56789, 5000, trsCat( // Source Port = 56789 | Destination Port = INT_TBD (5000) ; Checksum = 0
			[]byte{0x14, 9}, trsU16(4789), // INT v2.1 §5.7.2: Type=1 NPT=1 R R | Length=9 (drawn 7) | Destination UDP port = 4789
			[]byte{0x20, 0x00, 0x02, 5}, // §5.8: Ver=2 D E M 0 | HopML=2 | RemainingHopC=5
			trsU16(0xc000), trsU16(0),   // Instruction Bitmap 1100 ... (node id, L1 interfaces) | Domain Specific ID 0
			trsU16(0), trsU16(0), // DS Instruction | DS Flags
			trsU32(3), trsU16(0x31), trsU16(0x32), // Node ID of hop3 | Ingress | Egress Interface ID of hop3
			trsU32(2), trsU16(0x21), trsU16(0x22), // hop2
			trsU32(1), trsU16(0x11), trsU16(0x12), // hop1
			[]byte{0x08, 0, 0, 0},      // VXLAN: R R R R I R R R | Reserved
			trsU32(0x00123400),         // VNI 0x1234 | Reserved
			trsEth(0x22, 0x11, 0x0800), // inner Ethernet, Ethertype = 0x0800
			trsIPv4(0, 6, "10.10.1.1", "10.10.2.2", trsTCP(40000, 80, nil, nil)), // inner IP (Proto 6, drawn 17) + TCP
		)))
	// 5 + 2 + 1 + 3 + 6 + 2 + 3.5 + 5 + 5 = 32.5 words, padded to 33.
	return trsFrame(trsPort, trsCat(
		trsGroup(2, 0, 1, node),   // §3.2 Ver = 2 ; Node ID
		[]byte{0x04, 33, 0, 0x20}, // §4.4: RepType 0 (Inner Only) | InType 4 | RepLength=33 | MD Length = 0 | 0 0 1 0
		trsPad4(inner)))
}

var trsExample44Key = specKey{SrcIP: "192.168.1.1", DstIP: "192.168.2.2", SrcPort: 56789, DstPort: 4789, Proto: "udp"}

var trsExample44Stack = []specHop{
	{NodeID: 3, MD: map[uint32]string{1: "00310032"}},
	{NodeID: 2, MD: map[uint32]string{1: "00210022"}},
	{NodeID: 1, MD: map[uint32]string{1: "00110012"}},
}

// trsINT617 is INT v2.1 §6.17 exactly as drawn (the INT-MD header and stack
// transmitted by hop2), behind a shim NPT 0: Hop ML 1 (node id), Domain
// Specific ID 0x5453 "TS", DS Instruction bit 0 (source-only host MAC),
// DS Flags bit 1, node ids of hop2, hop1, gateway, then the source-only
// MAC a6:1a:f6:b1:64:7d + 2 reserved bytes. Node ids are ours.
var trsINT617 = trsCat(
	trsShim(1, 0, 8, 0x0000),       // §5.7.2 shim: Type 1 NPT 0 | Length 3 + 5 = 8 | Reserved, DSCP 0
	[]byte{0x20, 0x00, 0x01, 5},    // §6.17: Ver=2 0 0 0 Reserved | HopML=1 | RemainingHopC=5
	trsU16(0x8000), trsU16(0x5453), // Instruction Bitmap 1000 ... (node id) | Domain Specific ID 0101 0100 0101 0011
	trsU16(0x8000), trsU16(0x4000), // DS Instruction 1000 ... | DS Flags 0100 ...
	trsU32(0x22),              // node id of hop2
	trsU32(0x11),              // node id of hop1
	trsU32(0x06),              // node id of gateway
	trsU32(0xa61af6b1),        // First 4 bytes of host1 MAC
	trsU16(0x647d), trsU16(0), // Last 2 bytes of host1 MAC | 0
)

// trsINTv1Stack is an INT v1.0 shim + header + 2 hops with bits 0 (switch
// id), 1 (ports), 4 (ingress timestamp), 5 (egress timestamp): every INT v1.0
// instruction is 4 bytes except bit 6 (INT v1.0 §4.7), so Hop ML 4.
var trsINTv1Stack = trsCat(
	trsShimV1(1, 1+2+8, 0),                                                   // §4.6.1: Type 1 | Reserved | Length = shim 1 + header 2 + stack 8 | DSCP 0
	trsMDHdrV1(4, 6, 0xcc00),                                                 // §4.7: Ver 1 | Hop ML 4 | Remaining Hop Count 6 | bitmap 1100 1100 ...
	trsU32(0x22), trsU32(0x00210022), trsU32(0x12345678), trsU32(0x12345699), // hop2: switch id | ports | ingress ts | egress ts
	trsU32(0x11), trsU32(0x00110012), trsU32(0x12340000), trsU32(0x12340099), // hop1
)

var trsINTv1Hops = []specHop{
	{NodeID: 0x22, MD: map[uint32]string{1: "00210022", 4: "0000000012345678", 5: "0000000012345699"}},
	{NodeID: 0x11, MD: map[uint32]string{1: "00110012", 4: "0000000012340000", 5: "0000000012340099"}},
}

// trsInnerINTv1Example is INT v1.0 §5.1 as received by Switch3: IPv4 DSCP
// 0x17, TCP, shim, header (Hop ML 2, RHC 6, bitmap bits 0 and 3), 2 hops.
// The drawing's shim "Length = 8" counts the INT tail header that INT v1.0
// removed on 2018-04-10 (change log); by §4.6.1 (shim + header + stack in
// words) and §4.7 ("subtracting ... 12 bytes from shim length * 4" = stack)
// it is 1 + 2 + 4 = 7, used here.
var trsInnerINTv1Example = trsIPv4(trsDSCP(0x17, 0), 6, "10.0.1.1", "10.0.2.2", // Ver=4 IHL=5 DSCP=0x17 | Proto = 6
	trsTCP(1234, 80, nil, trsCat( // TCP header
		[]byte{1, 0, 7, 0},          // Type=1 | Reserved | Length = 7 (drawn 8) | DSCP R R
		[]byte{0x10, 0x00, 0x02, 6}, // Ver=1 Rep 0 C E M Reserved | HopML=2 | RemainingHopC=6
		trsU16(0x9000), trsU16(0),   // Instruction Bitmap 1001 0000 ... | Reserved
		trsU32(2), trsU32(0x02000022), // sw id of hop2 | queue occupancy of hop2
		trsU32(1), trsU32(0x01000011), // sw id of hop1 | queue occupancy of hop1
		[]byte{0xca, 0xfe, 0xca, 0xfe}, // TCP payload
	)))

// ---------------------------------------------------------------------------
// The cases
//
// Choices where the specs are ambiguous or self-contradictory:
//   - TR v2.0 §4.2 draws MD Length = 2 with 3 metadata words (2 baseline + 1
//     DS); MD Length 3 is used (§3.3: MD Length covers baseline and DS
//     metadata).
//   - TR v2.0 §4.4 draws shim Length = 7 with a 3-hop stack of Hop ML 2 (6
//     words): Length 9 is used (INT v2.1 §5.7.2), and inner Proto 6 before
//     the TCP header (drawn 17). Its Group Header says "Node ID of Switch3"
//     while the text says Host2 generates the report: both are cases.
//   - INT_TBD has no number: 5000 is used with Config.MDUDPPorts.
//   - INT v1.0 §5.1 draws shim Length = 8 for 7 words (stale tail header).
//   - INT v2.1 §6.17 source-only metadata: 8 bytes after 3 Hop ML 1 hops are
//     indistinguishable from 2 more hops without per-domain configuration.
//   - TR v0.5 / v1.0 key mapping of the fixed-header Ingress Timestamp: key
//     4 zero-extended (conventions name TR v1.0 4-byte timestamps under keys
//     4/5; v0.5 is treated the same).

var specTRCases = []specCase{
	// 1 ---------------------------------------------------------------
	{
		Name:  "TR2 §4.1 example: RepMdBits bits 1+3, MD Length 2, truncated IPv4",
		Cites: "TR v2.0 §4.1, §3.2, §3.3, §3.3.1",
		Frame: trsExample41,
		Want: []specReport{{Key: trsKeyTCP, PacketType: "ipv4",
			Hops: []specHop{{NodeID: 3, MD: map[uint32]string{1: "00050007", 3: "02000123"}}}}},
	},
	{
		Name:  "TR2 group header hw_id and sequence, flags D Q F I -> 0x300, 0x301",
		Cites: "TR v2.0 §3.2 hw_id(6) Sequence Number(22), §3.3 D Q F I; conventions 0x300, 0x301",
		Frame: trsFrame(trsPort, trsCat(
			trsGroup(2, 0x2a, 0x2bcdef, trsSink), // Ver 2 | hw_id 42 | Sequence Number 0x2bcdef (word 0x2aabcdef)
			trsRep(4, trsD|trsQ|trsF|trsI, trsBit(2), trsLat(0x200), trsInnerTCP))),
		Want: []specReport{{Key: trsKeyTCP, PacketType: "ipv4",
			Hops: []specHop{{NodeID: trsSink, MD: map[uint32]string{2: "00000200",
				0x300: "022a002bcdef", // version 2, hw_id 0x2a, sequence 0x002bcdef
				0x301: "14f0",         // RepType 1 << 4 | InType 4, D|Q|F|I
			}}}}},
	},
	{
		Name:  "TR2 outer frame QinQ-tagged IPv6 to the collector",
		Cites: "TR v2.0 §3.1 outer encapsulation (IPv6 allowed); conventions: up to two 802.1Q/QinQ tags",
		Frame: trsCat(
			trsEth(0x64, 0x01, 0x86dd, [2]uint16{0x88a8, 0x0010}, [2]uint16{0x8100, 0x0020}), // S-tag VLAN 16, C-tag VLAN 32, IPv6
			trsIPv6(0, 17, "2001:db8:100::1", "2001:db8:100::64", trsUDP(40000, trsPort, trsCat(
				trsGroup(2, 0, 1, trsSink),
				trsRep(4, trsF, trsBit(2), trsLat(0x222), trsInnerTCP))))),
		Want: []specReport{{Key: trsKeyTCP, PacketType: "ipv4",
			Hops: []specHop{trsSinkHop("00000222")}}},
	},

	// 2 ---------------------------------------------------------------
	trsSingleBits(),
	trsAllBits(),

	// 3 ---------------------------------------------------------------
	{
		Name:  "TR2 reserved RepMdBits bit 0 and bit 9 skipped by 4 bytes",
		Cites: "TR v2.0 §3.3.1: every bit is 4 octets except bits 4-6; bit 0 and bits 9-14 reserved; conventions: skipped, no key",
		Frame: trsV2(trsSink, trsRep(4, trsF,
			trsBit(0)|trsBit(1)|trsBit(5)|trsBit(9)|trsBit(15), // 0xc441
			trsCat(
				trsU32(0xdeadbeef),         // bit 0 (reserved): 4 octets
				trsU32(0x00110012),         // bit 1: L1 interfaces
				trsU64(0x0000000105050505), // bit 5: egress timestamp (8 octets)
				trsU32(0xfeedface),         // bit 9 (reserved): 4 octets
				trsU32(0x0f510000),         // bit 15: queue id + drop reason + padding
			), trsInnerTCP)),
		Want: []specReport{{Key: trsKeyTCP, PacketType: "ipv4",
			Hops: []specHop{{NodeID: trsSink, MD: map[uint32]string{
				1: "00110012", 5: "0000000105050505", 15: "0f510000"}}}}},
	},
	{
		Name:  "TR2 reserved RepMdBits bits 9-14 all set, between bits 8 and 15",
		Cites: "TR v2.0 §3.3.1 bits 9-14 reserved (4 octets each); conventions: skipped, no key",
		Frame: trsV2(trsSink, trsRep(4, trsF|trsD, 0x00ff, // bits 8..15
			trsCat(
				trsU32(0x08000888),                                         // bit 8: buffer id + occupancy
				trsU32(0x09090909), trsU32(0x0a0a0a0a), trsU32(0x0b0b0b0b), // bits 9, 10, 11 (reserved)
				trsU32(0x0c0c0c0c), trsU32(0x0d0d0d0d), trsU32(0x0e0e0e0e), // bits 12, 13, 14 (reserved)
				trsU32(0x0f510000), // bit 15
			), trsInnerTCP)),
		Want: []specReport{{Key: trsKeyTCP, PacketType: "ipv4",
			Hops: []specHop{{NodeID: trsSink, MD: map[uint32]string{8: "08000888", 15: "0f510000"}}}}},
	},

	// 4 ---------------------------------------------------------------
	{
		Name:  "TR2 domain-specific metadata after RepMdBits values (2 DS words)",
		Cites: "TR v2.0 §3.3.1 Domain Specific ID, DSMdBits, DSMdstatus, Variable Optional Domain Specific Metadata; §3.3 MD Length; conventions 0x301, 0x302, 0x310",
		Frame: trsV2(trsSink, trsRepDS(4, trsF, trsBit(2)|trsBit(3),
			[3]uint16{0xabcd, 0xc000, 0x0001}, // Domain Specific ID | DSMdBits bits 0, 1 | DSMdstatus 1
			trsCat(
				trsU32(0x00000222), // bit 2 hop latency
				trsU32(0x03000333), // bit 3 queue
				trsU32(0x11111111), // DS metadata, DSMdBits bit 0
				trsU32(0x22222222), // DS metadata, DSMdBits bit 1
			), trsInnerUDP)),
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ipv4",
			Hops: []specHop{{NodeID: trsSink, MD: map[uint32]string{
				2: "00000222", 3: "03000333",
				0x301: "1420",             // RepType 1, InType 4 | F
				0x302: "abcdc0000001",     // DS ID, DSMdBits, DSMdstatus
				0x310: "1111111122222222", // DS words 0, 1
			}}}}},
	},
	{
		Name:  "TR2 domain-specific metadata, 5 DS words: 0x310, 0x311, the rest not exported",
		Cites: "TR v2.0 §3.3.1, §3.3 MD Length; conventions 0x310+i, at most 16 bytes",
		Frame: trsV2(trsSink, trsRepDS(4, trsF, trsBit(1),
			[3]uint16{0x0100, 0xf800, 0x0000}, // DS ID 0x0100 | DSMdBits bits 0-4 | DSMdstatus 0
			trsCat(
				trsU32(0x00110012),                                         // bit 1
				trsU32(0x11111111), trsU32(0x22222222), trsU32(0x33333333), // DS metadata
				trsU32(0x44444444), trsU32(0x55555555),
			), trsInnerUDP)),
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ipv4",
			Hops: []specHop{{NodeID: trsSink, MD: map[uint32]string{
				1:     "00110012",
				0x302: "0100f8000000",
				0x310: "1111111122222222",
				0x311: "3333333344444444",
			}}}}},
	},

	// 5 ---------------------------------------------------------------
	{
		Name:  "TR2 Report Length 0xFF: 1228-byte inner packet to the end of the UDP payload",
		Cites: "TR v2.0 §3.3 Report Length 0xFF = length >= 0xFF to the end of the UDP payload, no subsequent reports",
		Frame: trsV2(trsSink, trsCat(
			trsHdr(1, 4, 0xff, 1, trsF), // RepType 1 | InType 4 | Report Length 0xFF (real: 310 words) | MD Length 1 | F
			trsMain(trsBit(2), 0, 0, 0), // RepMdBits bit 2
			trsLat(0x222),               // hop latency
			// 20 + 8 + 1200 bytes; the payload bytes 0x14 would read as a
			// RepType 1 / InType 4 header if the report were cut at 1020 bytes.
			trsIPv4(0, 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53, trsFill(0x14, 1200))))),
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ipv4", Hops: []specHop{trsSinkHop("00000222")}}},
	},

	// 6 ---------------------------------------------------------------
	{
		Name:  "TR2 Report Length 0 (header only) followed by a normal report",
		Cites: "TR v2.0 §3.3 Report Length excludes the first word; conventions: 0 = 4-byte header-only report",
		Frame: trsV2(trsSink,
			trsHdr(1, 0, 0, 0, 0), // RepType 1 | InType 0 | Report Length 0 | MD Length 0 | flags 0
			trsRep(4, trsF, trsBit(2), trsLat(0x222), trsInnerTCP)),
		Want: []specReport{
			{PacketType: "none", Hops: []specHop{{NodeID: trsSink}}},
			{Key: trsKeyTCP, PacketType: "ipv4", Hops: []specHop{trsSinkHop("00000222")}},
		},
	},

	// 7 ---------------------------------------------------------------
	{
		// The Group Header carries Switch3's node id as drawn; the top of the
		// stack is Switch3 (hop3), so by conventions the node-id-only header
		// hop of the Inner Only report is not emitted (no sink twice).
		Name:   "TR2 §4.4 example: RepType 0 Inner Only, INT-MD over UDP in VXLAN, NPT 1 (Node ID of Switch3 as drawn)",
		Cites:  "TR v2.0 §4.4, §3.3 RepType 0; INT v2.1 §5.7.2 NPT 1 (shim bytes 2-3 = original UDP dst port), §5.8",
		Config: specConfig{MDUDPPorts: []uint16{5000}},
		Frame:  trsExample44(3),
		Want:   []specReport{{Key: trsExample44Key, PacketType: "ipv4", Hops: trsExample44Stack}},
	},
	{
		Name:   "TR2 §4.4 example sent by Host2 (node id not in the stack)",
		Cites:  "TR v2.0 §4.4 (text: Host2 generates the report), §3.3 RepType 0; INT v2.1 §5.7.2 NPT 1",
		Config: specConfig{MDUDPPorts: []uint16{5000}},
		Frame:  trsExample44(0x102),
		Want: []specReport{{Key: trsExample44Key, PacketType: "ipv4",
			Hops: trsHops([]specHop{{NodeID: 0x102}}, trsExample44Stack)}},
	},

	{
		Name:  "TR2 RepType 0 Inner Only with a non-zero MD Length (ignored on reception)",
		Cites: "TR v2.0 §3.3: Inner Only main contents empty; MD Length set to zero on transmission and ignored upon reception",
		Frame: trsV2(trsSink, trsCat(
			trsHdr(0, 4, 10, 5, trsF), // RepType 0 | InType 4 | Report Length 10 | MD Length 5 (to be ignored) | F
			trsInnerTCP)),             // inner contents right after the header
		Want: []specReport{{Key: trsKeyTCP, PacketType: "ipv4", Hops: []specHop{{NodeID: trsSink}}}},
	},

	// 8 ---------------------------------------------------------------
	{
		Name:   "TR2 §4.3 example: INT-MD behind an inserted UDP header (NPT 2), inner TCP 1234->80",
		Cites:  "TR v2.0 §4.3; INT v2.1 §6.3, §5.7.2 NPT 2 (inserted UDP ignored, IP proto in shim byte 3, L4 after the stack), §5.8",
		Config: specConfig{MDUDPPorts: []uint16{5000}},
		Frame:  trsExample43,
		Want:   []specReport{{Key: trsKeyTCP, PacketType: "ipv4", Hops: trsExample43Hops}},
	},
	{
		Name:   "TR2 §4.3 example truncated right after the stack: NPT 2 key without ports",
		Cites:  "TR v2.0 §4.3, §3.3 Truncated Packet; INT v2.1 §5.7.2 NPT 2; conventions: ports absent if truncated away",
		Config: specConfig{MDUDPPorts: []uint16{5000}},
		Frame: trsV2(3, trsRep(4, trsF, trsBit(3), trsU32(0x01000033),
			trsCut(trsExample43Inner, 20+8+4+12+16))), // IPv4 + inserted UDP + shim + INT-MD header + 2 hops
		Want: []specReport{{Key: specKey{SrcIP: "10.0.1.1", DstIP: "10.0.2.2", Proto: "tcp"},
			PacketType: "ipv4", Hops: trsExample43Hops}},
	},

	// 9 ---------------------------------------------------------------
	trsDrops(12),

	// 10 --------------------------------------------------------------
	{
		Name:  "TR2 reserved InType 6 report and a good report: both emitted",
		Cites: "TR v2.0 §3.3 InType 6-15 reserved, Report Length; conventions: reserved InType -> hop, PacketType none",
		Frame: trsV2(trsSink,
			trsRep(6, trsF, trsBit(2), trsLat(0x606), trsFill(0xee, 8)), // InType 6 with 8 bytes of unknown inner contents
			trsRep(4, trsF, trsBit(2), trsLat(0x222), trsInnerTCP)),
		Want: []specReport{
			{PacketType: "none", Hops: []specHop{trsSinkHop("00000606")}},
			{Key: trsKeyTCP, PacketType: "ipv4", Hops: []specHop{trsSinkHop("00000222")}},
		},
	},
	{
		Name:  "TR2 MD Length beyond its Report Length, then a good report",
		Cites: "TR v2.0 §3.3 Report Length, MD Length; conventions: one bad report costs only that report",
		Frame: trsV2(trsSink,
			trsCat(
				trsHdr(1, 4, 3, 5, trsF),    // Report Length 3 words, MD Length 5 words: 8 + 20 > 12
				trsMain(trsBit(2), 0, 0, 0), // RepMdBits bit 2
				trsLat(0x999)),              // the only metadata word present
			trsRep(4, trsF, trsBit(2), trsLat(0x222), trsInnerTCP)),
		Want: []specReport{{Key: trsKeyTCP, PacketType: "ipv4", Hops: []specHop{trsSinkHop("00000222")}}},
		Lost: map[string]int{"bad_length": 1},
	},
	{
		Name:  "TR2 RepType 2 (IOAM) and RepType 15 reports skipped, INT report emitted",
		Cites: "TR v2.0 §3.3 RepType 2 IOAM, 3-15 reserved; conventions: other RepTypes skipped silently",
		Frame: trsV2(trsSink,
			trsCat(trsHdr(2, 4, 10, 0, trsF), trsInnerTCP),   // RepType 2 IOAM, 10 words (main contents undefined)
			trsCat(trsHdr(15, 0, 2, 0, 0), trsFill(0xf0, 8)), // RepType 15, 2 words
			trsRep(4, trsF, trsBit(2), trsLat(0x222), trsInnerTCP)),
		Want: []specReport{{Key: trsKeyTCP, PacketType: "ipv4", Hops: []specHop{trsSinkHop("00000222")}}},
	},
	{
		Name:   "TR2 group of only a RepType 2 (IOAM) report -> unsupported",
		Cites:  "TR v2.0 §3.3 RepType 2; conventions: only other RepTypes -> packet reason unsupported",
		Frame:  trsV2(trsSink, trsCat(trsHdr(2, 4, 10, 0, trsF), trsInnerTCP)),
		Reason: "unsupported",
	},

	// 11 --------------------------------------------------------------
	{
		Name:  "TR2 §4.2 example: InType 1 TLV (DS TLV, then IPv4 TLV), DS metadata",
		Cites: "TR v2.0 §4.2, §3.3.2 TLV (TLVType 0 DS data, 2 IPv4), §3.3.1; MD Length 3 (drawn 2, see above)",
		Frame: trsExample42,
		Want: []specReport{{Key: trsKeyTCP, PacketType: "ipv4",
			Hops: []specHop{{NodeID: trsSink, MD: map[uint32]string{
				1: "00050007", 3: "02000123",
				0x302: "010080000000", // DS ID 0x0100, DSMdBits 0x8000, DSMdstatus 0
				0x310: "d5d5d5d5",     // one DS word (the last key may hold 4 bytes)
			}}}}},
	},
	{
		Name:  "TR2 InType 1 TLV: DS TLV then Ethernet TLV (TLVType 1)",
		Cites: "TR v2.0 §3.3.2 TLVType 1 = Ethernet (InType 3 is Ethernet; TLVType numbering differs)",
		Frame: trsV2(trsSink, trsRepDS(1, trsF, trsBit(2), [3]uint16{0x0100, 0, 0}, trsLat(0x222), trsCat(
			trsTLV(0, 0x0007, trsFill(0xdd, 12)),                             // TLVType 0 DS extension data, template 7, 3 words
			trsTLV(1, 0, trsCat(trsEth(0x22, 0x11, 0x0800), trsInnerUDP))))), // TLVType 1 Ethernet
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ethernet", Hops: []specHop{trsSinkHop("00000222")}}},
	},
	{
		Name:  "TR2 InType 1 TLV: IPv6 TLV (TLVType 3)",
		Cites: "TR v2.0 §3.3.2 TLVType 3 = IPv6 (InType 3 would be Ethernet)",
		Frame: trsV2(trsSink, trsRep(1, trsF, trsBit(2), trsLat(0x222),
			trsTLV(3, 0, trsIPv6(0, 6, "2001:db8::1", "2001:db8::2", trsTCP(1234, 80, nil, nil))))),
		Want: []specReport{{Key: specKey{SrcIP: "2001:db8::1", DstIP: "2001:db8::2", SrcPort: 1234, DstPort: 80, Proto: "tcp"},
			PacketType: "ipv6", Hops: []specHop{trsSinkHop("00000222")}}},
	},
	{
		Name:  "TR2 InType 1 TLV with only a DS TLV: no inner packet",
		Cites: "TR v2.0 §3.3.2 TLVType 0 Domain Specific Extension Data; conventions: TLVType 0 skipped",
		Frame: trsV2(trsSink, trsRepDS(1, trsF, trsBit(2), [3]uint16{0x0100, 0, 0}, trsLat(0x222),
			trsTLV(0, 0x0007, trsFill(0xdd, 16)))), // TLVType 0, template 7, 4 words
		Want: []specReport{{PacketType: "none", Hops: []specHop{trsSinkHop("00000222")}}},
	},
	{
		Name:  "TR2 InType 2 Domain Specific Extension Data",
		Cites: "TR v2.0 §3.3 InType 2 Additional DS Extension Data; conventions: PacketType none, no inner",
		Frame: trsV2(trsSink, trsRepDS(2, trsF, trsBit(2), [3]uint16{0x0100, 0, 0}, trsLat(0x222),
			trsFill(0xab, 12))), // 3 words of DS extension data
		Want: []specReport{{PacketType: "none", Hops: []specHop{trsSinkHop("00000222")}}},
	},

	// 12 --------------------------------------------------------------
	{
		Name:  "TR2 inner UDP, DSCP 0x17, INT-MD NPT 0, 3 hops",
		Cites: "INT v2.1 §5.7.2 option 2 (DSCP 0x17 as in §6.1), shim NPT 0, §5.8 stack newest first; TR v2.0 §3.4, §2.6; conventions hops, 0x320",
		Frame: trsV2(trsSink, trsRep(4, trsF, trsBit(2), trsLat(0x444),
			trsIPv4(trsDSCP(0x17, 0), 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53,
				trsCat(trsINTABC, []byte{0xaa, 0xbb, 0xcc, 0xdd}))))), // shim + INT-MD + 3 hops + UDP payload
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ipv4", Hops: trsHops(
			[]specHop{{NodeID: trsSink, MD: map[uint32]string{2: "00000444",
				0x320: "010002000205a000", // shim type 1, NPT 0, INT version 2, flags 0, Hop ML 2, RHC 5, bitmap 0xa000
			}}},
			trsABCHops)}},
	},
	{
		Name:  "TR2 inner TCP with options, DSCP 0x17, INT-MD after the options",
		Cites: "INT v2.1 §5.7.2 (stack before or after TCP options, consistent in a domain: after here), §6.1",
		Frame: trsV2(trsSink, trsRep(4, trsF, trsBit(2), trsLat(0x444),
			trsIPv4(trsDSCP(0x17, 0), 6, "10.0.1.1", "10.0.2.2",
				trsTCP(1234, 80, trsTSOpts, trsCat(trsINTABC, []byte{1, 2, 3, 4}))))), // Data Offset 8
		Want: []specReport{{Key: trsKeyTCP, PacketType: "ipv4",
			Hops: trsHops([]specHop{trsSinkHop("00000444")}, trsABCHops)}},
	},
	{
		Name:  "TR2 inner IPv6 (InType 5), Traffic Class DSCP 0x17, INT-MD over UDP",
		Cites: "TR v2.0 §3.3 InType 5; INT v2.1 §5.7.2 option 2 (IPv6 Traffic Class)",
		Frame: trsV2(trsSink, trsRep(5, trsF, trsBit(2), trsLat(0x444),
			trsIPv6(trsDSCP(0x17, 0), 17, "2001:db8::1", "2001:db8::2", trsUDP(5353, 53, trsINTABC)))),
		Want: []specReport{{Key: specKey{SrcIP: "2001:db8::1", DstIP: "2001:db8::2", SrcPort: 5353, DstPort: 53, Proto: "udp"},
			PacketType: "ipv6", Hops: trsHops([]specHop{trsSinkHop("00000444")}, trsABCHops)}},
	},
	{
		Name:  "TR2 inner Ethernet (InType 3) with an 802.1Q tag, DSCP 0x17, INT-MD over TCP",
		Cites: "TR v2.0 §3.3 InType 3; INT v2.1 §5.7.2, §6.1",
		Frame: trsV2(trsSink, trsRep(3, trsF, trsBit(2), trsLat(0x444), trsCat(
			trsEth(0x22, 0x11, 0x0800, [2]uint16{0x8100, 0x0064}), // C-tag VLAN 100
			trsIPv4(trsDSCP(0x17, 0), 6, "10.0.1.1", "10.0.2.2", trsTCP(1234, 80, nil, trsINTABC))))),
		Want: []specReport{{Key: trsKeyTCP, PacketType: "ethernet",
			Hops: trsHops([]specHop{trsSinkHop("00000444")}, trsABCHops)}},
	},
	{
		Name:  "TR2 inner DSCP 0x17 with ECN bits set still marks INT",
		Cites: "INT v2.1 §5.7.2 option 2 (the DSCP value, not the ECN bits)",
		Frame: trsV2(trsSink, trsRep(4, trsF, trsBit(2), trsLat(0x444),
			trsIPv4(trsDSCP(0x17, 3), 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53, trsINTABC)))), // TOS 0x5f
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ipv4",
			Hops: trsHops([]specHop{trsSinkHop("00000444")}, trsABCHops)}},
	},
	{
		Name:   "TR2 INT-MD between UDP header and payload (NPT 1), RepType 1",
		Cites:  "INT v2.1 §6.5 (UDP port XYZ = 53 kept in the shim), §5.7.2 option 1 NPT 1; conventions key dst port from the shim",
		Config: specConfig{MDUDPPorts: []uint16{5000}},
		Frame: trsV2(trsSink, trsRep(4, trsF, trsBit(2), trsLat(0x444),
			trsIPv4(0, 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 5000, trsCat( // Destination Port = INT_TBD
				trsINTMD(1, 53, 2, 5, 0xa000, trsABC), // shim Type 1 NPT 1 | original UDP port 53
				[]byte{0xaa, 0xbb, 0xcc, 0xdd}))))),   // UDP payload
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ipv4",
			Hops: trsHops([]specHop{trsSinkHop("00000444")}, trsABCHops)}},
	},

	// 13 --------------------------------------------------------------
	{
		Name:  "TR2 inner DSCP 0x20 (not INT under default 0x17/0x3f) with a shim-like payload",
		Cites: "INT v2.1 §5.7.2 option 2 (DSCP values exclusively for INT); conventions default md_dscp 0x17/0x3f",
		Frame: trsV2(trsSink, trsRep(4, trsF, trsBit(2), trsLat(0x444),
			trsIPv4(trsDSCP(0x20, 0), 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53, trsINTABC)))),
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ipv4", Hops: []specHop{trsSinkHop("00000444")}}},
	},
	{
		Name:   "TR2 md_dscp off: DSCP 0x17 with a valid stack is not parsed",
		Cites:  "INT v2.1 §5.7.2 (one detection option per domain); conventions int.md_dscp off",
		Config: specConfig{MDDSCPOff: true},
		Frame: trsV2(trsSink, trsRep(4, trsF, trsBit(2), trsLat(0x444),
			trsIPv4(trsDSCP(0x17, 0), 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53, trsINTABC)))),
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ipv4", Hops: []specHop{trsSinkHop("00000444")}}},
	},
	{
		Name:   "TR2 md_dscp bit 0x20/0x20: DSCP 0x22 marks INT",
		Cites:  "INT v2.1 §5.7.2 option 2 (a value or a bit); conventions int.md_dscp {value, mask}",
		Config: specConfig{MDDSCP: &[2]uint8{0x20, 0x20}},
		Frame: trsV2(trsSink, trsRep(4, trsF, trsBit(2), trsLat(0x444),
			trsIPv4(trsDSCP(0x22, 0), 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53, trsINTABC)))),
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ipv4",
			Hops: trsHops([]specHop{trsSinkHop("00000444")}, trsABCHops)}},
	},

	// 14 --------------------------------------------------------------
	{
		Name:  "TR2 drop report (D=1, F=0) of an AF41 TLS packet",
		Cites: "TR v2.0 §3.3 D, F, §3.4 (F=0: no embedded metadata), §3.3.1 bit 15; conventions: INT only when F=1",
		Frame: trsV2(trsSink, trsRep(4, trsD, trsBit(15), trsU32(0x05210000), // queue 5, drop reason 0x21
			trsIPv4(trsDSCP(34, 0), 6, "10.0.1.1", "10.0.2.2", // AF41 = DSCP 34 (0x22)
				trsTCP(51000, 443, nil, []byte{ // TLS record: handshake (0x16), TLS 1.0, length 0x00c8, ClientHello
					0x16, 0x03, 0x01, 0x00, 0xc8, 0x01, 0x00, 0x00, 0xc4, 0x03, 0x03, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a})))),
		Want: []specReport{{Key: specKey{SrcIP: "10.0.1.1", DstIP: "10.0.2.2", SrcPort: 51000, DstPort: 443, Proto: "tcp"},
			PacketType: "ipv4", Hops: []specHop{{NodeID: trsSink, MD: map[uint32]string{15: "05210000"}}}}},
	},
	{
		Name:  "TR2 drop report (D=1, F=0) with DSCP 0x17 and a valid stack: stack not parsed",
		Cites: "TR v2.0 §3.4: F=0 -> no embedded telemetry metadata; conventions: INT parsed only when F=1",
		Frame: trsV2(trsSink, trsRep(4, trsD, trsBit(15), trsU32(0x05210000),
			trsIPv4(trsDSCP(0x17, 0), 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53, trsINTABC)))),
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ipv4",
			Hops: []specHop{{NodeID: trsSink, MD: map[uint32]string{15: "05210000"}}}}},
	},

	// 15 --------------------------------------------------------------
	{
		Name:  "TR2 INT-MD reserved instruction bits 9 and 14 and checksum complement: skipped by Hop ML",
		Cites: "INT v2.1 §5.8: bits 0-14 baseline, reserved bits 4 bytes, bit 15 checksum complement last; conventions: reserved and checksum not exported",
		Frame: trsV2(trsSink, trsRep(4, trsF, trsBit(2), trsLat(0x444),
			trsIPv4(trsDSCP(0x17, 0), 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53,
				trsINTMD(0, 0, 5, 5, 0xa043, trsCat( // bitmap bits 0, 2, 9, 14, 15; Hop ML 5
					trsU32(0x0c), trsU32(0xc1), trsU32(0x09090909), trsU32(0x0e0e0e0e), trsU32(0x0000abcd), // node | latency | bit 9 | bit 14 | checksum complement
					trsU32(0x0b), trsU32(0xb1), trsU32(0x09090909), trsU32(0x0e0e0e0e), trsU32(0x0000abcd),
					trsU32(0x0a), trsU32(0xa1), trsU32(0x09090909), trsU32(0x0e0e0e0e), trsU32(0x0000abcd),
				)))))),
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ipv4",
			Hops: trsHops([]specHop{trsSinkHop("00000444")}, trsABCHops)}},
	},
	{
		Name:  "TR2 INT-MD per-hop domain-specific metadata skipped by Hop ML",
		Cites: "INT v2.1 §5.8: Hop ML includes DS metadata, appended to baseline before the checksum complement; conventions: DS metadata not exported",
		Frame: trsV2(trsSink, trsRep(4, trsF, trsBit(2), trsLat(0x444),
			trsIPv4(trsDSCP(0x17, 0), 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53, trsCat(
				trsShim(1, 0, 3+12, 0),
				trsMDHdr(2, 0, 4, 5, 0x9001, 0x0100, 0x8000, 0x0000), // bits 0, 3, 15 | DS ID 0x0100 | DS Instruction bit 0
				trsU32(0x0c), trsU32(0x0c0000c1), trsU32(0xd5d5d5d5), trsU32(0x0000abcd), // node | queue | DS word | checksum complement
				trsU32(0x0b), trsU32(0x0b0000b1), trsU32(0xd5d5d5d5), trsU32(0x0000abcd),
				trsU32(0x0a), trsU32(0x0a0000a1), trsU32(0xd5d5d5d5), trsU32(0x0000abcd),
			))))),
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ipv4", Hops: []specHop{
			trsSinkHop("00000444"),
			{NodeID: 0x0c, MD: map[uint32]string{3: "0c0000c1"}},
			{NodeID: 0x0b, MD: map[uint32]string{3: "0b0000b1"}},
			{NodeID: 0x0a, MD: map[uint32]string{3: "0a0000a1"}},
		}}},
	},

	// 16 --------------------------------------------------------------
	{
		// Expectation from the spec text: 3 stack hops (hop2, hop1, gateway)
		// after the reporting node. The stack is 20 bytes, a multiple of Hop
		// ML*4 = 4, so under conventions.md WITHOUT per-domain configuration
		// of the source-only length (domain 0x5453 -> 8 bytes) a decoder
		// yields 5 stack hops (the MAC as node ids 0xa61af6b1, 0x647d0000).
		// The domain's source-only length is configuration
		// (int.source_only_md): domain 0x5453 ('TS') adds 8 bytes.
		Name:   "TR2 INT v2.1 §6.17 source-only DS metadata, verbatim (source-only length configured)",
		Cites:  "INT v2.1 §6.17, §5.8 (stack = n x Hop ML x 4 + source-only DS metadata; Hop ML excludes it)",
		Config: specConfig{SourceOnly: map[uint16]int{0x5453: 8}},
		Frame: trsV2(trsSink, trsRep(4, trsF, trsBit(2), trsLat(0x444),
			trsIPv4(trsDSCP(0x17, 0), 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53, trsINT617)))),
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ipv4", Hops: []specHop{
			trsSinkHop("00000444"), {NodeID: 0x22}, {NodeID: 0x11}, {NodeID: 0x06}}}},
	},
	{
		Name:  "TR2 source-only DS metadata not a multiple of the hop length: remainder ignored",
		Cites: "INT v2.1 §5.8, §6.17 (source-only MAC after the source's hop); conventions: remainder never split into hops; 0x321",
		Frame: trsV2(trsSink, trsRep(4, trsF, trsBit(2), trsLat(0x444),
			trsIPv4(trsDSCP(0x17, 0), 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53, trsCat(
				trsShim(1, 0, 3+9+2, 0),                              // Length: header 3 + 3 hops x 3 + source-only 2 words
				trsMDHdr(2, 0, 3, 5, 0xb000, 0x5453, 0x8000, 0x4000), // bits 0, 2, 3 (Hop ML 3) | DS ID "TS" | DS Instruction bit 0 | DS Flags bit 1
				trsU32(0x22), trsU32(0x000000b2), trsU32(0x020000b2), // hop2: node | latency | queue
				trsU32(0x11), trsU32(0x000000b1), trsU32(0x010000b1), // hop1
				trsU32(0x06), trsU32(0x000000b0), trsU32(0x000000b0), // gateway (source)
				trsU32(0xa61af6b1), trsU16(0x647d), trsU16(0), // source-only: host1 MAC + 2 reserved bytes
			))))),
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ipv4", Hops: []specHop{
			{NodeID: trsSink, MD: map[uint32]string{2: "00000444",
				0x321: "545380004000", // DS ID, DS Instruction, DS Flags
			}},
			{NodeID: 0x22, MD: map[uint32]string{2: "000000b2", 3: "020000b2"}},
			{NodeID: 0x11, MD: map[uint32]string{2: "000000b1", 3: "010000b1"}},
			{NodeID: 0x06, MD: map[uint32]string{2: "000000b0", 3: "000000b0"}},
		}}},
	},

	// 17 --------------------------------------------------------------
	{
		Name:  "TR2 sink pushed itself (RepMdBits 0, top of stack = group Node ID): sink once",
		Cites: "INT v2.1 §5.8 sink option 1 (sink metadata in the stack); TR v2.0 §3.2 Node ID; conventions: no sink twice",
		Frame: trsV2(0x33, trsRep(4, trsF, 0, nil, // RepMdBits 0, MD Length 0
			trsIPv4(trsDSCP(0x17, 0), 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53,
				trsINTMD(0, 0, 2, 5, 0xa000, trsStack2(0x33, 0x33, 0x22, 0x22, 0x11, 0x11)))))),
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ipv4", Hops: []specHop{
			{NodeID: 0x33, MD: map[uint32]string{2: "00000033"}},
			{NodeID: 0x22, MD: map[uint32]string{2: "00000022"}},
			{NodeID: 0x11, MD: map[uint32]string{2: "00000011"}},
		}}},
	},
	{
		Name:  "TR2 sink in the stack and RepMdBits metadata: the header hop is kept",
		Cites: "INT v2.1 §5.8 sink options 1 and 2; conventions: the header hop is dropped only without RepMdBits metadata",
		Frame: trsV2(0x33, trsRep(4, trsF, trsBit(3), trsU32(0x03000333),
			trsIPv4(trsDSCP(0x17, 0), 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53,
				trsINTMD(0, 0, 2, 5, 0xa000, trsStack2(0x33, 0x33, 0x22, 0x22, 0x11, 0x11)))))),
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ipv4", Hops: []specHop{
			{NodeID: 0x33, MD: map[uint32]string{3: "03000333"}},
			{NodeID: 0x33, MD: map[uint32]string{2: "00000033"}},
			{NodeID: 0x22, MD: map[uint32]string{2: "00000022"}},
			{NodeID: 0x11, MD: map[uint32]string{2: "00000011"}},
		}}},
	},

	// 18 --------------------------------------------------------------
	{
		Name:  "TR2 all-ones INT metadata values (4 and 8 bytes) are not exported",
		Cites: "INT v2.1 §5.8: unavailable values are all ones (4 or 8 bytes of 0xFF); conventions: no key",
		Frame: trsV2(trsSink, trsRep(4, trsF, trsBit(2), trsLat(0x444),
			trsIPv4(trsDSCP(0x17, 0), 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53,
				trsINTMD(0, 0, 5, 6, 0xb800, trsCat( // bits 0, 2, 3, 4; Hop ML 1+1+1+2 = 5
					trsU32(0x22), trsU32(0xffffffff), trsU32(0x02000022), trsU64(0x0000000100000022), // hop2: latency unavailable
					trsU32(0x11), trsU32(0x00000011), trsU32(0xffffffff), trsU64(0xffffffffffffffff), // hop1: queue, ingress ts unavailable
				)))))),
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ipv4", Hops: []specHop{
			trsSinkHop("00000444"),
			{NodeID: 0x22, MD: map[uint32]string{3: "02000022", 4: "0000000100000022"}},
			{NodeID: 0x11, MD: map[uint32]string{2: "00000011"}},
		}}},
	},
	{
		Name:  "TR2 all-ones INT node id is unknown (node_id 0), its hop kept",
		Cites: "INT v2.1 §5.8: a node that cannot provide a value writes all ones; report.proto Hop.node_id: 0 is reserved (unknown)",
		Frame: trsV2(trsSink, trsRep(4, trsF, trsBit(2), trsLat(0x444),
			trsIPv4(trsDSCP(0x17, 0), 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53,
				trsINTMD(0, 0, 2, 6, 0xa000, trsStack2( // bits 0 and 2; Hop ML 2
					0xffffffff, 0xc1, // newest hop: node id unavailable, hop latency 0xc1
					0x0a, 0xa1)))))), // source: node 0x0a
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ipv4", Hops: []specHop{
			trsSinkHop("00000444"),
			{NodeID: 0, MD: map[uint32]string{2: "000000c1"}},
			{NodeID: 0x0a, MD: map[uint32]string{2: "000000a1"}},
		}}},
	},
	{
		Name:  "TR2 reserved INT shim Type 5: that report is lost (bad_version), the next one kept",
		Cites: "INT v2.1 §5.7.2 shim Type: 1 INT-MD, 2 INT-Destination, 3 INT-MX, others reserved",
		Frame: trsV2(trsSink,
			trsRep(4, trsF, trsBit(2), trsLat(0x444),
				trsIPv4(trsDSCP(0x17, 0), 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53,
					trsCat(trsShim(5, 0, 3+6, 0), trsMDHdr(2, 0, 2, 5, 0xa000, 0, 0, 0), trsABC)))), // Type 5 (reserved)
			trsRep(4, trsF, trsBit(2), trsLat(0x555), trsInnerTCP)),
		Want: []specReport{{Key: trsKeyTCP, PacketType: "ipv4", Hops: []specHop{trsSinkHop("00000555")}}},
		Lost: map[string]int{"bad_version": 1},
	},
	{
		// TR v2.0 (2c8eaa5) removed the option to pad unavailable report
		// metadata with all ones; conventions export RepMdBits values "as
		// carried" and state the all-ones rule for the INT stack only.
		Name:  "TR2 all-ones RepMdBits value is exported as carried",
		Cites: "TR v2.0 §3.3.1 (unavailable metadata: bit not set); conventions: RepMdBits values as carried",
		Frame: trsV2(trsSink, trsRep(4, trsF, trsBit(2), trsLat(0xffffffff), trsInnerTCP)),
		Want:  []specReport{{Key: trsKeyTCP, PacketType: "ipv4", Hops: []specHop{trsSinkHop("ffffffff")}}},
	},

	// 19 --------------------------------------------------------------
	{
		Name:  "TR2 inner fragment ends mid-stack: complete hops kept",
		Cites: "TR v2.0 §3.3 Truncated Packet (sender chooses the length); INT v2.1 §5.8; conventions: complete hops kept, report emitted",
		Frame: trsV2(trsSink, trsRep(4, trsF, trsBit(2), trsLat(0x444),
			trsCut(trsIPv4(trsDSCP(0x17, 0), 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53,
				trsCat(trsINTABC, trsFill(0x77, 32)))),
				20+8+4+12+8+4))), // IPv4 + UDP + shim + header + hop 0x0c + node id of hop 0x0b
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ipv4",
			Hops: trsHops([]specHop{trsSinkHop("00000444")}, trsABCHops[:1])}},
	},
	{
		Name:  "TR2 inner fragment ends right after the INT-MD header: no stack hop",
		Cites: "TR v2.0 §3.3 Truncated Packet; INT v2.1 §5.8; conventions: complete hops kept (none)",
		Frame: trsV2(trsSink, trsRep(4, trsF, trsBit(2), trsLat(0x444),
			trsCut(trsIPv4(trsDSCP(0x17, 0), 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53, trsINTABC)),
				20+8+4+12))),
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ipv4", Hops: []specHop{trsSinkHop("00000444")}}},
	},

	// 20 --------------------------------------------------------------
	{
		Name:  "TR2 carrying an INT v1.0 stack (8-bit shim type, 8-byte header, 4-byte timestamps)",
		Cites: "TR v2.0 §3.3 (INT main contents usable with other INT versions); INT v1.0 §4.6.1 shim (Length incl. shim), §4.7; conventions: version from the shim, timestamps zero-extended",
		Frame: trsV2(trsSink, trsRep(4, trsF, trsBit(2), trsLat(0x444),
			trsIPv4(trsDSCP(0x17, 0), 6, "10.0.1.1", "10.0.2.2", trsTCP(1234, 80, nil, trsINTv1Stack)))),
		Want: []specReport{{Key: trsKeyTCP, PacketType: "ipv4",
			Hops: trsHops([]specHop{{NodeID: trsSink, MD: map[uint32]string{2: "00000444",
				// conventions 0x320 from the v1.0 shim and header (§4.6.1, §4.7): shim Type 1, NPT 0 (v1.0 has
				// none), version 1, flags E<<1|M = 0, Hop ML 4, Remaining Hop Count 6, bitmap 0xcc00
				0x320: "010001000406cc00"}}}, trsINTv1Hops)}},
	},

	// 21 --------------------------------------------------------------
	{
		Name:   "TR version 3 -> bad_version",
		Cites:  "TR v2.0 §3.2 Ver (this specification defines version 2)",
		Frame:  trsFrame(trsPort, trsCat(trsGroup(3, 0, 1, trsSink), trsRep(4, trsF, trsBit(2), trsLat(0x222), trsInnerTCP))),
		Reason: "bad_version",
	},
	{
		Name:   "TR2 group header only, no individual report -> bad_length",
		Cites:  "TR v2.0 §3.3 (one or more individual reports follow the group header); conventions",
		Frame:  trsFrame(trsPort, trsGroup(2, 0, 1, trsSink)),
		Reason: "bad_length",
	},
	{
		Name:  "TR2 embedded INT-MD header version 7 (DSCP 0x17), only report -> bad_version",
		Cites: "INT v2.1 §5.8 Ver (2); conventions: a header failing validation drops that report",
		Frame: trsV2(trsSink, trsRep(4, trsF, trsBit(2), trsLat(0x444),
			trsIPv4(trsDSCP(0x17, 0), 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53, trsCat(
				trsShim(1, 0, 3+6, 0), trsMDHdr(7, 0, 2, 5, 0xa000, 0, 0, 0), trsABC))))), // Ver 7
		Lost:   map[string]int{"bad_version": 1},
		Reason: "bad_version",
	},
	{
		Name:  "TR2 INT-MD version 7 report, then a good report",
		Cites: "INT v2.1 §5.8 Ver; TR v2.0 §3.3; conventions: one bad report costs only that report",
		Frame: trsV2(trsSink,
			trsRep(4, trsF, trsBit(2), trsLat(0x444),
				trsIPv4(trsDSCP(0x17, 0), 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53, trsCat(
					trsShim(1, 0, 3+6, 0), trsMDHdr(7, 0, 2, 5, 0xa000, 0, 0, 0), trsABC)))),
			trsRep(4, trsF, trsBit(2), trsLat(0x222), trsInnerTCP)),
		Want: []specReport{{Key: trsKeyTCP, PacketType: "ipv4", Hops: []specHop{trsSinkHop("00000222")}}},
		Lost: map[string]int{"bad_version": 1},
	},
	{
		Name:  "TR2 INT shim Length 2 (shorter than the 3-word INT-MD header), then a good report",
		Cites: "INT v2.1 §5.7.2 shim Length = INT-MD header (12 bytes) + stack; conventions: bad length drops that report",
		Frame: trsV2(trsSink,
			trsRep(4, trsF, trsBit(2), trsLat(0x444),
				trsIPv4(trsDSCP(0x17, 0), 17, "10.0.1.1", "10.0.2.2", trsUDP(5353, 53, trsCat(
					trsShim(1, 0, 2, 0), trsMDHdr(2, 0, 2, 5, 0xa000, 0, 0, 0), trsABC)))), // Length 2
			trsRep(4, trsF, trsBit(2), trsLat(0x222), trsInnerTCP)),
		Want: []specReport{{Key: trsKeyTCP, PacketType: "ipv4", Hops: []specHop{trsSinkHop("00000222")}}},
		Lost: map[string]int{"bad_length": 1},
	},

	// 22 --------------------------------------------------------------
	{
		// ONOS/SD-Fabric fabric-tna (stratum/fabric-tna p4src/.../int/header.p4)
		// sends report_fixed_header_t + common_report_header_t (switch_id,
		// ig_port, eg_port, queue_id) + local_report_header_t
		// (queue_occupancy, eg_tstamp): byte for byte the spec's 16-octet
		// Switch Local Report Header (later versions pad 9-bit ports and a
		// 5-bit queue id inside the same 16/8-bit fields). The layout here
		// follows the spec text.
		Name:  "TR v0.5 switch local report (NProto 2) as fabric-tna sends",
		Cites: "TR v0.5 §3.2.1 fixed header (12 octets), §3.2.3 Switch Local Report Header; conventions v0.5, 4-byte timestamps zero-extended, 0x300",
		Frame: trsFrame(trsPort, trsCat(
			trsV05(2, trsF, 1, 0x10, 0x0a0b0c0d), // Ver 0 NProto 2 | F | hw_id 1 ; Sequence Number 0x10 ; Ingress Timestamp
			trsU32(5),                            // Switch id
			trsU16(1), trsU16(2),                 // Ingress port id | Egress port id
			trsU32(0x00000010),                        // Queue id 0 | Queue occupancy 0x10
			trsU32(0x0a0b0d0d),                        // Egress timestamp
			trsEth(0x22, 0x11, 0x0800), trsInnerUDP)), // Ethernet (NProto 2: switch local header + Ethernet)
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ethernet", Hops: []specHop{{NodeID: 5, MD: map[uint32]string{
			1: "00010002", 3: "00000010", 4: "000000000a0b0c0d", 5: "000000000a0b0d0d",
			0x300: "000100000010", // version 0, hw_id 1, sequence 0x10
		}}}}},
	},
	{
		Name:  "TR v0.5 drop report (NProto 1)",
		Cites: "TR v0.5 §3.2.1 fixed header, §3.2.2 Telemetry Drop Report Header (12 octets); conventions v0.5",
		Frame: trsFrame(trsPort, trsCat(
			trsV05(1, trsD, 0, 0x11, 0x0a0b0c0e), // Ver 0 NProto 1 | D ; Sequence Number ; Ingress Timestamp
			trsU32(5),                            // Switch id
			trsU16(1), trsU16(2),                 // Ingress port id | Egress port id
			[]byte{0x03, 0x22}, trsU16(0), // Queue id 3 | Drop reason 0x22 | Pad
			trsEth(0x22, 0x11, 0x0800), trsInnerUDP)),
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ethernet", Hops: []specHop{{NodeID: 5, MD: map[uint32]string{
			1: "00010002", 4: "000000000a0b0c0e", 15: "03220000"}}}}},
	},
	{
		Name:  "TR v1.0 header with all six RepMdBits optional words, NProt 0 Ethernet",
		Cites: "TR v1.0 §3.2 Telemetry Report Header (16+ octets), RepMdBits bits 0-5; conventions v1.0 key mapping, 4-byte timestamps zero-extended",
		Frame: trsFrame(trsPort, trsCat(
			trsV10(4+6, 0, 0x3f, 0b101, 2, 7, 0x20, 0x0c0c0c0c), // Length 10 words | NProt 0 | RepMdBits 111111 | D, F | hw_id 2 ; Switch id 7 ; Sequence ; Ingress Timestamp (word 0x1a1f8142)
			trsU16(3), trsU16(4), // bit 0: Ingress port id | Egress port id
			trsU32(0x00000077),            // bit 1: Hop latency
			trsU32(0x01000077),            // bit 2: Queue ID 1 + Queue occupancy 0x77
			trsU32(0x0c0c0d0d),            // bit 3: Egress Timestamp
			[]byte{0x01, 0x33}, trsU16(0), // bit 4: Queue ID 1 | Drop reason 0x33 | Padding
			trsU32(0x00000100), // bit 5: Egress port tx utilization
			trsEth(0x22, 0x11, 0x0800), trsInnerUDP)),
		Want: []specReport{{Key: trsKeyUDP, PacketType: "ethernet", Hops: []specHop{{NodeID: 7, MD: map[uint32]string{
			1: "00030004", 2: "00000077", 3: "01000077", 4: "000000000c0c0c0c", 5: "000000000c0c0d0d",
			15: "01330000", 7: "00000100"}}}}},
	},
	{
		Name:  "TR v1.0 NProt 1 (IPv4) with the INT v1.0 §5.1 example stack",
		Cites: "TR v1.0 §3.2 (NProt 1 IPv4, F), §3.3; INT v1.0 §5.1, §4.6.1 (shim Length 7, drawn 8), §4.7",
		Frame: trsFrame(trsPort, trsCat(
			trsV10(4, 1, 0, 0b001, 0, 3, 0x21, 0x0c0c0c0f), // Length 4 | NProt 1 | RepMdBits 0 | F ; Switch id 3 (Switch3) ; Sequence ; Ingress Timestamp
			trsInnerINTv1Example)),
		Want: []specReport{{Key: trsKeyTCP, PacketType: "ipv4", Hops: []specHop{
			{NodeID: 3, MD: map[uint32]string{4: "000000000c0c0c0f"}},
			{NodeID: 2, MD: map[uint32]string{3: "02000022"}},
			{NodeID: 1, MD: map[uint32]string{3: "01000011"}},
		}}},
	},
}
