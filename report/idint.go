package report

import "encoding/binary"

// SCION and ID-INT constants (ID-INT revision with NextHdr 253).
const (
	scionCommonLen   = 12
	scionAddrFixLen  = 16 // destination and source ISD-AS
	scionNextIDINT   = 253
	scionNextHBH     = 200
	scionNextE2E     = 201
	scionNextUDP     = 17
	scionNextTCP     = 6
	idintMainLen     = 20
	idintEntryHdrLen = 4
	idintNonceLen    = 12
	idintMACLen      = 4
)

// ID-INT metadata keys in Hop.metadata (see docs/formats.md). Variable
// metadata requested by instruction byte i is stored under IDINTKeyInstr+i;
// node id and ASN go to Hop.NodeID and Hop.ASN.
const (
	IDINTKeyInstr     = 0x100 // + instruction byte (0x00-0xff)
	IDINTKeyNodeCount = 0x201 // node count (2 bytes)
	IDINTKeyIngressIF = 0x202 // ingress device-level interface id (2 bytes)
	IDINTKeyEgressIF  = 0x203 // egress device-level interface id (2 bytes)
	IDINTKeyFlags     = 0x204 // entry flags byte S|I|E|A|C|000 and hop index (2 bytes)
	idintInstrASN     = 0x81
)

// decodeIDINT decodes the UDP payload of d.outer as a SCION packet with an
// ID-INT header.
func (d *Decoder) decodeIDINT(b []byte, rxTime uint64) ([]Report, Reason) {
	start, end, why := udpPayload(b, &d.outer)
	if why != ReasonOK {
		return nil, why
	}
	s := b[start:end]
	r := &d.reports[0]
	r.Reset()
	r.ReceiveTime = rxTime
	if why := decodeSCION(s, r); why != ReasonOK {
		return nil, why
	}
	r.PacketType = PacketSCION
	r.Truncated = d.truncate(s)
	return d.reports[:1], ReasonOK
}

// hostAddr stores a SCION host address of type t and length code l into a.
func hostAddr(a *Addr, t, l uint8, v []byte) {
	switch {
	case t == 0 && l == 0:
		a.SetIPv4(v)
	case t == 0 && l == 3:
		a.SetIPv6(v)
	}
}

// decodeSCION decodes the SCION common and address headers, skips the path
// and a hop-by-hop extension, and decodes ID-INT and the L4 ports.
func decodeSCION(s []byte, r *Report) Reason {
	if len(s) < scionCommonLen+scionAddrFixLen {
		return ReasonTruncated
	}
	if s[0]>>4 != 0 {
		return ReasonBadVersion
	}
	k := &r.Key
	k.FlowID = uint32(s[1]&0x0f)<<16 | uint32(s[2])<<8 | uint32(s[3])
	next := s[4]
	hdrLen := int(s[5]) * 4
	payloadLen := int(binary.BigEndian.Uint16(s[6:]))
	dt, dl, st, sl := s[9]>>6, (s[9]>>4)&3, (s[9]>>2)&3, s[9]&3
	k.DstAS = binary.BigEndian.Uint64(s[12:]) & (1<<48 - 1)
	k.SrcAS = binary.BigEndian.Uint64(s[20:]) & (1<<48 - 1)
	dlen, slen := 4*(int(dl)+1), 4*(int(sl)+1)
	addrEnd := scionCommonLen + scionAddrFixLen + dlen + slen
	if hdrLen < addrEnd {
		return ReasonBadLength
	}
	if len(s) < hdrLen {
		return ReasonTruncated
	}
	if hdrLen+payloadLen != len(s) {
		if hdrLen+payloadLen > len(s) {
			return ReasonTruncated
		}
		return ReasonBadLength
	}
	a := scionCommonLen + scionAddrFixLen
	hostAddr(&k.DstIP, dt, dl, s[a:a+dlen])
	hostAddr(&k.SrcIP, st, sl, s[a+dlen:a+dlen+slen])
	off := hdrLen
	if next == scionNextHBH {
		if len(s) < off+2 {
			return ReasonTruncated
		}
		next, off = s[off], off+4*(int(s[off+1])+1)
	}
	if next != scionNextIDINT {
		return ReasonNotINT
	}
	next, off, why := decodeIDINTHeader(s, off, r)
	if why != ReasonOK {
		return why
	}
	if next == scionNextE2E {
		if len(s) < off+2 {
			return ReasonTruncated
		}
		next, off = s[off], off+4*(int(s[off+1])+1)
	}
	switch next {
	case scionNextUDP:
		k.Protocol = ProtoUDP
	case scionNextTCP:
		k.Protocol = ProtoTCP
	default:
		return ReasonOK
	}
	if len(s) < off+4 {
		return ReasonTruncated
	}
	k.SrcPort = binary.BigEndian.Uint16(s[off:])
	k.DstPort = binary.BigEndian.Uint16(s[off+2:])
	return ReasonOK
}

