package intgen

import (
	"encoding/binary"
	"wire2kafka/report/intdecode"

	"wire2kafka/report"
)

// INT-MD / Telemetry Report lengths per MetadataType 1-8 (node id is bit 0).
var trTypeLen = [9]int{0: 4, 1: 4, 2: 4, 3: 4, 4: 8, 5: 8, 6: 8, 7: 4, 8: 4}

// buildTR writes a Telemetry Report v2.0 packet carrying one individual
// report per flow in fs into g.pkt and the expected reports into g.exp.
func (g *gen) buildTR(fs []*flow, ts uint64) {
	o := &g.o
	b, ip := appendEthIPv4UDP(g.pkt[:0], [4]byte{192, 0, 2, 1}, [4]byte{192, 0, 2, 100}, 40000, o.Decoder.ReportPorts[0], 0)
	hwID := uint32(1)
	b = binary.BigEndian.AppendUint32(b, 2<<28|hwID<<22|uint32(g.seq)&(1<<22-1))
	b = binary.BigEndian.AppendUint32(b, sinkNodeID)
	// TR v2.0 section 3.3.1: RepMdBits bit t (0 = most significant)
	// carries MetadataType t.
	var repMdBits uint16
	mdLen := 0
	for _, t := range o.Metadata {
		repMdBits |= 0x8000 >> t
		mdLen += trTypeLen[t]
	}
	bitmap := uint16(0x8000) // node id
	hopLen := 4
	for _, t := range o.Metadata {
		bitmap |= 0x8000 >> t
		hopLen += trTypeLen[t]
	}
	g.exp = g.exp[:0]
	for i, f := range fs {
		r := g.nextExp()
		r.ReceiveTime = ts
		r.PacketType = report.PacketEthernet
		r.Key.SrcIP.SetIPv4(f.src[:])
		r.Key.DstIP.SetIPv4(f.dst[:])
		r.Key.SrcPort, r.Key.DstPort, r.Key.Protocol = f.sport, f.dport, report.ProtoUDP

		rep := len(b)
		g.indiv = append(g.indiv, rep-42)
		const flagF = 0x20                             // Tracked Flow Association: INT inside
		b = append(b, 1<<4|3, 0, byte(mdLen/4), flagF) // INT report, inner Ethernet
		b = binary.BigEndian.AppendUint16(b, repMdBits)
		b = append(b, 0, 0, 0, 0, 0, 0) // domain id, DS md bits, DS md status
		sink := r.NewHop()
		sink.NodeID = sinkNodeID
		for _, t := range o.Metadata {
			v := len(b)
			b = randBytes(g.rng, b, trTypeLen[t])
			sink.Add(t, b[v:])
		}
		seq := uint32(g.seq) & (1<<22 - 1)
		sink.Add(report.KeyTRGroup, []byte{2, byte(hwID), byte(seq >> 24), byte(seq >> 16), byte(seq >> 8), byte(seq)})
		sink.Add(report.KeyTRReport, []byte{1<<4 | 3, flagF})
		sink.Add(report.KeyINTHeader, []byte{1, 0, 2, 0, byte(hopLen / 4), intRHC, byte(bitmap >> 8), byte(bitmap)})
		// Inner packet: Ethernet/IPv4/UDP, DSCP marks INT, shim, INT-MD header, stack.
		inner := len(b)
		var iip int
		b, iip = appendEthIPv4UDP(b, f.src, f.dst, f.sport, f.dport, o.Decoder.MDDSCP)
		stackLen := hopLen * len(f.nodes)
		b = append(b, 1<<4, byte((12+stackLen)/4), 0, 0)
		b = append(b, 2<<4, 0, byte(hopLen/4), intRHC)
		b = binary.BigEndian.AppendUint16(b, bitmap)
		b = append(b, 0, 0, 0, 0, 0, 0)
		for h := len(f.nodes) - 1; h >= 0; h-- { // newest first
			hop := r.NewHop()
			hop.NodeID = f.nodes[h]
			b = binary.BigEndian.AppendUint32(b, f.nodes[h])
			for _, t := range o.Metadata {
				v := len(b)
				b = randBytes(g.rng, b, trTypeLen[t])
				hop.Add(t, b[v:])
			}
		}
		if i == len(fs)-1 && o.Size > len(b) {
			// Pad the last inner packet towards Size, keeping the report
			// length a multiple of 4 and below 1024 bytes.
			pad := min(o.Size-len(b), 1000-(len(b)-rep))
			for ; pad > 0; pad-- {
				b = append(b, 0)
			}
		}
		for (len(b)-rep)%4 != 0 {
			b = append(b, 0)
		}
		finishIPv4UDP(b, iip, len(b))
		b[rep+1] = byte((len(b) - rep - 4) / 4)
		r.Truncated = b[inner:min(len(b), inner+o.Decoder.MaxTruncated)]
	}
	finishIPv4UDP(b, ip, len(b))
	g.pkt = b
}

// intRHC is the Remaining Hop Count the generated INT-MD headers carry.
const intRHC = 32

// breakTR makes the packet in g.pkt malformed for reason why (see
// malformedReasons) and returns the reason it applied; the UDP payload
// starts at offset 42. A bad length breaks every individual report, so the
// whole packet yields none. A v0.5 report has no length field: it gets a
// bad version instead.
func (g *gen) breakTR(why intdecode.Reason) intdecode.Reason {
	p := g.pkt[42:]
	ver := p[0] >> 4
	if why == intdecode.ReasonBadVersion || ver == 0 {
		p[0] = 3<<4 | p[0]&0x0f
		return intdecode.ReasonBadVersion
	}
	if ver == 1 {
		p[0] = 1<<4 | 3 // v1.0 Length 3 words: shorter than the fixed header
		return intdecode.ReasonBadLength
	}
	for off := 8; off+4 <= len(p); off += 4 + int(p[off+1])*4 {
		p[off] = 1<<4 | p[off]&0x0f // Inner Only would ignore MD Length
		p[off+2] = 255              // MD length beyond the report's end
	}
	return intdecode.ReasonBadLength
}

// breakLastIndiv gives the last individual report of the TR v2.0 group in
// g.pkt an MD Length beyond its end: that report is lost (bad_length), the
// others decode.
func (g *gen) breakLastIndiv() {
	p := g.pkt[42:]
	off := g.indiv[len(g.indiv)-1]
	p[off] = 1<<4 | p[off]&0x0f // Inner Only would ignore MD Length
	p[off+2] = 255
}
