package intdecode

import "encoding/binary"

// IP protocol numbers and EtherTypes used by the parsers.
const (
	ipProtoTCP   = 6
	ipProtoUDP   = 17
	etherIPv4    = 0x0800
	etherIPv6    = 0x86dd
	etherVLAN    = 0x8100
	etherQinQ    = 0x88a8
	ethHdrLen    = 14
	udpHdrLen    = 8
	maxVLANTags  = 2
	ipv6HdrLen   = 40
	ipv4MinHdr   = 20
	tcpMinHdrLen = 20
)

// FiveTuple is the 5-tuple of a packet's outer IP header, the ACL input,
// plus where its layers start. IPv4 addresses are in SrcIP[0:4].
type FiveTuple struct {
	IPv6      bool
	SrcIP     [16]byte
	DstIP     [16]byte
	Proto     uint8 // IP protocol number (after IPv6 extension headers)
	SrcPort   uint16
	DstPort   uint16
	DSCP      uint8 // 6-bit DSCP
	L3Offset  int   // start of the IP header
	L4Offset  int   // start of the L4 header
	L4End     int   // end of the IP payload (bounded by the frame)
	Fragment  bool  // non-first fragment: no L4 header
	HasPorts  bool  // SrcPort and DstPort are valid (TCP or UDP)
	HdrLenL4  int   // L4 header length when HasPorts (8 for UDP, data offset for TCP)
	ipPayload int   // declared IP payload end (may exceed the frame)
}

// ParseFiveTuple parses the Ethernet frame (up to two VLAN tags, IPv4 or
// IPv6, TCP or UDP) into t. It never allocates and never panics; it returns
// ReasonNotINT for non-IP frames, ReasonTruncated or ReasonBadLength for
// broken headers. Safe for concurrent use on distinct t.
func ParseFiveTuple(frame []byte, t *FiveTuple) Reason {
	off, etype, why := skipEthernet(frame)
	if why != ReasonOK {
		return why
	}
	return parseL3(frame, off, etype, t, true)
}

// skipEthernet returns the offset and EtherType of the L3 header.
func skipEthernet(b []byte) (int, uint16, Reason) {
	if len(b) < ethHdrLen {
		return 0, 0, ReasonTruncated
	}
	off := 12
	etype := binary.BigEndian.Uint16(b[off:])
	for i := 0; i < maxVLANTags && (etype == etherVLAN || etype == etherQinQ); i++ {
		off += 4
		if len(b) < off+2 {
			return 0, 0, ReasonTruncated
		}
		etype = binary.BigEndian.Uint16(b[off:])
	}
	return off + 2, etype, ReasonOK
}

// parseL3 parses IPv4/IPv6 and TCP/UDP ports at b[off:]. With strict set,
// IP lengths must fit the frame (outer packet); otherwise the packet may be
// cut anywhere after the headers read (truncated inner packet), but the
// headers themselves must be present.
func parseL3(b []byte, off int, etype uint16, t *FiveTuple, strict bool) Reason {
	*t = FiveTuple{L3Offset: off}
	switch etype {
	case etherIPv4:
		if len(b) < off+ipv4MinHdr {
			return ReasonTruncated
		}
		if b[off]>>4 != 4 {
			return ReasonBadVersion
		}
		ihl := int(b[off]&0x0f) * 4
		if ihl < ipv4MinHdr {
			return ReasonBadLength
		}
		if len(b) < off+ihl {
			return ReasonTruncated
		}
		total := int(binary.BigEndian.Uint16(b[off+2:]))
		if total < ihl {
			return ReasonBadLength
		}
		t.DSCP = b[off+1] >> 2
		t.Proto = b[off+9]
		copy(t.SrcIP[:4], b[off+12:off+16])
		copy(t.DstIP[:4], b[off+16:off+20])
		t.Fragment = binary.BigEndian.Uint16(b[off+6:])&0x1fff != 0
		t.L4Offset = off + ihl
		t.ipPayload = off + total
	case etherIPv6:
		if len(b) < off+ipv6HdrLen {
			return ReasonTruncated
		}
		if b[off]>>4 != 6 {
			return ReasonBadVersion
		}
		t.IPv6 = true
		t.DSCP = (b[off]&0x0f)<<2 | b[off+1]>>6
		copy(t.SrcIP[:], b[off+8:off+24])
		copy(t.DstIP[:], b[off+24:off+40])
		t.ipPayload = off + ipv6HdrLen + int(binary.BigEndian.Uint16(b[off+4:]))
		nh := b[off+6]
		p := off + ipv6HdrLen
		// Skip hop-by-hop, routing and destination options headers.
		for i := 0; i < 4 && (nh == 0 || nh == 43 || nh == 60); i++ {
			if len(b) < p+8 {
				return ReasonTruncated
			}
			nh, p = b[p], p+8*(1+int(b[p+1]))
		}
		if nh == 44 { // fragment header
			if len(b) < p+8 {
				return ReasonTruncated
			}
			t.Fragment = binary.BigEndian.Uint16(b[p+2:])&0xfff8 != 0
			nh, p = b[p], p+8
		}
		t.Proto = nh
		t.L4Offset = p
	default:
		return ReasonNotINT
	}
	if strict && t.ipPayload > len(b) {
		return ReasonTruncated
	}
	if t.L4Offset > t.ipPayload {
		return ReasonBadLength
	}
	t.L4End = min(t.ipPayload, len(b))
	if t.Fragment {
		return ReasonOK
	}
	p := t.L4Offset
	switch t.Proto {
	case ipProtoUDP:
		if len(b) < p+udpHdrLen {
			return ReasonTruncated
		}
		t.HdrLenL4 = udpHdrLen
	case ipProtoTCP:
		if len(b) < p+tcpMinHdrLen {
			return ReasonTruncated
		}
		t.HdrLenL4 = int(b[p+12]>>4) * 4
		if t.HdrLenL4 < tcpMinHdrLen {
			return ReasonBadLength
		}
	default:
		return ReasonOK
	}
	t.HasPorts = true
	t.SrcPort = binary.BigEndian.Uint16(b[p:])
	t.DstPort = binary.BigEndian.Uint16(b[p+2:])
	return ReasonOK
}