// decodeIDINTHeader decodes the ID-INT main header and telemetry stack at
// s[off:] into r's hops (stack order: newest entry first, source entry
// last) and returns the next header type and its offset.
func decodeIDINTHeader(s []byte, off int, r *Report) (uint8, int, Reason) {
	if len(s) < off+idintMainLen {
		return 0, 0, ReasonTruncated
	}
	h := s[off:]
	if h[0]>>5 != 0 {
		return 0, 0, ReasonBadVersion
	}
	vrf := (h[1] >> 4) & 3
	vl := h[1] & 3
	stackLen := int(h[2]) * 4
	next := h[3]
	r.SourceTime = uint64(binary.BigEndian.Uint16(h[12:]))<<32 | uint64(binary.BigEndian.Uint32(h[14:]))
	p := off + idintMainLen
	switch vrf {
	case 0: // third-party verifier: ISD (2), AS (6), host address
		p += 8 + 4*(int(vl)+1)
	case 3:
		return 0, 0, ReasonUnsupported
	}
	end := p + stackLen
	if len(s) < end {
		return 0, 0, ReasonTruncated
	}
	if stackLen == 0 {
		return 0, 0, ReasonBadLength // the source entry is always present
	}
	var inst [4]uint8
	copy(inst[:], h[8:12])
	srcAS := r.Key.SrcAS
	for p < end {
		last, q, why := decodeIDINTEntry(s[:end], p, &inst, r)
		if why != ReasonOK {
			return 0, 0, why
		}
		hop := &r.Hops[r.NumHops-1]
		if q == end {
			if !last {
				return 0, 0, ReasonBadLength // last entry must be the source entry
			}
			if hop.ASN == 0 {
				hop.ASN = srcAS
			}
		} else if last {
			return 0, 0, ReasonBadLength // source entry before the end of the stack
		}
		p = q
	}
	return next, end, ReasonOK
}

// mdLen decodes a 3-bit ID-INT metadata length: 0xx -> 0, 1ll -> 2*(ll+1).
func mdLen(ml uint8) int {
	if ml&4 == 0 {
		return 0
	}
	return 2 * (int(ml&3) + 1)
}

// decodeIDINTEntry decodes the stack entry at s[p:] into a new hop of r and
// returns whether it is the source entry and the offset after it.
func decodeIDINTEntry(s []byte, p int, inst *[4]uint8, r *Report) (bool, int, Reason) {
	if len(s) < p+idintEntryHdrLen {
		return false, 0, ReasonBadLength
	}
	flags := s[p]
	mask := s[p+2] >> 4
	mls := uint16(s[p+2]&0x0f)<<8 | uint16(s[p+3])
	var ml [4]int
	for i := range ml {
		ml[i] = mdLen(uint8(mls>>(9-3*i)) & 7)
	}
	hop := r.NewHop()
	if hop == nil {
		return false, 0, ReasonTooManyHops
	}
	hop.Add(IDINTKeyFlags, s[p:p+2])
	q := p + idintEntryHdrLen
	encrypted := flags&0x08 != 0
	if encrypted {
		q += idintNonceLen
	}
	mdStart := q
	n := 0
	if mask&8 != 0 {
		n += 4
	}
	for _, bit := range [3]uint8{4, 2, 1} {
		if mask&bit != 0 {
			n += 2
		}
	}
	for _, l := range ml {
		n += l
	}
	padded := (n + 3) &^ 3
	q = mdStart + padded + idintMACLen
	if len(s) < q {
		return false, 0, ReasonBadLength
	}
	if !encrypted { // encrypted metadata is opaque: hop keeps only its flags
		m := mdStart
		if mask&8 != 0 {
			hop.NodeID = binary.BigEndian.Uint32(s[m:])
			m += 4
		}
		for i, key := range [3]uint32{IDINTKeyNodeCount, IDINTKeyIngressIF, IDINTKeyEgressIF} {
			if mask&(4>>i) != 0 {
				hop.Add(key, s[m:m+2])
				m += 2
			}
		}
		for i, l := range ml {
			if l == 0 {
				continue
			}
			v := s[m : m+l]
			m += l
			if inst[i] == idintInstrASN && l == 6 {
				hop.ASN = uint64(binary.BigEndian.Uint16(v))<<32 | uint64(binary.BigEndian.Uint32(v[2:]))
				continue
			}
			if !hop.Add(IDINTKeyInstr+uint32(inst[i]), v) {
				return false, 0, ReasonTooManyHops
			}
		}
	}
	return flags&0x80 != 0, q, ReasonOK
}
