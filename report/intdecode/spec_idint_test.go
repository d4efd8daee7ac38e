package intdecode_test

// Spec conformance cases for SCION ID-INT (both revisions).
//
// Every frame below is assembled byte by byte from the spec text only:
//
//   - [OLD]  netsys-lab/id-int-spec 001ae35, specification.md ("ID-INT Main
//     Header", "Telemetry Stack", "Telemetry Stack Entries", "Telemetry
//     Instructions") and metadata/instructions.md: ID-INT is its own header,
//     reached by NextHdr 253 in the SCION header or the HBH extension.
//   - [NEW]  id-int-spec 6bf0d81 ("Specify ID-INT as HBH option") with the ML
//     redefinition of c3034dc; section names from HEAD ed30f5c
//     specification.md ("ID-INT Main Option Header (IdIntOption)", "ID-INT
//     Telemetry Stack", "ID-INT Stack Entry Option Header (IdIntEntry)").
//     Option types 253 (IdIntOption) / 254 (IdIntEntry): wire2kafka
//     conventions (notes/conventions.md "ID-INT"); the spec's own example
//     shows 2 / 3 (see the case "new_spec_example_opt_types_2_3").
//   - [SCION] scionproto/scion doc/protocols/scion-header.rst (Common Header,
//     Address Header, Path Type SCION / Empty), extension-header.rst
//     (Hop-by-Hop / End-to-End Options Header, TLV-encoded Options, Pad1,
//     PadN), assigned-protocol-numbers.rst (6 TCP, 17 UDP, 200 HBH, 201 E2E,
//     253/254 experimental).
//
// Expectations follow /work/notes/conventions.md "ID-INT" (keys, hop order
// newest first / source last, 0x204 on every hop, 0x340/0x341 on the first
// hop). Helpers are prefixed "sid" to stay clear of the other spec files of
// package report_test.

// ---------------------------------------------------------------------------
// Fixed addresses shared by the cases.

const (
	sidSrcISD     = 1
	sidSrcAS      = 0xff0000000110 // [SCION] Address Header SrcAS (48 bits): ff00:0:110
	sidDstISD     = 2
	sidDstAS      = 0xff0000000220 // [SCION] Address Header DstAS (48 bits): ff00:0:220
	sidTransitAS  = 0x00000000fc00 // a BGP-style AS number (64512) carried by instruction 0x81
	sidQoS        = 0xb8           // [SCION] Common Header QoS (traffic class); non-zero so a FlowID reader must mask it
	sidUnderlaySP = 40000          // underlay UDP source port (not a SCION port)
)

var (
	sidSrcHost4 = []byte{192, 0, 2, 10}    // SrcHostAddr, ST=0 SL=0 (IPv4)
	sidDstHost4 = []byte{198, 51, 100, 20} // DstHostAddr, DT=0 DL=0 (IPv4)
	sidSrcHost6 = []byte{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10}
	sidDstHost6 = []byte{0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20}
)

// ---------------------------------------------------------------------------
// Byte helpers.

func sidCat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func sidBE16(v uint16) []byte { return []byte{byte(v >> 8), byte(v)} }

func sidBE32(v uint32) []byte {
	return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
}

