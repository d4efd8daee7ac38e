package intgen

import (
	"encoding/binary"

	"wire2kafka/report"
)

// Mixed Telemetry Report captures (Options.Mix): every flow has a shape
// (how its monitored packets look: inner Ethernet, 802.1Q, IPv4 or IPv6,
// TCP or UDP, INT marked by DSCP (NPT 0) or by an INT_TBD UDP port with
// NPT 1 or 2), and every packet a wrapper (TR v2.0 INT or Inner Only
// reports, with or without domain-specific metadata, an extra drop report,
// TR v1.0 with an INT v1.0 stack, TR v0.5 drop reports). The expected
// reports follow docs/formats.md section 4.

// shape is how a flow's monitored packets look inside the reports.
type shape struct {
	inType  uint8 // 3 Ethernet, 4 IPv4, 5 IPv6
	vlan    bool  // 802.1Q tag on the inner Ethernet
	v6      bool  // inner IPv6 (InType 5, or Ethernet with IPv6)
	tcp     bool  // monitored flow is TCP
	tcpOpts bool  // TCP header with 12 bytes of options (stack after them)
	npt     uint8 // 0: DSCP marks INT after the L4 header; 1, 2: INT_TBD port
}

// shapes are assigned to flows round robin.
var shapes = [...]shape{
	{inType: 3, npt: 0},                           // Ethernet, IPv4/UDP, DSCP
	{inType: 3, vlan: true, tcp: true, npt: 0},    // 802.1Q, IPv4/TCP, DSCP
	{inType: 4, npt: 1},                           // IPv4/UDP, INT_TBD port, NPT 1
	{inType: 5, v6: true, tcp: true, npt: 2},      // IPv6/TCP behind an inserted UDP header, NPT 2
	{inType: 3, v6: true, npt: 2},                 // Ethernet, IPv6/UDP, NPT 2
	{inType: 3, tcp: true, tcpOpts: true, npt: 0}, // Ethernet, IPv4/TCP with options, DSCP
	{inType: 5, v6: true, npt: 0},                 // IPv6/UDP, DSCP
	{inType: 3, vlan: true, npt: 1},               // 802.1Q, IPv4/UDP, NPT 1
}

// Wrappers of one report.
const (
	wrapINT       = iota // TR v2.0 RepType 1 with RepMdBits metadata
	wrapInnerOnly        // TR v2.0 RepType 0
	wrapDomain           // TR v2.0 RepType 1 with domain-specific metadata
	wrapDrop             // TR v2.0 RepType 1 followed by a drop report (F=0) of the same flow
	wrapV1               // TR v1.0 (one report per packet), INT v1.0 stack
	wrapV05              // TR v0.5 drop report (one report per packet)
	numWraps
)

// Mixed-capture constants.
const (
	mixDomainID   = 0x0a0b // TR domain-specific metadata: Domain Specific ID
	mixDSMdBits   = 0x8000 // one 4-byte DS word
	mixDropReason = 0x47
)

func (g *gen) shapeOf(f *flow) shape { return shapes[f.id%len(shapes)] }

// wrapFor picks the wrapper of flow f's report in this packet. v1.0 and
// v0.5 packets carry one report, only for flows marked by DSCP (their INT
// v1.0 stack has no NPT) and, for v0.5, with an Ethernet inner packet.
func (g *gen) wrapFor(f *flow, single bool) int {
	s := g.shapeOf(f)
	for {
		w := g.rng.IntN(numWraps)
		switch {
		case (w == wrapV1 || w == wrapV05) && (!single || s.npt != 0):
		case w == wrapV05 && s.inType != 3:
		case w == wrapDrop && s.npt != 0:
		default:
			return w
		}
	}
}

// flowIPv6 returns the flow's IPv6 addresses (2001:db8:1::/2::, flow id).
func flowIPv6(f *flow) (src, dst [16]byte) {
	src = [16]byte{0x20, 0x01, 0x0d, 0xb8, 0, 1, 14: f.src[2], 15: f.src[3]}
	dst = [16]byte{0x20, 0x01, 0x0d, 0xb8, 0, 2, 14: f.dst[2], 15: f.dst[3]}
	return src, dst
}