// Outer is a frame's outer headers as ParseFiveTuple found them, in 8
// bytes: a stage that parsed them already (the ACL worker) hands it on with
// the packet, so the stages after it do not parse them again
// (Decoder.DecodeOuter, Decoder.DispatchHashesOuter). Addresses and ports
// are read back from the frame at these offsets.
type Outer struct {
	L4Offset uint16 // FiveTuple.L4Offset
	L4End    uint16 // FiveTuple.L4End
	Proto    uint8  // FiveTuple.Proto
	HasPorts bool   // FiveTuple.HasPorts
	L3Offset uint8  // FiveTuple.L3Offset (at most 14 + 2 VLAN tags)
	IPv6     bool   // FiveTuple.IPv6
}

// Outer returns t in its short form. A frame has at most 65535 bytes (an
// mbuf's data length), so the offsets fit.
func (t *FiveTuple) Outer() Outer {
	return Outer{L4Offset: uint16(t.L4Offset), L4End: uint16(t.L4End), Proto: t.Proto, HasPorts: t.HasPorts,
		L3Offset: uint8(t.L3Offset), IPv6: t.IPv6}
}

// load sets the fields of t that the decoders and the dispatch read (the
// addresses only with addrs) from o and frame. It reports false when o
// does not fit frame (o did not come from ParseFiveTuple of frame).
func (t *FiveTuple) load(frame []byte, o Outer, addrs bool) bool {
	l3, l4, end := int(o.L3Offset), int(o.L4Offset), int(o.L4End)
	if l4 > end || end > len(frame) || (o.HasPorts && l4+4 > end) {
		return false
	}
	t.Proto, t.HasPorts, t.L3Offset, t.L4Offset, t.L4End, t.IPv6 = o.Proto, o.HasPorts, l3, l4, end, o.IPv6
	t.SrcPort, t.DstPort = 0, 0
	if o.HasPorts {
		t.SrcPort = binary.BigEndian.Uint16(frame[l4:])
		t.DstPort = binary.BigEndian.Uint16(frame[l4+2:])
	}
	if !addrs {
		return true
	}
	if o.IPv6 {
		if l3+ipv6HdrLen > len(frame) {
			return false
		}
		copy(t.SrcIP[:], frame[l3+8:l3+24])
		copy(t.DstIP[:], frame[l3+24:l3+40])
		return true
	}
	if l3+ipv4MinHdr > len(frame) {
		return false
	}
	t.SrcIP, t.DstIP = [16]byte{}, [16]byte{}
	copy(t.SrcIP[:4], frame[l3+12:l3+16])
	copy(t.DstIP[:4], frame[l3+16:l3+20])
	return true
}

// udpPayload returns the UDP payload bounds of a strictly parsed outer
// packet, checking the UDP length field.
func udpPayload(b []byte, t *FiveTuple) (int, int, Reason) {
	if t.Proto != ipProtoUDP || !t.HasPorts {
		return 0, 0, ReasonNotINT
	}
	ulen := int(binary.BigEndian.Uint16(b[t.L4Offset+4:]))
	if ulen < udpHdrLen {
		return 0, 0, ReasonBadLength
	}
	end := t.L4Offset + ulen
	if end > t.L4End {
		return 0, 0, ReasonTruncated
	}
	return t.L4Offset + udpHdrLen, end, ReasonOK
}
