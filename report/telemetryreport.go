package report

import (
	"encoding/binary"
	"math/bits"
)

// Telemetry Report header constants.
const (
	trGroupHdrLen   = 8  // v2.0 telemetry group header
	trIndivHdrLen   = 4  // v2.0 individual report header
	trMainFixedLen  = 8  // RepMdBits, domain id, DS md bits, DS md status
	trV1FixedHdrLen = 16 // v0.5/v1.0 fixed report header
	trRepTypeINT    = 1
)

// Telemetry Report v2.0 inner packet types (In Type).
const (
	trInNone     = 0
	trInEthernet = 3
	trInIPv4     = 4
	trInIPv6     = 5
)

// RepMdBits: bit i (from the most significant bit) -> metadata type and
// length. Bits 0-7 follow the INT instruction bits 1-8 and map to
// MetadataType i+1; bit 14 is the queue id + drop reason (type 15).
var trMdBits = [16]struct {
	len uint8
	typ uint32
}{
	0: {4, 1}, 1: {4, 2}, 2: {4, 3}, 3: {8, 4}, 4: {8, 5}, 5: {8, 6}, 6: {4, 7}, 7: {4, 8},
	14: {4, 15},
}

// decodeTR decodes the UDP payload of d.outer as a Telemetry Report.
func (d *Decoder) decodeTR(b []byte, rxTime uint64) ([]Report, Reason) {
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
	case 0, 1:
		return d.decodeTRv1(p, rxTime)
	}
	return nil, ReasonBadVersion
}

// decodeTRv2 decodes a v2.0 telemetry group: one report per individual
// INT report.
func (d *Decoder) decodeTRv2(p []byte, rxTime uint64) ([]Report, Reason) {
	if len(p) < trGroupHdrLen {
		return nil, ReasonTruncated
	}
	nodeID := binary.BigEndian.Uint32(p[4:])
	n := 0
	skipped := false
	for off := trGroupHdrLen; off < len(p); {
		if len(p) < off+trIndivHdrLen {
			return nil, ReasonTruncated
		}
		repType, inType := p[off]>>4, p[off]&0x0f
		repLen := int(p[off+1]) * 4
		mdLen := int(p[off+2]) * 4
		body := off + trIndivHdrLen
		next := body + repLen
		if repLen == 0 {
			// Several P4 programs leave Report Length 0: the report then
			// runs to the end of the packet.
			next = len(p)
		}
		if next > len(p) {
			return nil, ReasonTruncated
		}
		off = next
		if repType != trRepTypeINT {
			skipped = true
			continue
		}
		if n == len(d.reports) {
			return nil, ReasonTooManyReports
		}
		r := &d.reports[n]
		r.Reset()
		r.ReceiveTime = rxTime
		if why := d.decodeTRBody(p[body:next], inType, mdLen, nodeID, r); why != ReasonOK {
			return nil, why
		}
		n++
	}
	if n == 0 {
		if skipped {
			return nil, ReasonUnsupported
		}
		return nil, ReasonBadLength // group header without reports
	}
	return d.reports[:n], ReasonOK
}

// decodeTRBody decodes the main contents of one individual INT report.
func (d *Decoder) decodeTRBody(c []byte, inType uint8, mdLen int, nodeID uint32, r *Report) Reason {
	if len(c) < trMainFixedLen+mdLen {
		return ReasonBadLength
	}
	repMdBits := binary.BigEndian.Uint16(c)
	hop := r.NewHop()
	hop.NodeID = nodeID
	q := trMainFixedLen
	for bm := repMdBits; bm != 0; {
		i := bits.LeadingZeros16(bm) // set bits only, most significant first
		bm &^= 0x8000 >> i
		m := trMdBits[i]
		if m.len == 0 {
			return ReasonUnsupportedInstruction
		}
		if q+int(m.len) > trMainFixedLen+mdLen {
			return ReasonBadLength
		}
		hop.Add(m.typ, c[q:q+int(m.len)])
		q += int(m.len)
	}
	// Domain-specific metadata (the rest of MD Length) is skipped.
	inner := c[trMainFixedLen+mdLen:]
	var etype uint16
	switch inType {
	case trInNone:
		return ReasonOK
	case trInEthernet:
		r.PacketType = PacketEthernet
	case trInIPv4:
		r.PacketType, etype = PacketIPv4, etherIPv4
	case trInIPv6:
		r.PacketType, etype = PacketIPv6, etherIPv6
	default:
		return ReasonUnsupported
	}
	r.Truncated = d.truncate(inner)
	return d.decodeInner(inner, etype, r, false)
}

// decodeInner reads the 5-tuple and, when the DSCP marks INT, the INT-MD
// stack of a (truncated) inner packet. etype 0 means it starts with an
// Ethernet header.
func (d *Decoder) decodeInner(inner []byte, etype uint16, r *Report, v1 bool) Reason {
	off := 0
	if etype == 0 {
		var why Reason
		if off, etype, why = skipEthernet(inner); why != ReasonOK {
			return why
		}
	}
	t := &d.inner
	switch why := parseL3(inner, off, etype, t, false); why {
	case ReasonOK:
	case ReasonNotINT:
		return ReasonOK // not IP: no 5-tuple, no stack
	default:
		return why
	}
	k := &r.Key
	if t.IPv6 {
		k.SrcIP.SetIPv6(t.SrcIP[:])
		k.DstIP.SetIPv6(t.DstIP[:])
	} else {
		k.SrcIP.SetIPv4(t.SrcIP[:4])
		k.DstIP.SetIPv4(t.DstIP[:4])
	}
	if !t.HasPorts {
		return ReasonOK
	}
	k.SrcPort, k.DstPort = t.SrcPort, t.DstPort
	k.Protocol = ProtoUDP
	if t.Proto == ipProtoTCP {
		k.Protocol = ProtoTCP
	}
	if d.cfg.NoINTDSCP || t.DSCP&d.cfg.INTDSCPMask != d.cfg.INTDSCP {
		return ReasonOK
	}
	return parseINTStack(inner, t.L4Offset+t.HdrLenL4, r, v1)
}

// decodeTRv1 decodes the v0.5/v1.0 fixed report header followed by the
// inner packet (one report per packet).
func (d *Decoder) decodeTRv1(p []byte, rxTime uint64) ([]Report, Reason) {
	if len(p) < trV1FixedHdrLen {
		return nil, ReasonTruncated
	}
	hdrLen := int(p[0]&0x0f) * 4
	if hdrLen < trV1FixedHdrLen {
		return nil, ReasonBadLength
	}
	if len(p) < hdrLen {
		return nil, ReasonTruncated
	}
	nProto := p[1] >> 5
	r := &d.reports[0]
	r.Reset()
	r.ReceiveTime = rxTime
	hop := r.NewHop()
	hop.NodeID = binary.BigEndian.Uint32(p[4:])
	hop.Add(4, p[12:16]) // 32-bit ingress timestamp
	inner := p[hdrLen:]
	var etype uint16
	switch nProto {
	case 0:
		r.PacketType = PacketEthernet
	case 1:
		r.PacketType, etype = PacketIPv4, etherIPv4
	case 2:
		r.PacketType, etype = PacketIPv6, etherIPv6
	default:
		return nil, ReasonUnsupported
	}
	r.Truncated = d.truncate(inner)
	if why := d.decodeInner(inner, etype, r, true); why != ReasonOK {
		return nil, why
	}
	return d.reports[:1], ReasonOK
}
