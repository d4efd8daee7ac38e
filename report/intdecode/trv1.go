package intdecode

import (
	"encoding/binary"
	"math/bits"
	"wire2kafka/report"
)

// Telemetry Report v1.0 and v0.5 fixed headers (tags telemetry_v1.0 and
// telemetry_v0.5 of p4lang/p4-applications, "Telemetry Report Header").
const (
	trV1MinHdrLen = 16 // Ver|Length|NProt|RepMdBits|Rsvd|D|Q|F|hw_id, Switch id, Sequence, Ingress ts
	trV05HdrLen   = 12 // Ver|NProto|D|Q|F|Rsvd|hw_id, Sequence, Ingress ts
	trV05DropLen  = 12 // Switch id, ports, Queue id|Drop reason|Pad
	trV05LocalLen = 16 // Switch id, ports, Queue id|occupancy, Egress ts
)

// trV1MdBits: v1.0 RepMdBits bit i (of 6, most significant first) ->
// MetadataType of its 4-byte optional word and the width it is stored
// with: the egress timestamp is zero-extended to the 8 of MetadataType 5.
var trV1MdBits = [6]struct {
	typ   uint32
	width int
}{{1, 4}, {2, 4}, {3, 4}, {5, 8}, {15, 4}, {7, 4}}

// decodeTRv1 decodes a v1.0 report: the fixed header with its optional
// metadata words, then the inner packet (one report per packet).
func (d *Decoder) decodeTRv1(p []byte, rxTime uint64) ([]report.Report, Reason) {
	if len(p) < trV1MinHdrLen {
		return nil, ReasonTruncated
	}
	w := binary.BigEndian.Uint32(p)
	hdrLen := int(w>>24&0x0f) * 4
	nProt := w >> 21 & 7
	mdBits := uint8(w>>15) & 0x3f
	flags := uint8(w>>8&1)<<7 | uint8(w>>7&1)<<6 | uint8(w>>6&1)<<5
	if hdrLen < trV1MinHdrLen+4*bits.OnesCount8(mdBits) {
		return nil, ReasonBadLength
	}
	if len(p) < hdrLen {
		return nil, ReasonTruncated
	}
	r := d.newReport(0, rxTime)
	hop := r.NewHop()
	hop.NodeID = binary.BigEndian.Uint32(p[4:])
	hop.AddWide(4, p[12:16], 8) // ingress timestamp, 32 bits
	q := trV1MinHdrLen
	for i := 0; i < 6; i++ {
		if mdBits&(0x20>>i) != 0 {
			hop.AddWide(trV1MdBits[i].typ, p[q:q+4], trV1MdBits[i].width)
			q += 4
		}
	}
	var etype uint16
	switch nProt {
	case 0:
		r.PacketType = report.PacketEthernet
	case 1:
		r.PacketType, etype = report.PacketIPv4, etherIPv4
	case 2:
		r.PacketType, etype = report.PacketIPv6, etherIPv6
	}
	g := trGroup{version: 1, hwID: uint8(w & 0x3f), seq: binary.BigEndian.Uint32(p[8:]), nodeID: hop.NodeID}
	return d.finishTRv1(p[hdrLen:], etype, flags, &g, r)
}

// decodeTRv05 decodes a v0.5 report: the 12-byte fixed header, a drop
// (NProto 1) or switch-local (NProto 2) header, then Ethernet.
func (d *Decoder) decodeTRv05(p []byte, rxTime uint64) ([]report.Report, Reason) {
	if len(p) < trV05HdrLen {
		return nil, ReasonTruncated
	}
	w := binary.BigEndian.Uint32(p)
	nProto := w >> 24 & 0x0f
	flags := uint8(w>>23&1)<<7 | uint8(w>>22&1)<<6 | uint8(w>>21&1)<<5
	r := d.newReport(0, rxTime)
	hop := r.NewHop()
	q := trV05HdrLen
	switch nProto {
	case 0:
	case 1, 2:
		l := trV05DropLen
		if nProto == 2 {
			l = trV05LocalLen
		}
		if len(p) < q+l {
			return nil, ReasonTruncated
		}
		h := p[q : q+l]
		hop.NodeID = binary.BigEndian.Uint32(h)
		hop.Add(1, h[4:8]) // ingress + egress port id
		if nProto == 1 {
			hop.Add(15, h[8:12]) // queue id, drop reason, pad
		} else {
			hop.Add(3, h[8:12])         // queue id + occupancy
			hop.AddWide(5, h[12:16], 8) // egress timestamp, 32 bits
		}
		q += l
	default:
		return nil, ReasonUnsupported
	}
	hop.AddWide(4, p[8:12], 8) // ingress timestamp, 32 bits
	r.PacketType = report.PacketEthernet
	g := trGroup{version: 0, hwID: uint8(w & 0x3f), seq: binary.BigEndian.Uint32(p[4:]), nodeID: hop.NodeID}
	return d.finishTRv1(p[q:], 0, flags, &g, r)
}

// finishTRv1 decodes the inner packet of a v0.5/v1.0 report and adds the
// report-level keys.
func (d *Decoder) finishTRv1(inner []byte, etype uint16, flags uint8, g *trGroup, r *report.Report) ([]report.Report, Reason) {
	r.Truncated = d.truncate(inner)
	d.intSeen = false
	if why := d.decodeInner(inner, etype, r, flags&trFlagF != 0); why != ReasonOK {
		return nil, why
	}
	d.dropDuplicateSink(r, r.Hops[0].NumMD > 0)
	first := &r.Hops[0]
	d.addTRKeys(first, g, 0, flags)
	d.addINTKeys(first)
	d.keep(r)
	return d.reports[:1], ReasonOK
}