// flowKey fills the monitored flow's key.
func (g *gen) flowKey(f *flow, k *report.FlowKey) {
	s := g.shapeOf(f)
	if s.v6 {
		src, dst := flowIPv6(f)
		k.SrcIP.SetIPv6(src[:])
		k.DstIP.SetIPv6(dst[:])
	} else {
		k.SrcIP.SetIPv4(f.src[:])
		k.DstIP.SetIPv4(f.dst[:])
	}
	k.SrcPort, k.DstPort, k.Protocol = f.sport, f.dport, report.ProtoUDP
	if s.tcp {
		k.Protocol = report.ProtoTCP
	}
}

// appendL4 appends the flow's original TCP or UDP header.
func appendL4(b []byte, f *flow, s shape) []byte {
	b = binary.BigEndian.AppendUint16(b, f.sport)
	b = binary.BigEndian.AppendUint16(b, f.dport)
	if !s.tcp {
		return append(b, 0, 8, 0, 0) // UDP length (not checked in a fragment), checksum
	}
	off := byte(5)
	if s.tcpOpts {
		off = 8
	}
	b = append(b, 0, 0, 0, 1, 0, 0, 0, 0, off<<4, 0x18, 0xff, 0xff, 0, 0, 0, 0)
	if s.tcpOpts { // NOP, NOP, timestamps (10 bytes)
		b = append(b, 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2)
	}
	return b
}

// appendInner appends flow f's monitored packet as the reporting switch
// saw it (starting with Ethernet for InType 3, else with IP) with an INT
// stack of the flow's nodes (v1: INT v1.0 shim and header, else INT v2.1),
// and appends the stack's hops to r.
func (g *gen) appendInner(b []byte, f *flow, r *report.Report, v1 bool) []byte {
	o := &g.o
	s := g.shapeOf(f)
	if s.inType == 3 {
		b = append(b, macDst[:]...)
		b = append(b, macSrc[:]...)
		if s.vlan {
			b = append(b, 0x81, 0x00, 0, 42)
		}
		if s.v6 {
			b = append(b, 0x86, 0xdd)
		} else {
			b = append(b, 0x08, 0x00)
		}
	}
	dscp := uint8(0)
	if s.npt == 0 {
		dscp = o.Decoder.MDDSCP
	}
	proto := byte(17)
	if s.tcp && s.npt != 2 {
		proto = 6
	}
	ip := len(b)
	if s.v6 {
		src, dst := flowIPv6(f)
		b = append(b, 0x60|dscp>>2, dscp<<6, 0, 0, 0, 0, proto, 64)
		b = append(b, src[:]...)
		b = append(b, dst[:]...)
	} else {
		b = append(b, 0x45, dscp<<2, 0, 0, 0, 1, 0x40, 0, 64, proto, 0, 0)
		b = append(b, f.src[:]...)
		b = append(b, f.dst[:]...)
	}
	tbd := o.Decoder.MDUDPPorts[0]
	switch s.npt {
	case 0:
		b = appendL4(b, f, s)
	case 1: // the UDP destination port is replaced by INT_TBD
		b = binary.BigEndian.AppendUint16(b, f.sport)
		b = binary.BigEndian.AppendUint16(b, tbd)
		b = append(b, 0, 0, 0, 0)
	case 2: // a new UDP header with an entropy source port
		b = binary.BigEndian.AppendUint16(b, uint16(0xc000|g.rng.IntN(0x3fff)))
		b = binary.BigEndian.AppendUint16(b, tbd)
		b = append(b, 0, 0, 0, 0)
	}
	if v1 {
		b = g.appendStackV1(b, f, r)
	} else {
		b = g.appendStackV2(b, f, s, r)
	}
	if s.npt == 2 {
		b = appendL4(b, f, s)
	}
	b = append(b, "payload"...)
	if s.v6 {
		binary.BigEndian.PutUint16(b[ip+4:], uint16(len(b)-ip-40))
	} else {
		binary.BigEndian.PutUint16(b[ip+2:], uint16(len(b)-ip))
	}
	return b
}