func sidBE48(v uint64) []byte {
	return []byte{byte(v >> 40), byte(v >> 32), byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
}

func sidBE64(v uint64) []byte { return sidCat(sidBE32(uint32(v>>32)), sidBE32(uint32(v))) }

func sidZeros(n int) []byte { return make([]byte, n) }

// ---------------------------------------------------------------------------
// Underlay: Ethernet II / IPv4 / UDP (SCION's IP/UDP underlay).

// sidUnderlay wraps a SCION packet (common header onward) in Ethernet, IPv4
// and UDP to dstPort. IP and UDP lengths cover the whole SCION packet.
func sidUnderlay(dstPort uint16, scion []byte) []byte {
	udp := sidCat(
		sidBE16(sidUnderlaySP),        // UDP source port
		sidBE16(dstPort),              // UDP destination port (SCION underlay port 30042 / 50000)
		sidBE16(uint16(8+len(scion))), // UDP length: header + SCION packet
		sidBE16(0),                    // UDP checksum 0 = none (RFC 768, IPv4)
		scion,                         // UDP payload: the SCION packet
	)
	ip := []byte{
		0x45, 0x00, // IPv4 version 4, IHL 5; DSCP/ECN 0
		0, 0, // total length (below)
		0x12, 0x34, // identification
		0x40, 0x00, // flags DF, fragment offset 0
		64, 17, // TTL, protocol UDP
		0, 0, // header checksum (below)
		10, 0, 0, 1, // source 10.0.0.1 (underlay, not the flow key)
		10, 0, 0, 2, // destination 10.0.0.2
	}
	tl := 20 + len(udp)
	ip[2], ip[3] = byte(tl>>8), byte(tl)
	var sum uint32
	for i := 0; i < 20; i += 2 {
		sum += uint32(ip[i])<<8 | uint32(ip[i+1])
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	ck := ^uint16(sum)
	ip[10], ip[11] = byte(ck>>8), byte(ck)
	return sidCat(
		[]byte{0x02, 0, 0, 0, 0, 0x02}, // Ethernet destination MAC
		[]byte{0x02, 0, 0, 0, 0, 0x01}, // Ethernet source MAC
		sidBE16(0x0800),                // EtherType IPv4
		ip, udp,
	)
}

// ---------------------------------------------------------------------------
// SCION common header, address header and path ([SCION] scion-header.rst).

type sidSCION struct {
	FlowID          uint32 // Common Header FlowID (20 bits)
	NextHdr         uint8  // Common Header NextHdr (200 HBH, 253 ID-INT [OLD], 6/17 L4)
	PathType        uint8  // Common Header PathType: 0 Empty, 1 SCION
	DT, DL, ST, SL  uint8  // Common Header host address type/length (T=0 L=0 IPv4, T=0 L=3 IPv6, T=1 L=0 service)
	DstHost         []byte // Address Header DstHostAddr, 4*(DL+1) bytes
	SrcHost         []byte // Address Header SrcHostAddr, 4*(SL+1) bytes
	Path            []byte // path header (empty for PathType 0)
	PayloadLenDelta int    // malformed cases only: added to the true PayloadLen
}

// sidSCIONv4 is the usual header: IPv4 hosts, Empty path.
func sidSCIONv4(flowID uint32, nextHdr uint8) sidSCION {
	return sidSCION{FlowID: flowID, NextHdr: nextHdr, PathType: 0,
		DstHost: sidDstHost4, SrcHost: sidSrcHost4}
}

// build returns common header + address header + path + payload, where
// payload is everything after the path (extensions, ID-INT, L4).
func (s sidSCION) build(payload []byte) []byte {
	hdr := 12 + 16 + len(s.DstHost) + len(s.SrcHost) + len(s.Path)
	if hdr%4 != 0 || len(s.DstHost) != 4*int(s.DL+1) || len(s.SrcHost) != 4*int(s.SL+1) {
		panic("spec_idint: inconsistent SCION header")
	}
	pl := len(payload) + s.PayloadLenDelta
	return sidCat(
		[]byte{
			0<<4 | sidQoS>>4,                         // Common Header: Version(4)=0 | QoS bits 0-3
			sidQoS<<4&0xf0 | byte(s.FlowID>>16)&0x0f, // QoS bits 4-7 | FlowID bits 19-16
			byte(s.FlowID >> 8), byte(s.FlowID),      // FlowID bits 15-0
			s.NextHdr,     // NextHdr
			byte(hdr / 4), // HdrLen: common + address + path header in 4-byte units
		},
		sidBE16(uint16(pl)), // PayloadLen: extensions + L4, bytes (HdrLen*4 + PayloadLen = UDP payload)
		[]byte{
			s.PathType,                         // PathType
			s.DT<<6 | s.DL<<4 | s.ST<<2 | s.SL, // DT(2) DL(2) ST(2) SL(2)
			0, 0,                               // RSV
		},
		sidBE16(sidDstISD), sidBE48(sidDstAS), // Address Header: DstISD(16) DstAS(48)
		sidBE16(sidSrcISD), sidBE48(sidSrcAS), // SrcISD(16) SrcAS(48)
		s.DstHost, s.SrcHost, // DstHostAddr, SrcHostAddr
		s.Path,
		payload,
	)
}

// sidPathSCION is a PathType 1 (SCION) path: PathMetaHdr, one InfoField,
// two HopFields = 36 bytes ([SCION] "Path Type: SCION").
func sidPathSCION() []byte {
	return sidCat(
		sidBE32(0<<30|1<<24|0<<18|2<<12|0<<6|0), // PathMetaHdr: CurrINF 0 | CurrHF 1 | RSV | Seg0Len 2 | Seg1Len 0 | Seg2Len 0
		[]byte{0x01, 0x00},                          // InfoField: flags r..r P=0 C=1 | RSV
		sidBE16(0x5a5a),                             // InfoField SegID
		sidBE32(0x67000000),                         // InfoField Timestamp
		[]byte{0x00, 0x3f}, sidBE16(0), sidBE16(11), // HopField 0: flags | ExpTime | ConsIngress 0 | ConsEgress 11
		[]byte{1, 2, 3, 4, 5, 6},                    // HopField 0 MAC (6 bytes)
		[]byte{0x00, 0x3f}, sidBE16(22), sidBE16(0), // HopField 1: flags | ExpTime | ConsIngress 22 | ConsEgress 0
		[]byte{6, 5, 4, 3, 2, 1}, // HopField 1 MAC
	)
}

// ---------------------------------------------------------------------------
// SCION extension headers ([SCION] extension-header.rst).

// sidExt is a HBH or E2E options header: NextHdr, ExtLen, options. The
// header length is (ExtLen+1)*4 bytes (the reading of every SCION
// implementation; the rst writes "4B * ExtLen"); the options must fill it.
func sidExt(nextHdr uint8, opts ...[]byte) []byte {
	o := sidCat(opts...)
	n := 2 + len(o)
	if n%4 != 0 {
		panic("spec_idint: extension header not a multiple of 4 bytes")
	}
	return sidCat([]byte{
		nextHdr,       // NextHdr
		byte(n/4 - 1), // ExtLen: total length / 4 - 1
	}, o)
}

// sidPad1 is the Pad1 option: a single zero byte.
func sidPad1() []byte { return []byte{0} }

// sidPadN is a PadN option of n >= 2 bytes: OptType 1, OptDataLen n-2, zeros.
func sidPadN(n int) []byte {
	if n < 2 || n > 257 {
		panic("spec_idint: PadN size")
	}
	return sidCat([]byte{1, byte(n - 2)}, sidZeros(n-2))
}

// sidOpt is a generic TLV option: OptType, OptDataLen = len(data), data.
func sidOpt(typ uint8, data []byte) []byte {
	return sidCat([]byte{typ, byte(len(data))}, data)
}

// ---------------------------------------------------------------------------
// L4 headers after ID-INT.

func sidUDP(src, dst uint16, payload []byte) []byte {
	return sidCat(
		sidBE16(src), sidBE16(dst), // UDP ports
		sidBE16(uint16(8+len(payload))), // UDP length
		sidBE16(0),                      // checksum (not verified by a collector)
		payload)
}

func sidTCP(src, dst uint16, payload []byte) []byte {
	return sidCat(
		sidBE16(src), sidBE16(dst), // TCP ports
		sidBE32(1000), sidBE32(2000), // sequence, acknowledgement numbers
		[]byte{5 << 4, 0x18},                   // data offset 5 words | flags PSH ACK
		sidBE16(65535), sidBE16(0), sidBE16(0), // window, checksum, urgent pointer
		payload)
}

// ---------------------------------------------------------------------------
// ID-INT main header, both revisions.

// sidOptLen is how an IdIntOption / IdIntEntry writes OptDataLen ([NEW]).
type sidOptLen int

const (
	// sidLenTotal: the whole option including OptType and OptDataLen, as
	// the ID-INT text reads ("Length of the ID-INT main header in bytes",
	// "Length of the stack entry in bytes"); scapy-scion-int, scion-cpp.
	sidLenTotal sidOptLen = iota
	// sidLenData: the option length minus 2, as SCION extension-header.rst
	// defines OptDataLen for every option; lschulz/scion (Go).
	sidLenData
)

func (m sidOptLen) val(total int) byte {
	if m == sidLenData {
		return byte(total - 2)
	}
	return byte(total)
}

// Main-header flag bits, byte 0 after Ver(3): I D E X R.
const (
	sidFlagI = 0x10 // I: infrastructure mode
	sidFlagD = 0x08 // D: discard at sink
	sidFlagE = 0x04 // E: encrypted telemetry
	sidFlagX = 0x02 // X: stack exhausted / max length exceeded
)

// sidMain holds the fields of the [OLD] ID-INT Main Header and the [NEW]
// IdIntOption (the same fields but Length/NextHdr/MaxStackLen versus
// StackLen/TOS).
type sidMain struct {
	Ver              uint8    // Ver (3 bits), currently 0
	Flags            uint8    // I D E X R (low 5 bits of byte 0)
	Mod, Vrf, VT, VL uint8    // Mod(2) Vrf(2) VT(2) VL(2)
	DelayHops        uint8    // DelayHops (6 bits)
	InstF            uint8    // InstF (4 bits): 8 node id, 4 node count, 2 ingress IF, 1 egress IF
	AF               [4]uint8 // AF1..AF4 (3 bits each): 0 first, 1 last, 2 min, 3 max, 4 sum
	Inst             [4]uint8 // Inst1..Inst4
	SrcTS            uint64   // Source Timestamp (48 bits, ns)
	SrcPort          uint16   // Source Port
	VrfISD           uint16   // VerifierISD (Vrf == 0 only)
	VrfAS            uint64   // VerifierAS (48 bits)
	VrfHost          []byte   // VerifierHostAddr, 4*(VL+1) bytes

	NextHdr     uint8 // [OLD] NextHdr after ID-INT
	MaxStackLen uint8 // [OLD] MaxStackLen (4-byte words)

	StackLen uint8     // [NEW] StackLen: allocated stack, 4-byte words
	TOS      uint8     // [NEW] TOS: offset of the newest entry from the stack start, 4-byte words
	OptLen   sidOptLen // [NEW] OptDataLen convention
}

func (m sidMain) byte0() byte { return m.Ver<<5 | m.Flags&0x1f }              // Ver(3) | I | D | E | X | R
func (m sidMain) byte1() byte { return m.Mod<<6 | m.Vrf<<4 | m.VT<<2 | m.VL } // Mod(2) | Vrf(2) | VT(2) | VL(2)

// instWord is InstF(4) | AF1(3) | AF2(3) | AF3(3) | AF4(3).
func (m sidMain) instWord() []byte {
	return sidBE16(uint16(m.InstF)<<12 | uint16(m.AF[0])<<9 | uint16(m.AF[1])<<6 |
		uint16(m.AF[2])<<3 | uint16(m.AF[3]))
}

// verifier is VerifierISD | VerifierAS | VerifierHostAddr, present iff Vrf == 0.
func (m sidMain) verifier() []byte {
	if m.Vrf != 0 {
		return nil
	}
	if len(m.VrfHost) != 4*int(m.VL+1) {
		panic("spec_idint: verifier host length")
	}
	return sidCat(sidBE16(m.VrfISD), sidBE48(m.VrfAS), m.VrfHost)
}

// old is the [OLD] "ID-INT Main Header" followed by the telemetry stack
// (entries, newest first, source last). Length = stack bytes / 4.
func (m sidMain) old(stack []byte) []byte {
	if len(stack)%4 != 0 {
		panic("spec_idint: stack not a multiple of 4")
	}
	return sidCat(
		[]byte{
			m.byte0(),            // Ver | I D E X R
			m.byte1(),            // Mod | Vrf | VT | VL
			byte(len(stack) / 4), // Length: telemetry stack in 4-byte units
			m.NextHdr,            // NextHdr
			m.DelayHops << 2,     // DelayHops(6) | Res(2)
			m.MaxStackLen,        // MaxStackLen
		},
		m.instWord(),       // InstF | AF1..AF4
		m.Inst[:],          // Inst1..Inst4
		sidBE48(m.SrcTS),   // Source Timestamp (48 bits)
		sidBE16(m.SrcPort), // Source Port
		m.verifier(),       // VerifierISD/AS/HostAddr if Vrf == 0
		stack,              // Telemetry Stack
	)
}

// new is the [NEW] IdIntOption (OptType 253); the stack follows it as
// separate options.
func (m sidMain) new() []byte {
	body := sidCat(
		[]byte{
			m.byte0(),  // Ver | I D E X R
			m.byte1(),  // Mod | Vrf | VT | VL
			m.StackLen, // StackLen
			m.TOS,      // TOS
		},
		sidBE16(uint16(m.DelayHops)<<10), // DelayHops(6) | Reserved(10)
		m.instWord(),                     // InstF | AF1..AF4
		m.Inst[:],                        // Inst1..Inst4
		sidBE48(m.SrcTS),                 // Source Timestamp
		sidBE16(m.SrcPort),               // Source Port
		m.verifier(),                     // VerifierISD/AS/HostAddr if Vrf == 0
	)
	total := 2 + len(body) // 22..46 bytes ("between 22 and 46 bytes long")
	return sidCat([]byte{
		253,                 // OptType: IdIntOption (253, conventions; spec example: 2)
		m.OptLen.val(total), // OptDataLen
	}, body)
}

// ---------------------------------------------------------------------------
// Telemetry stack entries, both revisions.

// Entry flag bits (byte 0 [OLD] / byte 2 [NEW]): S I E A C Res(3).
const (
	sidS = 0x80 // S: source
	sidI = 0x40 // I: ingress BR
	sidE = 0x20 // E: egress BR
	sidA = 0x10 // A: aggregate
	sidC = 0x08 // C: encrypted (nonce present)
)

// Mask bits (4-bit field, bit 0 = most significant): the spec text says
// "Bit 4" for the egress interface, which does not exist in a 4-bit field;
// read as bit 3 (0x1).
const (
	sidMNode    = 0x8 // Bit 0: Node ID (4 bytes)
	sidMCount   = 0x4 // Bit 1: Node count (2 bytes)
	sidMIngress = 0x2 // Bit 2: ingress device-level interface (2 bytes)
	sidMEgress  = 0x1 // Bit "4" (3): egress device-level interface (2 bytes)
)

type sidEntry struct {
	Flags     uint8 // S I E A C
	Hop       uint8 // Hop (6 bits): hop-field index
	Mask      uint8 // Mask (4 bits)
	NodeID    uint32
	NodeCount uint16
	IngIF     uint16
	EgIF      uint16
	Slot      [4][]byte // metadata of slots 1-4; nil = absent (ML 0)
	Nonce     []byte    // 12 bytes iff C
	MAC       uint32    // MAC (4 bytes)
}

// md is "Metadata: concatenation of the metadata fields without any padding
// or alignment": node id, node count, ingress IF, egress IF (as the mask
// says), then slots 1-4 (as the ML fields say). For C=1 these bytes stand
// for ciphertext.
func (e sidEntry) md() []byte {
	var b []byte
	if e.Mask&sidMNode != 0 {
		b = append(b, sidBE32(e.NodeID)...)
	}
	if e.Mask&sidMCount != 0 {
		b = append(b, sidBE16(e.NodeCount)...)
	}
	if e.Mask&sidMIngress != 0 {
		b = append(b, sidBE16(e.IngIF)...)
	}
	if e.Mask&sidMEgress != 0 {
		b = append(b, sidBE16(e.EgIF)...)
	}
	for _, s := range e.Slot {
		b = append(b, s...)
	}
	return b
}

func (e sidEntry) nonce() []byte {
	if e.Flags&sidC == 0 {
		if e.Nonce != nil {
			panic("spec_idint: nonce without C")
		}
		return nil
	}
	if len(e.Nonce) != 12 {
		panic("spec_idint: nonce must be 12 bytes")
	}
	return e.Nonce
}

// sidMLOld is the [OLD] ML code: 0xx = 0 bytes, 100 = 2, 101 = 4, 110 = 6, 111 = 8.
func sidMLOld(n int) uint16 {
	switch n {
	case 0:
		return 0
	case 2, 4, 6, 8:
		return 0x4 | uint16(n/2-1)
	}
	panic("spec_idint: metadata length")
}

// sidMLNew is the [NEW] (c3034dc) ML: length in units of two bytes, 0 = absent.
func sidMLNew(n int) uint16 {
	switch n {
	case 0, 2, 4, 6, 8:
		return uint16(n / 2)
	}
	panic("spec_idint: metadata length")
}

// maskML is Mask(4) | ML1(3) | ML2(3) | ML3(3) | ML4(3).
func (e sidEntry) maskML(ml func(int) uint16) []byte {
	return sidBE16(uint16(e.Mask)<<12 | ml(len(e.Slot[0]))<<9 | ml(len(e.Slot[1]))<<6 |
		ml(len(e.Slot[2]))<<3 | ml(len(e.Slot[3])))
}

// old is an [OLD] "Telemetry Stack Entry": flags, hop, mask/ML, nonce,
// metadata, zero padding to a multiple of 4 from the entry start, MAC.
func (e sidEntry) old() []byte {
	md := e.md()
	pad := (4 - len(md)%4) % 4 // the 4-byte header and 12-byte nonce keep 4-alignment
	return sidCat(
		[]byte{
			e.Flags,    // S | I | E | A | C | Res(3)
			e.Hop << 2, // Hop(6) | Res(2)
		},
		e.maskML(sidMLOld), // Mask | ML1..ML4 (old code)
		e.nonce(),          // Nonce, if C
		md,                 // Metadata
		sidZeros(pad),      // Padding to a multiple of 4B
		sidBE32(e.MAC),     // MAC
	)
}

// new is a [NEW] IdIntEntry option (OptType 254): OptType, OptDataLen,
// flags, hop, mask/ML (ML = length/2), nonce, metadata, padding so that the
// option is a multiple of 4 bytes, MAC.
func (e sidEntry) new(lm sidOptLen) []byte {
	md := e.md()
	nonce := e.nonce()
	pad := (4 - (6+len(nonce)+len(md))%4) % 4
	total := 6 + len(nonce) + len(md) + pad + 4
	return sidCat(
		[]byte{
			254,           // OptType: IdIntEntry (254, conventions; spec example: 3)
			lm.val(total), // OptDataLen
			e.Flags,       // S | I | E | A | C | Res(3)
			e.Hop << 2,    // Hop(6) | Res(2)
		},
		e.maskML(sidMLNew), // Mask | ML1..ML4 (length/2, c3034dc)
		nonce,              // Nonce (96 bit), if C
		md,                 // Metadata (variable size)
		sidZeros(pad),      // Padding to a multiple of 4B
		sidBE32(e.MAC),     // MAC
	)
}

// sidStackNew lays out the [NEW] telemetry stack: IdIntEntry options in
// packet order (source first, newest last), then PadN filling the stack to
// stackLen words ("ID-INT Telemetry Stack"). It returns the stack and the
// TOS, the offset of the last entry in 4-byte words.
func sidStackNew(stackLen int, entries ...[]byte) ([]byte, uint8) {
	var b []byte
	tos := 0
	for _, e := range entries {
		tos = len(b) / 4
		b = append(b, e...)
	}
	free := stackLen*4 - len(b)
	if free < 0 {
		panic("spec_idint: entries exceed StackLen")
	}
	for free > 0 {
		n := free
		if n > 257 {
			n = 256
		}
		b = append(b, sidPadN(n)...)
		free -= n
	}
	return b, uint8(tos)
}

// ---------------------------------------------------------------------------
// Expectation helpers.

// sidKey4 is the flow key of a packet with the IPv4 SCION hosts.
func sidKey4(proto string, sport, dport uint16, flow uint32) specKey {
	return specKey{SrcIP: "192.0.2.10", DstIP: "198.51.100.20", SrcPort: sport, DstPort: dport,
		Proto: proto, SrcAS: sidSrcAS, DstAS: sidDstAS, FlowID: flow}
}

var sidPayload = []byte("id-int spec payload") // L4 payload

// ---------------------------------------------------------------------------
// Old revision frames (ID-INT header, NextHdr 253).

// sidOldSourceOnly: only the source entry; mask node id + ingress IF +
// egress IF; Inst1 0x82 ingress timestamp (6 bytes).
func sidOldSourceOnly() []byte {
	stack := sidEntry{
		Flags:  sidS, // source entry
		Hop:    0,
		Mask:   sidMNode | sidMIngress | sidMEgress, // 0xB
		NodeID: 0x00000011,
		IngIF:  0x0003,
		EgIF:   0x0004,
		Slot:   [4][]byte{sidBE48(0x17f0a1b2c3d4)}, // 0x82 ingress timestamp, 6 bytes (ML 110b)
		MAC:    0xdeadbeef,
	}.old() // 4 + 14 md + 2 pad + 4 MAC = 24 bytes
	idint := sidMain{
		Vrf:     1, // verifier = destination: no verifier address
		NextHdr: 17, MaxStackLen: 16,
		InstF: sidMNode | sidMIngress | sidMEgress,
		Inst:  [4]uint8{0x82, 0xff, 0xff, 0xff}, // 0x82 ingress ts; 0xFF NOP ([OLD] instructions.md)
		SrcTS: 0x00a1b2c3d4e5, SrcPort: 7,
	}.old(stack)
	return sidUnderlay(30042, sidSCIONv4(0x12345, 253).build(
		sidCat(idint, sidUDP(41000, 5000, sidPayload))))
}

// sidOldThreeEntries: three entries (newest first, source last) with 0x81
// ASN, 0x4D egress TX util, 0x4E queue id, 0x4F queue length; SCION path.
func sidOldThreeEntries() []byte {
	slots := func(asn uint64, util, qid, qlen uint32) [4][]byte {
		return [4][]byte{sidBE48(asn), sidBE32(util), sidBE32(qid), sidBE32(qlen)} // ML 110b, 101b, 101b, 101b
	}
	e0 := sidEntry{Flags: sidI, Hop: 2, Mask: sidMNode, NodeID: 0x00000203, // newest: dst AS ingress BR
		Slot: slots(sidDstAS, 0x000003e8, 0x00000005, 0x00000100), MAC: 0x0a0a0a0a}.old()
	e1 := sidEntry{Flags: sidE, Hop: 1, Mask: sidMNode, NodeID: 0x00000102, // transit AS egress BR; queue id 256 > 255
		Slot: slots(sidTransitAS, 0x00002710, 0x00000100, 0x00000007), MAC: 0x0b0b0b0b}.old()
	e2 := sidEntry{Flags: sidS, Hop: 0, Mask: sidMNode, NodeID: 0x00000001, // source; queue length > 0xffffff
		Slot: slots(sidSrcAS, 0x00000064, 0x00000002, 0x01000000), MAC: 0x0c0c0c0c}.old()
	// each entry: 4 + (4+6+4+4+4 = 22) + 2 pad + 4 = 32 bytes
	idint := sidMain{
		Vrf:     2, // verifier = source
		NextHdr: 17, MaxStackLen: 40,
		InstF: sidMNode,
		Inst:  [4]uint8{0x81, 0x4d, 0x4e, 0x4f},
		SrcTS: 0x000000010000, SrcPort: 1,
	}.old(sidCat(e0, e1, e2))
	h := sidSCIONv4(0x00001, 253)
	h.PathType, h.Path = 1, sidPathSCION() // HdrLen = (12+16+8+36)/4 = 18
	return sidUnderlay(30042, h.build(sidCat(idint, sidUDP(41001, 5001, sidPayload))))
}

// sidOldBufferOccupancy: two entries with 0x51 buffer id and 0x52 buffer
// occupancy (4 bytes each, ML 101b): the source's buffer id 255 is the
// largest one BUFFER_OCCUPANCY holds, the newest entry's 256 is not.
func sidOldBufferOccupancy() []byte {
	slots := func(id, n uint32) [4][]byte { return [4][]byte{sidBE32(id), sidBE32(n)} }
	e0 := sidEntry{Flags: sidI, Hop: 1, Mask: sidMNode, NodeID: 0x00000302,
		Slot: slots(0x00000100, 0x00000005), MAC: 0x0d0d0d0d}.old()
	e1 := sidEntry{Flags: sidS, Hop: 0, Mask: sidMNode, NodeID: 0x00000301,
		Slot: slots(0x000000ff, 0x00000200), MAC: 0x0e0e0e0e}.old()
	// each entry: 4 + (4+4+4 = 12) + 4 = 20 bytes
	idint := sidMain{
		Vrf: 1, NextHdr: 17, MaxStackLen: 40,
		InstF: sidMNode,
		Inst:  [4]uint8{0x51, 0x52, 0xff, 0xff},
		SrcTS: 0x000000000300, SrcPort: 5,
	}.old(sidCat(e0, e1))
	return sidUnderlay(30042, sidSCIONv4(0x00b0f, 253).build(
		sidCat(idint, sidUDP(41010, 5010, sidPayload))))
}

// sidOldVerifierIPv6: Vrf 0 (third party), VT 0, VL 3 (IPv6 verifier host):
// a 44-byte main header.
func sidOldVerifierIPv6() []byte {
	stack := sidEntry{Flags: sidS, Mask: sidMNode, NodeID: 0x00000021,
		Slot: [4][]byte{sidBE48(0x00010000beef)}, MAC: 0x01020304}.old() // 0x83 egress ts
	idint := sidMain{
		Vrf: 0, VT: 0, VL: 3, // third-party verifier, IPv6 host (16 bytes)
		NextHdr: 17, MaxStackLen: 8,
		InstF: sidMNode,
		Inst:  [4]uint8{0x83, 0xff, 0xff, 0xff},
		SrcTS: 0x000000000042, SrcPort: 2,
		VrfISD: 3, VrfAS: 0xff0000000330,
		VrfHost: []byte{0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
	}.old(stack) // 20 + 2 + 6 + 16 = 44 bytes, then the 16-byte entry
	return sidUnderlay(50000, sidSCIONv4(0x00abc, 253).build(
		sidCat(idint, sidUDP(41002, 5002, sidPayload))))
}

// sidOldHBHE2ETCP: SCION -> HBH (200) -> ID-INT (253) -> E2E (201) -> TCP.
func sidOldHBHE2ETCP() []byte {
	hbh := sidExt(253, sidPadN(6)) // NextHdr 253 = ID-INT; 8 bytes, ExtLen 1
	stack := sidEntry{Flags: sidS, Mask: sidMNode | sidMEgress, NodeID: 0x00000031, EgIF: 0x0007,
		MAC: 0x55667788}.old() // 4 + 6 md + 2 pad + 4 = 16 bytes
	idint := sidMain{
		Vrf: 1, NextHdr: 201, MaxStackLen: 4, // NextHdr 201 = E2E
		InstF: sidMNode | sidMEgress,
		Inst:  [4]uint8{0xff, 0xff, 0xff, 0xff},
		SrcTS: 0x000000000100, SrcPort: 3,
	}.old(stack)
	e2e := sidExt(6, sidPad1(), sidPad1(), sidPadN(8)) // NextHdr 6 = TCP; 12 bytes, ExtLen 2
	return sidUnderlay(30042, sidSCIONv4(0xfedcb, 200).build(
		sidCat(hbh, idint, e2e, sidTCP(51000, 443, sidPayload))))
}

// sidOldEncrypted: E flag; the newest entry is encrypted (C=1, nonce), the
// source entry is not.
func sidOldEncrypted() []byte {
	e0 := sidEntry{Flags: sidI | sidC, Hop: 1, Mask: sidMNode,
		Nonce:  []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
		NodeID: 0x9a8b7c6d, Slot: [4][]byte{sidBE48(0x5f4e3d2c1b0a)}, // ciphertext
		MAC: 0x11223344}.old() // 4 + 12 nonce + 10 md + 2 pad + 4 = 32 bytes
	e1 := sidEntry{Flags: sidS, Mask: sidMNode, NodeID: 0x00000041,
		Slot: [4][]byte{sidBE48(0x000000001000)}, MAC: 0x55555555}.old() // 20 bytes
	idint := sidMain{
		Flags: sidFlagE, Vrf: 1, NextHdr: 17, MaxStackLen: 20,
		InstF: sidMNode,
		Inst:  [4]uint8{0x82, 0xff, 0xff, 0xff},
		SrcTS: 0x000000000200, SrcPort: 4,
	}.old(sidCat(e0, e1))
	return sidUnderlay(30042, sidSCIONv4(0x00e0c, 253).build(
		sidCat(idint, sidUDP(41004, 5004, sidPayload))))
}

// sidOldPrivateInstructions: instructions without a standard equivalent:
// 0x05 CPU temperature (2), 0x44 node IPv4 (4), 0xC1 node IPv6 hi (8), 0x01 ISD (2).
func sidOldPrivateInstructions() []byte {
	stack := sidEntry{Flags: sidS, Mask: sidMNode, NodeID: 0x00000051,
		Slot: [4][]byte{sidBE16(0x0037), sidBE32(0xc0000201), sidBE64(0x20010db800000001), sidBE16(0x0001)},
		MAC:  0x66666666}.old() // 4 + 24 md + 0 pad + 4 = 32 bytes
	idint := sidMain{
		Vrf: 1, NextHdr: 17, MaxStackLen: 8,
		InstF: sidMNode,
		Inst:  [4]uint8{0x05, 0x44, 0xc1, 0x01},
		SrcTS: 0x000000000300, SrcPort: 5,
	}.old(stack)
	return sidUnderlay(30042, sidSCIONv4(0x00005, 253).build(
		sidCat(idint, sidUDP(41005, 5005, sidPayload))))
}

// sidOldCounters: 0x8A/0x8E/0x8C/0x8F counters (6 bytes); the newest entry
// leaves slots 3 and 4 absent (ML 0).
func sidOldCounters() []byte {
	e0 := sidEntry{Flags: sidI | sidE, Hop: 1, Mask: sidMNode, NodeID: 0x00000061,
		Slot: [4][]byte{sidBE48(0x00000000012c), sidBE48(0x000000004b00)}, // slots 3, 4: ML 0
		MAC:  0x77777777}.old()                                            // 4 + 16 + 0 + 4 = 24 bytes
	e1 := sidEntry{Flags: sidS, Mask: sidMNode, NodeID: 0x00000062,
		Slot: [4][]byte{sidBE48(0x000000000010), sidBE48(0x000000000800), sidBE48(0x000000000001), sidBE48(0x000000000900)},
		MAC:  0x88888888}.old() // 4 + 28 + 0 + 4 = 36 bytes
	idint := sidMain{
		Vrf: 1, NextHdr: 17, MaxStackLen: 32,
		InstF: sidMNode,
		Inst:  [4]uint8{0x8a, 0x8e, 0x8c, 0x8f},
		SrcTS: 0x000000000400, SrcPort: 6,
	}.old(sidCat(e0, e1))
	return sidUnderlay(30042, sidSCIONv4(0x00007, 253).build(
		sidCat(idint, sidUDP(41006, 5006, sidPayload))))
}

// sidOldIPv6Hosts: SCION hosts IPv6 (DT=0 DL=3, ST=0 SL=3), SCION path.
func sidOldIPv6Hosts() []byte {
	stack := sidEntry{Flags: sidS, Mask: sidMNode, NodeID: 0x00000071, MAC: 0x99999999}.old() // 12 bytes
	idint := sidMain{Vrf: 1, NextHdr: 17, MaxStackLen: 8, InstF: sidMNode,
		Inst: [4]uint8{0xff, 0xff, 0xff, 0xff}, SrcTS: 0x000000000500, SrcPort: 7}.old(stack)
	h := sidSCION{FlowID: 0x00066, NextHdr: 253, PathType: 1, Path: sidPathSCION(),
		DT: 0, DL: 3, ST: 0, SL: 3, DstHost: sidDstHost6, SrcHost: sidSrcHost6} // HdrLen (12+16+32+36)/4 = 24
	return sidUnderlay(30042, h.build(sidCat(idint, sidUDP(41007, 5007, sidPayload))))
}

// sidOldServiceDst: destination host is a service address (DT=1 DL=0,
// 4 bytes), source host IPv4.
func sidOldServiceDst() []byte {
	stack := sidEntry{Flags: sidS, Mask: sidMNode, NodeID: 0x00000072, MAC: 0x99999999}.old()
	idint := sidMain{Vrf: 1, NextHdr: 17, MaxStackLen: 8, InstF: sidMNode,
		Inst: [4]uint8{0xff, 0xff, 0xff, 0xff}, SrcTS: 0x000000000501, SrcPort: 7}.old(stack)
	h := sidSCION{FlowID: 0x00067, NextHdr: 253, PathType: 0,
		DT: 1, DL: 0, ST: 0, SL: 0,
		DstHost: []byte{0x00, 0x02, 0x00, 0x00}, // service address (SVC 0x0002) + 2 bytes padding
		SrcHost: sidSrcHost4}
	return sidUnderlay(30042, h.build(sidCat(idint, sidUDP(41008, 5008, sidPayload))))
}

// sidOldAggregated: Mod 1 (at most one entry per AS) with AF1 min, AF2
// last, AF3 first, AF4 sum; the newest entry also has A set and a node count.
func sidOldAggregated() []byte {
	e0 := sidEntry{Flags: sidA | sidI | sidE, Hop: 1, Mask: sidMNode | sidMCount,
		NodeID: 0x00000081, NodeCount: 3,
		Slot: [4][]byte{sidBE32(0x00001000), sidBE48(0x0000aabbccdd), sidBE32(0x00000200), sidBE48(0x000000000400)},
		MAC:  0xabababab}.old() // 4 + 26 + 2 + 4 = 36 bytes
	e1 := sidEntry{Flags: sidS, Mask: sidMNode | sidMCount, NodeID: 0x00000080, NodeCount: 1,
		Slot: [4][]byte{sidBE32(0x00000800), sidBE48(0x000000112233), sidBE32(0x00000100), sidBE48(0x000000000200)},
		MAC:  0xcdcdcdcd}.old() // 36 bytes
	idint := sidMain{
		Mod: 1, Vrf: 1, NextHdr: 17, MaxStackLen: 32,
		InstF: sidMNode | sidMCount,
		AF:    [4]uint8{2, 1, 0, 4}, // min, last, first, sum
		Inst:  [4]uint8{0x4d, 0x82, 0x4c, 0x8a},
		SrcTS: 0x000000000600, SrcPort: 8,
	}.old(sidCat(e0, e1))
	return sidUnderlay(30042, sidSCIONv4(0x00088, 253).build(
		sidCat(idint, sidUDP(41009, 5009, sidPayload))))
}

// Malformed old-revision frames.

func sidOldSourceNotLast() []byte {
	e0 := sidEntry{Flags: sidS, Mask: sidMNode, NodeID: 1, MAC: 1}.old() // S on the top entry
	e1 := sidEntry{Flags: sidE, Hop: 1, Mask: sidMNode, NodeID: 2, MAC: 2}.old()
	idint := sidMain{Vrf: 1, NextHdr: 17, MaxStackLen: 8, InstF: sidMNode,
		Inst: [4]uint8{0xff, 0xff, 0xff, 0xff}, SrcTS: 1, SrcPort: 1}.old(sidCat(e0, e1))
	return sidUnderlay(30042, sidSCIONv4(0x00901, 253).build(sidCat(idint, sidUDP(1, 2, sidPayload))))
}

func sidOldVersion1() []byte {
	stack := sidEntry{Flags: sidS, Mask: sidMNode, NodeID: 1, MAC: 1}.old()
	idint := sidMain{Ver: 1, Vrf: 1, NextHdr: 17, MaxStackLen: 8, InstF: sidMNode,
		Inst: [4]uint8{0xff, 0xff, 0xff, 0xff}, SrcTS: 1, SrcPort: 1}.old(stack)
	return sidUnderlay(30042, sidSCIONv4(0x00902, 253).build(sidCat(idint, sidUDP(1, 2, sidPayload))))
}

func sidOldStackLen0() []byte {
	idint := sidMain{Vrf: 1, NextHdr: 17, MaxStackLen: 8, InstF: sidMNode,
		Inst: [4]uint8{0xff, 0xff, 0xff, 0xff}, SrcTS: 1, SrcPort: 1}.old(nil) // Length 0, no entry
	return sidUnderlay(30042, sidSCIONv4(0x00903, 253).build(sidCat(idint, sidUDP(1, 2, sidPayload))))
}

// sidOldPayloadLen returns a valid one-entry packet whose SCION PayloadLen
// is off by delta, the IP and UDP lengths being right.
func sidOldPayloadLen(delta int) []byte {
	stack := sidEntry{Flags: sidS, Mask: sidMNode, NodeID: 1, MAC: 1}.old()
	idint := sidMain{Vrf: 1, NextHdr: 17, MaxStackLen: 8, InstF: sidMNode,
		Inst: [4]uint8{0xff, 0xff, 0xff, 0xff}, SrcTS: 1, SrcPort: 1}.old(stack)
	h := sidSCIONv4(0x00904, 253)
	h.PayloadLenDelta = delta
	return sidUnderlay(30042, h.build(sidCat(idint, sidUDP(1, 2, sidPayload))))
}

// sidOldFrameCut is sidOldThreeEntries cut inside its second entry: the IP
// and UDP lengths still declare the whole datagram.
func sidOldFrameCut() []byte {
	f := sidOldThreeEntries()
	// 14 Ethernet + 20 IP + 8 UDP + 72 SCION header + 20 ID-INT main + 32 first entry + 10
	return f[:14+20+8+72+20+32+10]
}

// ---------------------------------------------------------------------------
// New revision frames (HBH options 253 / 254).

// sidNewSourceTransit: HBH = IdIntOption + source entry + one transit
// entry + PadN up to StackLen; TOS at the transit entry.
func sidNewSourceTransit() []byte {
	src := sidEntry{Flags: sidS, Hop: 0, Mask: sidMNode | sidMIngress | sidMEgress, NodeID: 0x00000a01,
		IngIF: 0x0001, EgIF: 0x0002,
		Slot: [4][]byte{sidBE48(0x000011112222), sidBE32(0x00000010)}, // 0x82 (ML 3), 0x4D (ML 2)
		MAC:  0x10101010}.new(sidLenTotal)                             // 6 + 18 md + 0 pad + 4 = 28 bytes
	tr := sidEntry{Flags: sidI, Hop: 1, Mask: sidMNode | sidMIngress | sidMEgress, NodeID: 0x00000a02,
		IngIF: 0x0005, EgIF: 0x0006,
		Slot: [4][]byte{sidBE48(0x000011113333), sidBE32(0x00000020)},
		MAC:  0x20202020}.new(sidLenTotal) // 28 bytes
	stack, tos := sidStackNew(18, src, tr) // 28 + 28 + PadN 16 = 72 bytes; TOS 7
	opt := sidMain{
		Vrf: 1, StackLen: 18, TOS: tos, OptLen: sidLenTotal,
		InstF: sidMNode | sidMIngress | sidMEgress,
		Inst:  [4]uint8{0x82, 0x4d, 0x00, 0x00}, // 0x00 = NOP in [NEW]
		SrcTS: 0x000000000700, SrcPort: 9,
	}.new()
	hbh := sidExt(17, opt, stack) // 2 + 22 + 72 = 96 bytes, ExtLen 23; NextHdr UDP
	return sidUnderlay(30042, sidSCIONv4(0x10001, 200).build(
		sidCat(hbh, sidUDP(42000, 6000, sidPayload))))
}

// sidNewMLUnits: ML = length/2: 6-byte slot (ML 3), 2-byte slot (ML 1),
// 8-byte slot (ML 4); the stack is full (no padding option).
func sidNewMLUnits() []byte {
	src := sidEntry{Flags: sidS, Mask: sidMNode, NodeID: 0x00000b01,
		Slot: [4][]byte{sidBE48(0x0000abcdef01), sidBE16(0x0042), sidBE64(0x0000000000000001)},
		MAC:  0x30303030}.new(sidLenTotal) // 6 + 20 + 2 + 4 = 32 bytes
	tr := sidEntry{Flags: sidE, Hop: 1, Mask: sidMNode, NodeID: 0x00000b02,
		Slot: [4][]byte{sidBE48(0x0000abcdef02), sidBE16(0x0043)}, // slot 3 absent (ML 0)
		MAC:  0x40404040}.new(sidLenTotal)                         // 6 + 12 + 2 + 4 = 24 bytes
	stack, tos := sidStackNew(14, src, tr) // 56 bytes exactly; TOS 8
	opt := sidMain{
		Vrf: 1, StackLen: 14, TOS: tos, OptLen: sidLenTotal,
		InstF: sidMNode,
		Inst:  [4]uint8{0x83, 0x06, 0xc2, 0x00},
		SrcTS: 0x000000000800, SrcPort: 10,
	}.new()
	hbh := sidExt(17, opt, stack) // 2 + 22 + 56 = 80 bytes, ExtLen 19
	return sidUnderlay(30042, sidSCIONv4(0x10002, 200).build(
		sidCat(hbh, sidUDP(42001, 6001, sidPayload))))
}

// sidNewUnknownOptionFirst: an unknown HBH option (type 30) before
// IdIntOption, which thus sits at offset 6 (4n+2); another unknown option
// (type 31) after the stack.
func sidNewUnknownOptionFirst() []byte {
	src := sidEntry{Flags: sidS, Mask: sidMNode, NodeID: 0x00000c01,
		Slot: [4][]byte{sidBE32(0x00000300)}, // 0x4C ingress link RX util (ML 2)
		MAC:  0x50505050}.new(sidLenTotal)    // 6 + 8 + 2 + 4 = 20 bytes
	stack, tos := sidStackNew(7, src) // 20 + PadN 8 = 28 bytes; TOS 0
	opt := sidMain{
		Vrf: 1, StackLen: 7, TOS: tos, OptLen: sidLenTotal,
		InstF: sidMNode,
		Inst:  [4]uint8{0x4c, 0x00, 0x00, 0x00},
		SrcTS: 0x000000000900, SrcPort: 11,
	}.new()
	hbh := sidExt(17,
		sidOpt(30, []byte{0xab, 0xcd}), // offsets 2-5: unknown option type 30
		opt,                            // offset 6 = 4*1+2
		stack,                          // offsets 28-55
		sidOpt(31, []byte{0x12, 0x34}), // offsets 56-59: unknown option type 31 ("remaining HBH options")
	) // 60 bytes, ExtLen 14
	return sidUnderlay(50000, sidSCIONv4(0x10003, 200).build(
		sidCat(hbh, sidUDP(42002, 6002, sidPayload))))
}

// sidNewPaddingFirst: Pad1 + PadN(3) before IdIntOption; E2E after HBH; TCP.
func sidNewPaddingFirst() []byte {
	src := sidEntry{Flags: sidS, Mask: sidMNode, NodeID: 0x00000c11, MAC: 0x60606060}.new(sidLenTotal) // 16 bytes
	tr := sidEntry{Flags: sidI | sidE, Hop: 2, Mask: sidMNode, NodeID: 0x00000c12, MAC: 0x70707070}.new(sidLenTotal)
	stack, tos := sidStackNew(10, src, tr) // 16 + 16 + PadN 8 = 40 bytes; TOS 4
	opt := sidMain{
		Vrf: 1, StackLen: 10, TOS: tos, OptLen: sidLenTotal,
		InstF: sidMNode,
		Inst:  [4]uint8{0x00, 0x00, 0x00, 0x00},
		SrcTS: 0x000000000a00, SrcPort: 12,
	}.new()
	hbh := sidExt(201, sidPad1(), sidPadN(3), opt, stack) // 2+1+3+22+40 = 68 bytes, ExtLen 16; NextHdr E2E
	e2e := sidExt(6, sidPadN(2))                          // 4 bytes, ExtLen 0; NextHdr TCP
	return sidUnderlay(30042, sidSCIONv4(0x10004, 200).build(
		sidCat(hbh, e2e, sidTCP(52000, 8443, sidPayload))))
}

// sidNewOptDataLen: a third-party IPv4 verifier (34-byte IdIntOption), a
// source and a transit entry, OptDataLen written per lm.
func sidNewOptDataLen(lm sidOptLen) []byte {
	src := sidEntry{Flags: sidS, Mask: sidMNode | sidMEgress, NodeID: 0x00000d01, EgIF: 0x0001,
		MAC: 0x80808080}.new(lm) // 6 + 6 + 0 + 4 = 16 bytes
	tr := sidEntry{Flags: sidI, Hop: 1, Mask: sidMNode | sidMIngress, NodeID: 0x00000d02, IngIF: 0x0009,
		MAC: 0x90909090}.new(lm) // 16 bytes
	stack, tos := sidStackNew(10, src, tr) // 32 + PadN 8 = 40 bytes; TOS 4
	opt := sidMain{
		Vrf: 0, VT: 0, VL: 0, VrfISD: 1, VrfAS: 0xff0000000111, VrfHost: []byte{203, 0, 113, 5},
		StackLen: 10, TOS: tos, OptLen: lm,
		InstF: sidMNode | sidMIngress | sidMEgress,
		Inst:  [4]uint8{0x00, 0x00, 0x00, 0x00},
		SrcTS: 0x000000000b00, SrcPort: 13,
	}.new() // 22 + 2 + 6 + 4 = 34 bytes
	hbh := sidExt(17, opt, stack) // 2 + 34 + 40 = 76 bytes, ExtLen 18
	return sidUnderlay(30042, sidSCIONv4(0x10005, 200).build(
		sidCat(hbh, sidUDP(42003, 6003, sidPayload))))
}

// sidNewSpecExample follows the layout example of HEAD specification.md
// ("An ID-INT SCION packet with no other hop-by-hop options and additional
// end-to-end options"): HBH NextHdr E2E, ExtLen 24, ID-INT main option, a
// source entry and two more entries, a PadN with OptDataLen 2, E2E NextHdr
// UDP. The example's option types are 2 / 3; mainType/entryType choose them.
func sidNewSpecExample(mainType, entryType uint8) []byte {
	mk := func(e sidEntry) []byte {
		b := e.new(sidLenTotal) // 6 + (4+6+2 = 12) + 2 + 4 = 24 bytes
		b[0] = entryType
		return b
	}
	slots := func(ts uint64, temp uint16) [4][]byte {
		return [4][]byte{sidBE48(ts), sidBE16(temp)} // 0x82 ingress ts (ML 3), 0x05 CPU temp (ML 1)
	}
	e0 := mk(sidEntry{Flags: sidS, Mask: sidMNode, NodeID: 0x00000e01, Slot: slots(0x000000100000, 0x0030), MAC: 0xe0e0e0e0})
	e1 := mk(sidEntry{Flags: sidE, Hop: 0, Mask: sidMNode, NodeID: 0x00000e02, Slot: slots(0x000000100100, 0x0031), MAC: 0xe1e1e1e1})
	e2 := mk(sidEntry{Flags: sidI, Hop: 1, Mask: sidMNode, NodeID: 0x00000e03, Slot: slots(0x000000100200, 0x0032), MAC: 0xe2e2e2e2})
	stack, tos := sidStackNew(19, e0, e1, e2) // 72 + PadN(OptDataLen 2) 4 = 76 bytes; TOS 12
	opt := sidMain{
		Vrf: 1, StackLen: 19, TOS: tos, OptLen: sidLenTotal,
		InstF: sidMNode,
		Inst:  [4]uint8{0x82, 0x05, 0x00, 0x00},
		SrcTS: 0x000000000c00, SrcPort: 14,
	}.new()
	opt[0] = mainType
	hbh := sidExt(201, opt, stack) // 2 + 22 + 76 = 100 bytes: ExtLen 24 as in the example
	e2e := sidExt(17, sidPadN(2))  // NextHdr UDP
	return sidUnderlay(30042, sidSCIONv4(0x10006, 200).build(
		sidCat(hbh, e2e, sidUDP(42004, 6004, sidPayload))))
}

// Malformed new-revision frames.

// sidNewBadTOS: a source entry (16 bytes), optionally a transit entry
// (16 bytes), PadN up to StackLen 10 (40 bytes); TOS as given.
func sidNewBadTOS(tos uint8, transit bool) []byte {
	entries := [][]byte{sidEntry{Flags: sidS, Mask: sidMNode, NodeID: 1, MAC: 1}.new(sidLenTotal)}
	if transit {
		entries = append(entries, sidEntry{Flags: sidI, Hop: 1, Mask: sidMNode, NodeID: 2, MAC: 2}.new(sidLenTotal))
	}
	stack, _ := sidStackNew(10, entries...)
	opt := sidMain{Vrf: 1, StackLen: 10, TOS: tos, OptLen: sidLenTotal, InstF: sidMNode,
		SrcTS: 1, SrcPort: 1}.new()
	hbh := sidExt(17, opt, stack) // 2 + 22 + 40 = 64 bytes
	return sidUnderlay(30042, sidSCIONv4(0x10900, 200).build(sidCat(hbh, sidUDP(1, 2, sidPayload))))
}

func sidNewFirstNotSource() []byte {
	e := sidEntry{Flags: sidE, Mask: sidMNode, NodeID: 1, MAC: 1}.new(sidLenTotal) // no S
	stack, tos := sidStackNew(4, e)
	opt := sidMain{Vrf: 1, StackLen: 4, TOS: tos, OptLen: sidLenTotal, InstF: sidMNode,
		SrcTS: 1, SrcPort: 1}.new()
	hbh := sidExt(17, opt, stack) // 2 + 22 + 16 = 40 bytes
	return sidUnderlay(30042, sidSCIONv4(0x10901, 200).build(sidCat(hbh, sidUDP(1, 2, sidPayload))))
}

func sidNewVersion1() []byte {
	e := sidEntry{Flags: sidS, Mask: sidMNode, NodeID: 1, MAC: 1}.new(sidLenTotal)
	stack, tos := sidStackNew(4, e)
	opt := sidMain{Ver: 1, Vrf: 1, StackLen: 4, TOS: tos, OptLen: sidLenTotal, InstF: sidMNode,
		SrcTS: 1, SrcPort: 1}.new()
	hbh := sidExt(17, opt, stack)
	return sidUnderlay(30042, sidSCIONv4(0x10902, 200).build(sidCat(hbh, sidUDP(1, 2, sidPayload))))
}

// ---------------------------------------------------------------------------
// The cases.

const (
	sidCiteOld = "id-int-spec 001ae35 specification.md (ID-INT Main Header; Telemetry Stack; " +
		"Telemetry Stack Entries; Telemetry Instructions), metadata/instructions.md; " +
		"scion-header.rst (Common/Address Header)"
	sidCiteNew = "id-int-spec 6bf0d81 + c3034dc specification.md (ID-INT Main Option Header " +
		"(IdIntOption); ID-INT Telemetry Stack; ID-INT Stack Entry Option Header (IdIntEntry)); " +
		"scion extension-header.rst (Hop-by-Hop Options, TLV options, Pad1/PadN)"
)

var specIDINTCases = []specCase{
	// ---------------- old revision: NextHdr 253 ----------------
	{
		Name:  "old_source_only_ingress_ts",
		Cites: sidCiteOld + "; conventions.md ID-INT (key 1, key 4, 0x340/0x341)",
		Frame: sidOldSourceOnly(),
		Want: []specReport{{
			Key:        sidKey4("udp", 41000, 5000, 0x12345),
			PacketType: "scion",
			Hops: []specHop{{
				NodeID: 0x11, ASN: sidSrcAS, // source entry without 0x81: SCION source AS
				MD: map[uint32]string{
					1:     "00030004",         // ingress IF 3 + egress IF 4
					4:     "000017f0a1b2c3d4", // 0x82, 6 bytes zero-extended to 8
					0x204: "8000",             // flags S, hop 0
					0x340: "00001000",         // revision 0, flags 0, Mod0|Vrf1|VT0|VL0, DelayHops 0
					0x341: "b00082ffffff",     // InstF 0xB | AF 0; Inst 82 ff ff ff
				},
			}},
		}},
	},
	{
		Name:  "old_three_entries_asn_util_queue",
		Cites: sidCiteOld + "; scion-header.rst Path Type SCION; conventions.md ID-INT (0x81, 0x4D->7, 0x4E+0x4F->3)",
		Frame: sidOldThreeEntries(),
		Want: []specReport{{
			Key:        sidKey4("udp", 41001, 5001, 0x00001),
			PacketType: "scion",
			Hops: []specHop{
				{NodeID: 0x203, ASN: sidDstAS, MD: map[uint32]string{
					7:     "000003e8",
					3:     "05000100", // queue id 5 (1 byte) + length 0x000100 (3 bytes)
					0x14e: "00000005",
					0x14f: "00000100",
					0x204: "4008", // flags I, hop 2
				}},
				{NodeID: 0x102, ASN: sidTransitAS, MD: map[uint32]string{
					7:     "00002710",
					0x14e: "00000100", // queue id 256 > 255: no key 3
					0x14f: "00000007",
					0x204: "2004", // flags E, hop 1
				}},
				{NodeID: 0x001, ASN: sidSrcAS, MD: map[uint32]string{
					7:     "00000064",
					3:     "02ffffff", // length 0x01000000 saturates at 0xffffff
					0x14e: "00000002",
					0x14f: "01000000",
					0x204: "8000",
				}},
			},
		}},
	},
	{
		Name:  "old_buffer_occupancy",
		Cites: sidCiteOld + " (0x51 Buffer ID, 0x52 Instantaneous buffer occupancy: 4 bytes each); conventions.md ID-INT (0x51+0x52->8, id at most 255, length saturated at 24 bits)",
		Frame: sidOldBufferOccupancy(),
		Want: []specReport{{
			Key:        sidKey4("udp", 41010, 5010, 0x00b0f),
			PacketType: "scion",
			Hops: []specHop{
				{NodeID: 0x302, MD: map[uint32]string{
					0x151: "00000100", // buffer id 256 > 255: no key 8
					0x152: "00000005",
					0x204: "4004", // flags I, hop 1
				}},
				{NodeID: 0x301, ASN: sidSrcAS, MD: map[uint32]string{
					8:     "ff000200", // buffer id 255 (1 byte) + occupancy 0x000200 (3 bytes)
					0x151: "000000ff",
					0x152: "00000200",
					0x204: "8000", // flags S, hop 0
				}},
			},
		}},
	},
	{
		Name:  "old_verifier_third_party_ipv6",
		Cites: sidCiteOld + " (VerifierISD/AS/HostAddr, VT/VL as DT/DL): 20+8+16 = 44-byte main header",
		Frame: sidOldVerifierIPv6(),
		Want: []specReport{{
			Key:        sidKey4("udp", 41002, 5002, 0x00abc),
			PacketType: "scion",
			Hops: []specHop{{
				NodeID: 0x21, ASN: sidSrcAS,
				MD: map[uint32]string{
					5:     "000000010000beef", // 0x83 egress ts zero-extended
					0x204: "8000",
					0x340: "00000300", // revision 0, flags 0, Mod0|Vrf0|VT0|VL3, DelayHops 0
					0x341: "800083ffffff",
				},
			}},
		}},
	},
	{
		Name:  "old_hbh_before_e2e_after_tcp",
		Cites: sidCiteOld + " (\"inserted between the SCION hop-by-hop and end-to-end option headers\"); extension-header.rst; assigned-protocol-numbers.rst",
		Frame: sidOldHBHE2ETCP(),
		Want: []specReport{{
			Key:        sidKey4("tcp", 51000, 443, 0xfedcb),
			PacketType: "scion",
			Hops: []specHop{{
				NodeID: 0x31, ASN: sidSrcAS,
				MD: map[uint32]string{
					1:     "ffff0007", // ingress IF absent -> 0xffff, egress IF 7
					0x204: "8000",
				},
			}},
		}},
	},
	{
		Name:  "old_encrypted_entry",
		Cites: sidCiteOld + " (C flag, 12-byte Nonce; Encryption); conventions.md (encrypted: only 0x204)",
		Frame: sidOldEncrypted(),
		Want: []specReport{{
			Key:        sidKey4("udp", 41004, 5004, 0x00e0c),
			PacketType: "scion",
			Hops: []specHop{
				{NodeID: 0, ASN: 0, MD: map[uint32]string{0x204: "4804"}}, // I|C, hop 1; node id opaque
				{NodeID: 0x41, ASN: sidSrcAS, MD: map[uint32]string{
					4:     "0000000000001000",
					0x204: "8000",
				}},
			},
		}},
	},
	{
		Name:  "old_private_instructions",
		Cites: sidCiteOld + " (instructions 0x05 CPU temperature, 0x44 node IPv4, 0xC1 node IPv6 hi, 0x01 ISD)",
		Frame: sidOldPrivateInstructions(),
		Want: []specReport{{
			Key:        sidKey4("udp", 41005, 5005, 0x00005),
			PacketType: "scion",
			Hops: []specHop{{
				NodeID: 0x51, ASN: sidSrcAS,
				MD: map[uint32]string{
					0x105: "0037",
					0x144: "c0000201",
					0x1c1: "20010db800000001",
					0x101: "0001",
					0x204: "8000",
				},
			}},
		}},
	},
	{
		Name:  "old_counters_8a_8e_8c_8f",
		Cites: sidCiteOld + " (0x8A/0x8E/0x8C/0x8F, ML 0 = absent); conventions.md (16, 17, 18, 20)",
		Frame: sidOldCounters(),
		Want: []specReport{{
			Key:        sidKey4("udp", 41006, 5006, 0x00007),
			PacketType: "scion",
			Hops: []specHop{
				{NodeID: 0x61, ASN: 0, MD: map[uint32]string{
					16:    "00000000012c",
					17:    "000000004b00",
					0x204: "6004", // I|E, hop 1
				}},
				{NodeID: 0x62, ASN: sidSrcAS, MD: map[uint32]string{
					16:    "000000000010",
					17:    "000000000800",
					18:    "000000000001",
					20:    "000000000900",
					0x204: "8000",
				}},
			},
		}},
	},
	{
		Name:  "old_ipv6_hosts_scion_path",
		Cites: sidCiteOld + "; scion-header.rst DT/DL/ST/SL (T=0 L=3: IPv6), Path Type SCION",
		Frame: sidOldIPv6Hosts(),
		Want: []specReport{{
			Key: specKey{SrcIP: "2001:db8:1::10", DstIP: "2001:db8:2::20", SrcPort: 41007, DstPort: 5007,
				Proto: "udp", SrcAS: sidSrcAS, DstAS: sidDstAS, FlowID: 0x00066},
			PacketType: "scion",
			Hops:       []specHop{{NodeID: 0x71, ASN: sidSrcAS, MD: map[uint32]string{0x204: "8000"}}},
		}},
	},
	{
		Name:  "old_service_dst_address",
		Cites: sidCiteOld + "; scion-header.rst DT/DL (T=1 L=0: service address, 4 bytes)",
		Frame: sidOldServiceDst(),
		Want: []specReport{{
			Key: specKey{SrcIP: "192.0.2.10", DstIP: "", SrcPort: 41008, DstPort: 5008,
				Proto: "udp", SrcAS: sidSrcAS, DstAS: sidDstAS, FlowID: 0x00067},
			PacketType: "scion",
			Hops:       []specHop{{NodeID: 0x72, ASN: sidSrcAS, MD: map[uint32]string{0x204: "8000"}}},
		}},
	},
	{
		Name:  "old_aggregated_af_min_sum_unmapped",
		Cites: sidCiteOld + " (Mod, AF1-4, A flag, Mask bit 1 node count); conventions.md (AF not first/last: 0x100+inst only)",
		Frame: sidOldAggregated(),
		Want: []specReport{{
			Key:        sidKey4("udp", 41009, 5009, 0x00088),
			PacketType: "scion",
			Hops: []specHop{
				{NodeID: 0x81, ASN: 0, MD: map[uint32]string{
					0x201: "0003",             // node count
					0x14d: "00001000",         // AF1 min: not mapped to 7
					4:     "00000000aabbccdd", // AF2 last: mapped
					22:    "00000200",         // AF3 first: mapped
					0x18a: "000000000400",     // AF4 sum: not mapped to 16
					0x204: "7004",             // A|I|E, hop 1
					0x340: "00005000",         // revision 0, flags 0, Mod1|Vrf1, DelayHops 0
					0x341: "c4444d824c8a",     // InstF 0xC | AF 2,1,0,4; Inst 4d 82 4c 8a
				}},
				{NodeID: 0x80, ASN: sidSrcAS, MD: map[uint32]string{
					0x201: "0001",
					0x14d: "00000800",
					4:     "0000000000112233",
					22:    "00000100",
					0x18a: "000000000200",
					0x204: "8000",
				}},
			},
		}},
	},
	// old revision, malformed
	{
		Name:   "old_bad_source_entry_not_last",
		Cites:  sidCiteOld + " (Telemetry Stack: inserted at the top; source entry S=1 is the bottom)",
		Frame:  sidOldSourceNotLast(),
		Reason: "bad_length",
	},
	{
		Name:   "old_bad_version_1",
		Cites:  sidCiteOld + " (Ver: currently 0)",
		Frame:  sidOldVersion1(),
		Reason: "bad_version",
	},
	{
		Name:   "old_bad_stack_length_0",
		Cites:  sidCiteOld + " (Telemetry Stack: at least one entry, the source entry)",
		Frame:  sidOldStackLen0(),
		Reason: "bad_length",
	},
	{
		Name:   "old_bad_scion_payloadlen_short",
		Cites:  "scion-header.rst (PayloadLen; HdrLen*4 + PayloadLen = UDP payload); IP/UDP lengths complete",
		Frame:  sidOldPayloadLen(-4),
		Reason: "bad_length",
	},
	{
		Name:   "old_bad_scion_payloadlen_long",
		Cites:  "scion-header.rst (PayloadLen) — the frame is complete per IP/UDP, so an inconsistent length, not truncation",
		Frame:  sidOldPayloadLen(+4),
		Reason: "bad_length",
	},
	{
		Name:   "old_frame_cut_in_stack",
		Cites:  sidCiteOld + "; the captured frame ends inside the second entry while IP/UDP declare more",
		Frame:  sidOldFrameCut(),
		Reason: "truncated",
	},

	// ---------------- new revision: HBH options 253 / 254 ----------------
	{
		Name:  "new_source_and_transit_padn",
		Cites: sidCiteNew + "; conventions.md (hops reversed: newest first; 0x340 revision 1)",
		Frame: sidNewSourceTransit(),
		Want: []specReport{{
			Key:        sidKey4("udp", 42000, 6000, 0x10001),
			PacketType: "scion",
			Hops: []specHop{
				{NodeID: 0xa02, ASN: 0, MD: map[uint32]string{
					1:     "00050006",
					4:     "0000000011113333",
					7:     "00000020",
					0x204: "4004",         // I, hop 1
					0x340: "01001000",     // revision 1, flags 0, Mod0|Vrf1, DelayHops 0
					0x341: "b000824d0000", // InstF 0xB; Inst 82 4d 00 00
				}},
				{NodeID: 0xa01, ASN: sidSrcAS, MD: map[uint32]string{
					1:     "00010002",
					4:     "0000000011112222",
					7:     "00000010",
					0x204: "8000",
				}},
			},
		}},
	},
	{
		Name:  "new_ml_length_over_2",
		Cites: sidCiteNew + " (c3034dc: ML in units of two bytes: 3 = 6 B, 1 = 2 B, 4 = 8 B); stack exactly full, no PadN",
		Frame: sidNewMLUnits(),
		Want: []specReport{{
			Key:        sidKey4("udp", 42001, 6001, 0x10002),
			PacketType: "scion",
			Hops: []specHop{
				{NodeID: 0xb02, ASN: 0, MD: map[uint32]string{
					5:     "00000000abcdef02",
					0x106: "0043",
					0x204: "2004",
				}},
				{NodeID: 0xb01, ASN: sidSrcAS, MD: map[uint32]string{
					5:     "00000000abcdef01",
					0x106: "0042",
					0x1c2: "0000000000000001",
					0x204: "8000",
				}},
			},
		}},
	},
	{
		Name:  "new_unknown_option_before_and_after",
		Cites: sidCiteNew + " (IdIntOption alignment 4n+2; remaining HBH options after the stack); extension-header.rst (xn+y)",
		Frame: sidNewUnknownOptionFirst(),
		Want: []specReport{{
			Key:        sidKey4("udp", 42002, 6002, 0x10003),
			PacketType: "scion",
			Hops: []specHop{{NodeID: 0xc01, ASN: sidSrcAS, MD: map[uint32]string{
				22:    "00000300",
				0x204: "8000",
			}}},
		}},
	},
	{
		Name:  "new_pad1_padn_before_e2e_tcp",
		Cites: sidCiteNew + "; extension-header.rst (Pad1, PadN); E2E after HBH",
		Frame: sidNewPaddingFirst(),
		Want: []specReport{{
			Key:        sidKey4("tcp", 52000, 8443, 0x10004),
			PacketType: "scion",
			Hops: []specHop{
				{NodeID: 0xc12, ASN: 0, MD: map[uint32]string{0x204: "6008"}}, // I|E, hop 2
				{NodeID: 0xc11, ASN: sidSrcAS, MD: map[uint32]string{0x204: "8000"}},
			},
		}},
	},
	{
		Name:  "new_optdatalen_total",
		Cites: sidCiteNew + " (OptDataLen = \"length of the main header / stack entry in bytes\", scapy-scion-int, scion-cpp); Vrf 0 IPv4 verifier",
		Frame: sidNewOptDataLen(sidLenTotal),
		Want: []specReport{{
			Key:        sidKey4("udp", 42003, 6003, 0x10005),
			PacketType: "scion",
			Hops: []specHop{
				{NodeID: 0xd02, ASN: 0, MD: map[uint32]string{1: "0009ffff", 0x204: "4004"}},
				{NodeID: 0xd01, ASN: sidSrcAS, MD: map[uint32]string{1: "ffff0001", 0x204: "8000"}},
			},
		}},
	},
	{
		Name:  "new_optdatalen_minus_2",
		Cites: sidCiteNew + "; extension-header.rst (OptDataLen = length of OptData, lschulz/scion Go); same packet as new_optdatalen_total",
		Frame: sidNewOptDataLen(sidLenData),
		Want: []specReport{{
			Key:        sidKey4("udp", 42003, 6003, 0x10005),
			PacketType: "scion",
			Hops: []specHop{
				{NodeID: 0xd02, ASN: 0, MD: map[uint32]string{1: "0009ffff", 0x204: "4004"}},
				{NodeID: 0xd01, ASN: sidSrcAS, MD: map[uint32]string{1: "ffff0001", 0x204: "8000"}},
			},
		}},
	},
	{
		Name:  "new_spec_example_layout",
		Cites: "id-int-spec HEAD specification.md layout example (HBH ExtLen 24, source + 2 entries, PadN OptDataLen 2, E2E, UDP) with option types 253/254",
		Frame: sidNewSpecExample(253, 254),
		Want: []specReport{{
			Key:        sidKey4("udp", 42004, 6004, 0x10006),
			PacketType: "scion",
			Hops: []specHop{
				{NodeID: 0xe03, ASN: 0, MD: map[uint32]string{4: "0000000000100200", 0x105: "0032", 0x204: "4004"}},
				{NodeID: 0xe02, ASN: 0, MD: map[uint32]string{4: "0000000000100100", 0x105: "0031", 0x204: "2000"}},
				{NodeID: 0xe01, ASN: sidSrcAS, MD: map[uint32]string{4: "0000000000100000", 0x105: "0030", 0x204: "8000"}},
			},
		}},
	},
	{
		Name:   "new_spec_example_opt_types_2_3",
		Cites:  "id-int-spec HEAD specification.md layout example, literally (opt_type 2 / 3); conventions.md: ID-INT options are 253/254",
		Frame:  sidNewSpecExample(2, 3),
		Reason: "not_int",
	},
	// new revision, malformed
	{
		Name:   "new_bad_tos_beyond_stacklen",
		Cites:  sidCiteNew + " (TOS: offset of the last entry; entries never exceed StackLen)",
		Frame:  sidNewBadTOS(11, false), // StackLen 10
		Reason: "bad_length",
	},
	{
		Name:   "new_bad_tos_into_padding",
		Cites:  sidCiteNew + " (TOS must point at the most recently written IdIntEntry)",
		Frame:  sidNewBadTOS(8, true), // entries at 0 and 4, PadN at 8
		Reason: "bad_length",
	},
	{
		Name:   "new_bad_first_entry_not_source",
		Cites:  sidCiteNew + " (the source entry is pushed with the main option: first on the stack)",
		Frame:  sidNewFirstNotSource(),
		Reason: "bad_length",
	},
	{
		Name:   "new_bad_version_1",
		Cites:  sidCiteNew + " (Ver: currently 0)",
		Frame:  sidNewVersion1(),
		Reason: "bad_version",
	},
}
