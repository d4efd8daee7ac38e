package intdecode

import (
	"encoding/binary"
	"math/bits"
	"wire2kafka/report"
)

// Telemetry Report v2.0 header constants (TR v2.0 sections 3.2, 3.3).
const (
	trGroupHdrLen      = 8 // Ver, hw_id, Sequence Number, Node ID
	trIndivHdrLen      = 4 // RepType, InType, Report Length, MD Length, flags
	trMainFixedLen     = 8 // RepMdBits, Domain Specific ID, DSMdBits, DSMdStatus
	trRepTypeInnerOnly = 0 // no main contents
	trRepTypeINT       = 1 // INT main contents
	trRepLenToEnd      = 0xff
	trFlagF            = 0x20 // Tracked Flow Association: embedded INT may follow
)

// Telemetry Report v2.0 InType values (section 3.3).
const (
	trInNone     = 0
	trInTLV      = 1
	trInDSExt    = 2
	trInEthernet = 3
	trInIPv4     = 4
	trInIPv6     = 5
)

// trMdBits: RepMdBits bit i (0 = most significant) -> value length and
// MetadataType (TR v2.0 section 3.3.1: bit i carries INT instruction bit i,
// so MetadataType i; bit 15 is queue id + drop reason + padding). Type 0:
// reserved bit, skipped by its length.
var trMdBits = [16]struct {
	len uint8
	typ uint32
}{
	0: {4, 0}, 1: {4, 1}, 2: {4, 2}, 3: {4, 3}, 4: {8, 4}, 5: {8, 5}, 6: {8, 6}, 7: {4, 7}, 8: {4, 8},
	9: {4, 0}, 10: {4, 0}, 11: {4, 0}, 12: {4, 0}, 13: {4, 0}, 14: {4, 0},
	15: {4, 15},
}

// trGroup is what the group (or fixed) header says about every report.
type trGroup struct {
	version uint8
	hwID    uint8
	seq     uint32
	nodeID  uint32
}

// addTRKeys puts the group's and the individual report's keys (KeyTRGroup,
// KeyTRReport) on the report's first hop h.
func (d *Decoder) addTRKeys(h *report.Hop, g *trGroup, repInType, flags uint8) {
	h.AddBE(d.trEntries.group, uint64(g.version)<<40|uint64(g.hwID)<<32|uint64(g.seq))
	h.AddBE(d.trEntries.report, uint64(repInType)<<8|uint64(flags))
}

// trEntries are the metadata entry headers of a Telemetry Report's fixed
// fields, made once per decoder.
type trEntries struct {
	group, report report.EntryHeader     // KeyTRGroup (6 bytes), KeyTRReport (2)
	md            [16]report.EntryHeader // per RepMdBits bit with a MetadataType
}

func makeTREntries() trEntries {
	e := trEntries{group: report.MakeEntryHeader(report.KeyTRGroup, 6), report: report.MakeEntryHeader(report.KeyTRReport, 2)}
	for i, m := range trMdBits {
		if m.typ != 0 {
			e.md[i] = report.MakeEntryHeader(m.typ, int(m.len))
		}
	}
	return e
}

// decodeTR decodes the UDP payload of d.outer as a Telemetry Report.
func (d *Decoder) decodeTR(b []byte, rxTime uint64) ([]report.Report, Reason) {
	start, end, why := udpPayload(b, &d.outer)
	if why != ReasonOK {
		return nil, why
	}
	p := b[start:end]
	if len(p) < 1 {
		return nil, ReasonTruncated
	}
	switch p[0] >> 4 {
	case 2:
		return d.decodeTRv2(p, rxTime)
	case 1:
		return d.decodeTRv1(p, rxTime)
	case 0:
		return d.decodeTRv05(p, rxTime)
	}
	return nil, ReasonBadVersion
}

// decodeTRv2 decodes a v2.0 telemetry group: one report per individual
// report of RepType INT or Inner Only. A bad individual report is counted
// in d.stats.Lost and skipped; the others are returned.
func (d *Decoder) decodeTRv2(p []byte, rxTime uint64) ([]report.Report, Reason) {
	if len(p) < trGroupHdrLen {
		return nil, ReasonTruncated
	}
	w := binary.BigEndian.Uint32(p)
	g := trGroup{version: 2, hwID: uint8(w>>22) & 0x3f, seq: w & (1<<22 - 1), nodeID: binary.BigEndian.Uint32(p[4:])}
	n := 0
	skipped := false
	first := ReasonOK
	lose := func(why Reason) {
		d.lose(why)
		if first == ReasonOK {
			first = why
		}
	}
	for off := trGroupHdrLen; off < len(p); {
		if len(p) < off+trIndivHdrLen {
			lose(ReasonTruncated)
			break
		}
		h := p[off : off+trIndivHdrLen]
		body := off + trIndivHdrLen
		next := body + int(h[1])*4
		if h[1] == trRepLenToEnd {
			next = len(p) // section 3.3: the last report, to the end of the UDP payload
		}
		if next > len(p) {
			lose(ReasonTruncated)
			break
		}
		off = next
		if h[0]>>4 > trRepTypeINT {
			skipped = true // other report types carry no INT
			continue
		}
		if n == len(d.reports) {
			lose(ReasonTooManyReports)
			continue
		}
		r := d.newReport(n, rxTime)
		if why := d.decodeTRIndiv(p[body:next], h, &g, r); why != ReasonOK {
			lose(why)
			continue
		}
		d.keep(r)
		n++
	}
	if n == 0 {
		switch {
		case first != ReasonOK:
			return nil, first
		case skipped:
			return nil, ReasonUnsupported
		}
		return nil, ReasonBadLength // group header without reports
	}
	return d.reports[:n], ReasonOK
}