// stackBitmap returns the INT instruction bitmap (node id plus the
// configured metadata) and the per-hop length for INT v2 or v1.0.
func (g *gen) stackBitmap(v1 bool) (uint16, int) {
	bitmap, n := uint16(0x8000), 4
	for _, t := range g.o.Metadata {
		bitmap |= 0x8000 >> t
		l := trTypeLen[t]
		if v1 && (t == 4 || t == 5) {
			l = 4
		}
		n += l
	}
	return bitmap, n
}

// appendStackV2 appends the INT v2.1 shim (Type INT-MD, NPT by shape),
// the INT-MD header and one entry per node, newest first.
func (g *gen) appendStackV2(b []byte, f *flow, s shape, r *report.Report) []byte {
	bitmap, hopLen := g.stackBitmap(false)
	stackLen := hopLen * len(f.nodes)
	var b23 [2]byte
	switch s.npt {
	case 1:
		binary.BigEndian.PutUint16(b23[:], f.dport) // original UDP destination port
	case 2:
		b23[1] = 17 // original IP protocol
		if s.tcp {
			b23[1] = 6
		}
	}
	b = append(b, 1<<4|s.npt<<2, byte((12+stackLen)/4), b23[0], b23[1])
	b = append(b, 2<<4, 0, byte(hopLen/4), intRHC)
	b = binary.BigEndian.AppendUint16(b, bitmap)
	b = append(b, 0, 0, 0, 0, 0, 0) // DS ID, DS Instruction, DS Flags
	g.intHdr = [8]byte{1, s.npt, 2, 0, byte(hopLen / 4), intRHC, byte(bitmap >> 8), byte(bitmap)}
	for h := len(f.nodes) - 1; h >= 0; h-- {
		hop := r.NewHop()
		hop.NodeID = f.nodes[h]
		b = binary.BigEndian.AppendUint32(b, f.nodes[h])
		for _, t := range g.o.Metadata {
			v := len(b)
			b = randBytes(g.rng, b, trTypeLen[t])
			hop.Add(t, b[v:])
		}
	}
	return b
}

// appendStackV1 appends an INT v1.0 hop-by-hop shim (Length including the
// shim), the 8-byte header and the stack; timestamps are 4 bytes on the
// wire and 8 (zero-extended) in the report.
func (g *gen) appendStackV1(b []byte, f *flow, r *report.Report) []byte {
	bitmap, hopLen := g.stackBitmap(true)
	stackLen := hopLen * len(f.nodes)
	b = append(b, 1, 0, byte((4+8+stackLen)/4), 0)
	b = append(b, 1<<4, 0, byte(hopLen/4), intRHC)
	b = binary.BigEndian.AppendUint16(b, bitmap)
	b = append(b, 0, 0)
	g.intHdr = [8]byte{1, 0, 1, 0, byte(hopLen / 4), intRHC, byte(bitmap >> 8), byte(bitmap)}
	for h := len(f.nodes) - 1; h >= 0; h-- {
		hop := r.NewHop()
		hop.NodeID = f.nodes[h]
		b = binary.BigEndian.AppendUint32(b, f.nodes[h])
		for _, t := range g.o.Metadata {
			l := trTypeLen[t]
			if t == 4 || t == 5 {
				l = 4
			}
			v := len(b)
			b = randBytes(g.rng, b, l)
			hop.AddWide(t, b[v:], trTypeLen[t])
		}
	}
	return b
}

// buildMixTR writes one mixed Telemetry Report packet for the flows fs.
func (g *gen) buildMixTR(fs []*flow, ts uint64) {
	g.exp = g.exp[:0]
	g.expFlow = g.expFlow[:0]
	b, ip := appendEthIPv4UDP(g.pkt[:0], [4]byte{192, 0, 2, 1}, [4]byte{192, 0, 2, 100}, 40000, g.o.Decoder.ReportPorts[0], 0)
	w := g.wrapFor(fs[0], len(fs) == 1)
	switch w {
	case wrapV1:
		b = g.appendTRv1(b, fs[0], ts)
	case wrapV05:
		b = g.appendTRv05(b, fs[0], ts)
	default:
		b = binary.BigEndian.AppendUint32(b, 2<<28|mixHwID<<22|uint32(g.seq)&(1<<22-1))
		b = binary.BigEndian.AppendUint32(b, sinkNodeID)
		for i, f := range fs {
			if i > 0 {
				w = g.wrapFor(f, false)
			}
			b = g.appendIndiv(b, f, w, ts)
			if w == wrapDrop {
				b = g.appendDropIndiv(b, f, ts)
			}
		}
	}
	finishIPv4UDP(b, ip, len(b))
	g.pkt = b
}

// mixHwID is the hw_id of the mixed captures' reporting switch.
const mixHwID = 3

// sinkHop starts report r with the reporting node's hop and the group keys.
func (g *gen) sinkHop(r *report.Report, ver uint8, seq uint32) *report.Hop {
	h := r.NewHop()
	h.NodeID = sinkNodeID
	h.Add(report.KeyTRGroup, []byte{ver, mixHwID, byte(seq >> 24), byte(seq >> 16), byte(seq >> 8), byte(seq)})
	return h
}

// expect starts an expected report of flow f.
func (g *gen) expect(f *flow, ts uint64) *report.Report {
	r := g.nextExp()
	g.expFlow = append(g.expFlow, f)
	r.ReceiveTime = ts
	g.flowKey(f, &r.Key)
	return r
}

func packetType(inType uint8) report.PacketType {
	switch inType {
	case 4:
		return report.PacketIPv4
	case 5:
		return report.PacketIPv6
	}
	return report.PacketEthernet
}

// appendIndiv appends one TR v2.0 individual report of flow f.
func (g *gen) appendIndiv(b []byte, f *flow, w int, ts uint64) []byte {
	s := g.shapeOf(f)
	r := g.expect(f, ts)
	r.PacketType = packetType(s.inType)
	sink := g.sinkHop(r, 2, uint32(g.seq)&(1<<22-1))
	const flagF = 0x20
	rep := len(b)
	g.indiv = append(g.indiv, rep-42)
	repType := byte(1)
	if w == wrapInnerOnly {
		repType = 0
	}
	b = append(b, repType<<4|s.inType, 0, 0, flagF)
	if repType == 1 {
		var repMdBits uint16
		mdLen := 0
		for _, t := range g.o.Metadata {
			repMdBits |= 0x8000 >> t
			mdLen += trTypeLen[t]
		}
		dsID, dsBits := uint16(0), uint16(0)
		if w == wrapDomain {
			dsID, dsBits = mixDomainID, mixDSMdBits
			mdLen += 4
		}
		b[rep+2] = byte(mdLen / 4)
		b = binary.BigEndian.AppendUint16(b, repMdBits)
		b = binary.BigEndian.AppendUint16(b, dsID)
		b = binary.BigEndian.AppendUint16(b, dsBits)
		b = append(b, 0, 0) // DSMdStatus
		for _, t := range g.o.Metadata {
			v := len(b)
			b = randBytes(g.rng, b, trTypeLen[t])
			sink.Add(t, b[v:])
		}
		if w == wrapDomain {
			sink.Add(report.KeyTRDomain, []byte{byte(dsID >> 8), byte(dsID), byte(dsBits >> 8), byte(dsBits), 0, 0})
			v := len(b)
			b = randBytes(g.rng, b, 4)
			sink.Add(report.KeyTRDomainMD, b[v:])
		}
	}
	sink.Add(report.KeyTRReport, []byte{repType<<4 | s.inType, flagF})
	inner := len(b)
	b = g.appendInner(b, f, r, false)
	sink.Add(report.KeyINTHeader, g.intHdr[:])
	for (len(b)-rep)%4 != 0 {
		b = append(b, 0) // the report's padding is part of its inner contents
	}
	b[rep+1] = byte((len(b) - rep - 4) / 4)
	r.Truncated = b[inner:min(len(b), inner+g.o.Decoder.MaxTruncated)]
	return b
}