// decodeTRIndiv decodes the contents c of one individual report with
// header h into r.
func (d *Decoder) decodeTRIndiv(c []byte, h []byte, g *trGroup, r *report.Report) Reason {
	repType, inType := h[0]>>4, h[0]&0x0f
	flags := h[3] & 0xf0
	hop := r.NewHop()
	hop.NodeID = g.nodeID
	inner := c
	var ds []byte
	var dsHdr [6]byte
	if repType == trRepTypeINT && len(c) > 0 { // Report Length 0: header only
		mdEnd := trMainFixedLen + int(h[2])*4
		if len(c) < mdEnd {
			return ReasonBadLength
		}
		copy(dsHdr[:], c[2:8])
		q := trMainFixedLen
		for bm := binary.BigEndian.Uint16(c); bm != 0; {
			i := bits.LeadingZeros16(bm) // set bits only, most significant first
			bm &^= 0x8000 >> i
			m := trMdBits[i]
			if q+int(m.len) > mdEnd {
				return ReasonBadLength
			}
			if m.typ != 0 {
				hop.AddBE(d.trEntries.md[i], beUintAt(c, q, int(m.len)))
			}
			q += int(m.len)
		}
		ds = c[q:mdEnd] // domain-specific metadata (section 3.3.1)
		inner = c[mdEnd:]
	}
	local := hop.NumMD > 0
	d.intSeen = false
	if why := d.decodeTRInner(inner, inType, flags&trFlagF != 0, r); why != ReasonOK {
		return why
	}
	d.dropDuplicateSink(r, local)
	first := &r.Hops[0]
	d.addTRKeys(first, g, h[0], flags)
	if dsHdr != [6]byte{} {
		first.Add(report.KeyTRDomain, dsHdr[:])
	}
	for i := 0; len(ds) > 0 && i < report.MaxDomainMD/report.MaxMetadataLen; i++ {
		l := min(len(ds), report.MaxMetadataLen)
		first.Add(report.KeyTRDomainMD+uint32(i), ds[:l])
		ds = ds[l:]
	}
	d.addINTKeys(first)
	return ReasonOK
}

// decodeTRInner decodes the inner contents of an individual report by
// InType: the (truncated) packet's 5-tuple and, when tracked is set, its
// embedded INT.
func (d *Decoder) decodeTRInner(inner []byte, inType uint8, tracked bool, r *report.Report) Reason {
	var etype uint16
	switch inType {
	case trInEthernet:
		r.PacketType = report.PacketEthernet
	case trInIPv4:
		r.PacketType, etype = report.PacketIPv4, etherIPv4
	case trInIPv6:
		r.PacketType, etype = report.PacketIPv6, etherIPv6
	case trInTLV:
		// Section 3.3.2: TLVType(4) Rsvd(4) TLVLength(8, words after the
		// first) Template(16), then the data. TLVType 1/2/3 is the packet.
	tlv:
		for q := 0; q+4 <= len(inner); {
			t, l := inner[q]>>4, int(inner[q+1])*4
			end := q + 4 + l
			if end > len(inner) {
				return ReasonBadLength
			}
			switch t {
			case 1:
				r.PacketType = report.PacketEthernet
			case 2:
				r.PacketType, etype = report.PacketIPv4, etherIPv4
			case 3:
				r.PacketType, etype = report.PacketIPv6, etherIPv6
			default:
				q = end
				continue
			}
			inner = inner[q+4 : end]
			break tlv
		}
		if r.PacketType == report.PacketNone {
			return ReasonOK
		}
	default: // none, domain-specific extension data, reserved: no packet
		return ReasonOK
	}
	r.Truncated = d.truncate(inner)
	return d.decodeInner(inner, etype, r, tracked)
}

// dropDuplicateSink removes the reporting node's hop when it carries no
// local metadata and the sink also pushed itself onto the stack (INT v2.1
// section 5.8: a sink reports its own metadata one way or the other).
func (d *Decoder) dropDuplicateSink(r *report.Report, local bool) {
	if !local && r.NumHops == 1 && r.Stack.N > 0 && r.Stack.NodeIDAt(0) == r.Hops[0].NodeID {
		r.Stack.Pop(&r.Hops[0]) // the stack's first hop takes the reporting node's place
		return
	}
	if local || r.NumHops < 2 || r.Hops[1].NodeID != r.Hops[0].NodeID {
		return
	}
	copy(r.Hops[:r.NumHops-1], r.Hops[1:r.NumHops])
	r.NumHops--
}