// appendDropIndiv appends a drop report (D=1, F=0: the payload is not read
// for INT) of flow f: RepMdBits bits 1 (interfaces) and 15 (queue id, drop
// reason, padding), the dropped packet's headers.
func (g *gen) appendDropIndiv(b []byte, f *flow, ts uint64) []byte {
	s := g.shapeOf(f)
	r := g.expect(f, ts)
	r.PacketType = packetType(s.inType)
	sink := g.sinkHop(r, 2, uint32(g.seq)&(1<<22-1))
	rep := len(b)
	g.indiv = append(g.indiv, rep-42)
	const flagD = 0x80
	b = append(b, 1<<4|s.inType, 0, 2, flagD)
	b = append(b, 0x40, 0x01, 0, 0, 0, 0, 0, 0) // RepMdBits bits 1 and 15
	v := len(b)
	b = randBytes(g.rng, b, 4)
	sink.Add(1, b[v:])
	b = append(b, byte(g.rng.IntN(8)), mixDropReason, 0, 0)
	sink.Add(15, b[len(b)-4:])
	sink.Add(report.KeyTRReport, []byte{1<<4 | s.inType, flagD})
	inner := len(b)
	var scratch report.Report // the dropped packet carries INT, but F=0: not read
	b = g.appendInner(b, f, &scratch, false)
	for (len(b)-rep)%4 != 0 {
		b = append(b, 0) // the report's padding is part of its inner contents
	}
	b[rep+1] = byte((len(b) - rep - 4) / 4)
	r.Truncated = b[inner:min(len(b), inner+g.o.Decoder.MaxTruncated)]
	return b
}

// appendTRv1 appends a TR v1.0 report (16-byte header, optional words for
// RepMdBits bits 0 and 1) of flow f with an INT v1.0 stack.
func (g *gen) appendTRv1(b []byte, f *flow, ts uint64) []byte {
	s := g.shapeOf(f)
	r := g.expect(f, ts)
	nprot := uint32(0)
	r.PacketType = report.PacketEthernet
	if s.inType == 5 {
		nprot, r.PacketType = 2, report.PacketIPv6
	}
	seq := uint32(g.seq)
	sink := g.sinkHop(r, 1, seq)
	const f1 = 1 << 6 // F
	b = binary.BigEndian.AppendUint32(b, 1<<28|6<<24|nprot<<21|0x30<<15|f1|mixHwID)
	b = binary.BigEndian.AppendUint32(b, sinkNodeID)
	b = binary.BigEndian.AppendUint32(b, seq)
	v := len(b)
	b = randBytes(g.rng, b, 4+8) // ingress timestamp, ports, hop latency
	sink.AddWide(4, b[v:v+4], 8)
	sink.Add(1, b[v+4:v+8])
	sink.Add(2, b[v+8:v+12])
	sink.Add(report.KeyTRReport, []byte{0, 0x20})
	inner := len(b)
	b = g.appendInner(b, f, r, true)
	sink.Add(report.KeyINTHeader, g.intHdr[:])
	r.Truncated = b[inner:min(len(b), inner+g.o.Decoder.MaxTruncated)]
	return b
}

// appendTRv05 appends a TR v0.5 drop report (NProto 1: drop header, then
// Ethernet) of flow f; F=0, so the INT in it is not read.
func (g *gen) appendTRv05(b []byte, f *flow, ts uint64) []byte {
	r := g.expect(f, ts)
	r.PacketType = report.PacketEthernet
	seq := uint32(g.seq)
	sink := g.sinkHop(r, 0, seq)
	b = binary.BigEndian.AppendUint32(b, 1<<24|1<<23|mixHwID) // Ver 0, NProto 1, D
	b = binary.BigEndian.AppendUint32(b, seq)
	v := len(b)
	b = randBytes(g.rng, b, 4) // ingress timestamp
	b = binary.BigEndian.AppendUint32(b, sinkNodeID)
	b = randBytes(g.rng, b, 4) // ports
	b = append(b, byte(g.rng.IntN(8)), mixDropReason, 0, 0)
	sink.Add(1, b[v+8:v+12])
	sink.Add(15, b[v+12:v+16])
	sink.AddWide(4, b[v:v+4], 8)
	sink.Add(report.KeyTRReport, []byte{0, 0x80})
	inner := len(b)
	var scratch report.Report
	b = g.appendInner(b, f, &scratch, false)
	r.Truncated = b[inner:min(len(b), inner+g.o.Decoder.MaxTruncated)]
	return b
}
