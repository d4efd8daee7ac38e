package intdecode

import (
	"encoding/binary"
	"wire2kafka/report"
)

// SCION and ID-INT constants. Two wire revisions of ID-INT exist and are
// told apart by where they sit: the ID-INT header identified by NextHdr 253
// (netsys-lab/id-int-spec up to 001ae35) and the two hop-by-hop options 253
// (IdIntOption) and 254 (IdIntEntry) of 6bf0d81 and c3034dc.
const (
	scionCommonLen   = 12
	scionAddrFixLen  = 16 // destination and source ISD-AS
	scionNextIDINT   = 253
	scionNextHBH     = 200
	scionNextE2E     = 201
	scionNextUDP     = 17
	scionNextTCP     = 6
	idintMainLen     = 20 // old revision, without verifier
	idintEntryHdrLen = 4  // old revision: flags, hop, mask|ML
	idintNonceLen    = 12
	idintMACLen      = 4
	idintOptMain     = 253 // new revision: IdIntOption
	idintOptEntry    = 254 // new revision: IdIntEntry
	idintOptMainLen  = 22  // new revision, without verifier, with OptType/OptDataLen
	idintOptEntryHdr = 6   // new revision: OptType, OptDataLen, flags, hop, mask|ML
	hbhPad1          = 0
)

// ID-INT metadata keys in Hop.metadata (see docs/formats.md). Metadata of
// instruction byte i without a MetadataType equivalent is stored under
// IDINTKeyInstr+i; node id and ASN go to Hop.NodeID and Hop.ASN.
const (
	IDINTKeyInstr     = 0x100 // + instruction byte (0x00-0xff)
	IDINTKeyNodeCount = 0x201 // node count (2 bytes)
	IDINTKeyFlags     = 0x204 // entry flags byte S|I|E|A|C|000 and hop index (2 bytes)
	idintInstrASN     = 0x81
)

// idintStd maps an ID-INT instruction to the MetadataType with the same
// meaning (0: none). 0x4E/0x4F and 0x51/0x52 (queue and buffer) are
// combined into types 3 and 8 separately.
var idintStd = [256]uint8{
	0x82: 4, 0x83: 5, // ingress / egress timestamp (6 bytes, ns) -> 8 bytes
	0x4D: 7,                      // egress link tx utilisation
	0x4C: 22,                     // ingress link rx utilisation
	0x8A: 16, 0x8E: 17, 0x8C: 18, // ingress total packets, bytes, drops
	0x8B: 19, 0x8F: 20, 0x8D: 21, // egress total packets, bytes, drops
}

// idintMain is what the main header says about every entry, with the
// per-slot decisions made once per packet.
type idintMain struct {
	rev    uint8 // 0: NextHdr 253, 1: HBH option
	flags  uint8 // Ver|I|D|E|X|R as carried
	modVrf uint8 // Mod|Vrf|VT|VL as carried
	delay  uint8 // DelayHops byte
	instAF [2]byte
	inst   [4]uint8
	newML  bool // ML is length/2 (c3034dc) instead of 0xx/1ll
	// Per slot: the key of a plain value (MetadataType or 0x100+inst),
	// the key when the value is an aggregate other than first/last
	// (always 0x100+inst), and the slot's role.
	plainKey, aggKey [4]uint32
	role             [4]uint8
	prepared         bool
}

// Roles of an instruction slot.
const (
	slotPrivate = iota // stored under 0x100+instruction
	slotStd            // stored under its MetadataType
	slotWide           // timestamp: MetadataType 4/5, zero-extended to 8 bytes
	slotASN            // Hop.asn
	slotQueueID        // also feeds QUEUE_OCCUPANCY
	slotQueueLen
	slotBufID // also feeds BUFFER_OCCUPANCY
	slotBufLen
)

// prepare makes the per-slot decisions of m's instructions.
func (m *idintMain) prepare() {
	m.prepared = true
	for i, inst := range m.inst {
		m.aggKey[i] = IDINTKeyInstr + uint32(inst)
		m.plainKey[i] = m.aggKey[i]
		m.role[i] = slotPrivate
		switch std := idintStd[inst]; {
		case inst == idintInstrASN:
			m.role[i] = slotASN
		case std == 4 || std == 5:
			m.role[i], m.plainKey[i] = slotWide, uint32(std)
		case std != 0:
			m.role[i], m.plainKey[i] = slotStd, uint32(std)
		case inst == 0x4E:
			m.role[i] = slotQueueID
		case inst == 0x4F:
			m.role[i] = slotQueueLen
		case inst == 0x51:
			m.role[i] = slotBufID
		case inst == 0x52:
			m.role[i] = slotBufLen
		}
	}
}

// aggregated reports whether slot i of an entry with flags holds an
// aggregate other than first/last, so it is not the plain measurement its
// instruction names.
func (m *idintMain) aggregated(flags uint8, i int) bool {
	if flags&0x10 == 0 && m.modVrf>>6 == 0 {
		return false
	}
	af := binary.BigEndian.Uint16(m.instAF[:]) >> (9 - 3*i) & 7
	return af > 1
}

// decodeIDINT decodes the UDP payload of d.outer as a SCION packet with
// ID-INT.
func (d *Decoder) decodeIDINT(b []byte, rxTime uint64) ([]report.Report, Reason) {
	start, end, why := udpPayload(b, &d.outer)
	if why != ReasonOK {
		return nil, why
	}
	s := b[start:end]
	r := d.newReport(0, rxTime)
	if why := d.decodeSCION(s, r); why != ReasonOK {
		return nil, why
	}
	r.PacketType = report.PacketSCION
	r.Truncated = d.truncate(s)
	d.keep(r)
	return d.reports[:1], ReasonOK
}

// hostAddr stores a SCION host address of type t and length code l into a.
func hostAddr(a *report.Addr, t, l uint8, v []byte) {
	switch {
	case t == 0 && l == 0:
		a.SetIPv4(v)
	case t == 0 && l == 3:
		a.SetIPv6(v)
	}
}

// decodeSCION decodes the SCION common and address headers, skips the
// path, finds ID-INT (HBH options or NextHdr 253), skips an end-to-end
// extension and reads the L4 ports.
func (d *Decoder) decodeSCION(s []byte, r *report.Report) Reason {
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
		// s is the whole UDP payload (its length checked against the
		// frame), so a SCION length that disagrees is bad, not cut.
		return ReasonBadLength
	}
	a := scionCommonLen + scionAddrFixLen
	hostAddr(&k.DstIP, dt, dl, s[a:a+dlen])
	hostAddr(&k.SrcIP, st, sl, s[a+dlen:a+dlen+slen])
	off := hdrLen
	found := false
	if next == scionNextHBH {
		if len(s) < off+2 {
			return ReasonTruncated
		}
		hbhEnd := off + 4*(int(s[off+1])+1)
		if len(s) < hbhEnd {
			return ReasonTruncated
		}
		var why Reason
		if found, why = d.decodeIDINTOptions(s[:hbhEnd], off+2, r); why != ReasonOK {
			return why
		}
		next, off = s[off], hbhEnd
	}
	if !found {
		if next != scionNextIDINT {
			return ReasonNotINT
		}
		var why Reason
		if next, off, why = d.decodeIDINTHeader(s, off, r); why != ReasonOK {
			return why
		}
	}
	if next == scionNextE2E {
		if len(s) < off+2 {
			return ReasonTruncated
		}
		next, off = s[off], off+4*(int(s[off+1])+1)
	}
	switch next {
	case scionNextUDP:
		k.Protocol = report.ProtoUDP
	case scionNextTCP:
		k.Protocol = report.ProtoTCP
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

// verifierLen returns the length of the verifier address fields for the
// Mod|Vrf|VT|VL byte, or -1 for the reserved Vrf 3.
func verifierLen(modVrf uint8) int {
	switch (modVrf >> 4) & 3 {
	case 0: // third party: ISD (2), AS (6), host address
		return 8 + 4*(int(modVrf&3)+1)
	case 3:
		return -1
	}
	return 0
}

// decodeIDINTHeader decodes the old-revision ID-INT header and stack at
// s[off:] into r's hops (stack order: newest entry first, source entry
// last) and returns the next header type and its offset.
func (d *Decoder) decodeIDINTHeader(s []byte, off int, r *report.Report) (uint8, int, Reason) {
	if len(s) < off+idintMainLen {
		return 0, 0, ReasonTruncated
	}
	h := s[off:]
	if h[0]>>5 != 0 {
		return 0, 0, ReasonBadVersion
	}
	m := idintMain{rev: 0, flags: h[0], modVrf: h[1], delay: h[4], instAF: [2]byte{h[6], h[7]}, inst: [4]uint8{h[8], h[9], h[10], h[11]}}
	if !d.cfg.StackInFrame { // else per layout built (idintRecord)
		m.prepare()
	}
	stackLen := int(h[2]) * 4
	next := h[3]
	r.SourceTime = uint64(binary.BigEndian.Uint16(h[12:]))<<32 | uint64(binary.BigEndian.Uint32(h[14:]))
	vl := verifierLen(m.modVrf)
	if vl < 0 {
		return 0, 0, ReasonUnsupported
	}
	p := off + idintMainLen + vl
	end := p + stackLen
	if len(s) < end {
		return 0, 0, ReasonTruncated
	}
	if stackLen == 0 {
		return 0, 0, ReasonBadLength // the source entry is always present
	}
	srcAS := r.Key.SrcAS
	d.idN = 0
	for p < end {
		last, q, why := d.decodeIDINTEntry(s[:end], p, idintEntryHdrLen, &m, r)
		if why != ReasonOK {
			return 0, 0, why
		}
		if q == end {
			if !last {
				return 0, 0, ReasonBadLength // last entry must be the source entry
			}
			if d.idN == 0 && r.Hops[r.NumHops-1].ASN == 0 {
				r.Hops[r.NumHops-1].ASN = srcAS
			}
		} else if last {
			return 0, 0, ReasonBadLength // source entry before the end of the stack
		}
		p = q
	}
	if d.idN > 0 {
		d.idintStack(s, srcAS, &m, false, r)
	} else {
		addIDINTKeys(&r.Hops[0], &m)
	}
	return next, end, ReasonOK
}

// decodeIDINTOptions walks the hop-by-hop options in s[p:] (s ends with
// the extension) for the new-revision IdIntOption. It reports whether one
// was found; the stack's hops are appended newest first.
func (d *Decoder) decodeIDINTOptions(s []byte, p int, r *report.Report) (bool, Reason) {
	for p < len(s) {
		if s[p] == hbhPad1 {
			p++
			continue
		}
		if len(s) < p+2 {
			return false, ReasonTruncated
		}
		if s[p] == idintOptMain {
			return true, d.decodeIDINTOption(s, p, r)
		}
		p += 2 + int(s[p+1])
	}
	return false, ReasonOK
}

// decodeIDINTOption decodes the IdIntOption at s[o:] and its stack of
// IdIntEntry options. Lengths are computed from the fields, never from
// OptDataLen (implementations disagree whether it counts its own 2 bytes).
func (d *Decoder) decodeIDINTOption(s []byte, o int, r *report.Report) Reason {
	if len(s) < o+idintOptMainLen {
		return ReasonTruncated
	}
	h := s[o:]
	if h[2]>>5 != 0 {
		return ReasonBadVersion
	}
	m := idintMain{rev: 1, flags: h[2], modVrf: h[3], delay: h[6], instAF: [2]byte{h[8], h[9]}, inst: [4]uint8{h[10], h[11], h[12], h[13]}, newML: true}
	if !d.cfg.StackInFrame { // else per layout built (idintRecord)
		m.prepare()
	}
	stackLen, tos := int(h[4])*4, int(h[5])*4
	r.SourceTime = uint64(binary.BigEndian.Uint16(h[14:]))<<32 | uint64(binary.BigEndian.Uint32(h[16:]))
	vl := verifierLen(m.modVrf)
	if vl < 0 {
		return ReasonUnsupported
	}
	start := o + idintOptMainLen + vl
	end := start + stackLen
	if len(s) < end {
		return ReasonTruncated
	}
	if stackLen == 0 || tos >= stackLen {
		return ReasonBadLength // the source entry is always present
	}
	first := r.NumHops
	d.idN = 0
	for p := start; ; {
		if len(s[:end]) < p+2 || s[p] != idintOptEntry {
			return ReasonBadLength
		}
		src, q, why := d.decodeIDINTEntry(s[:end], p+2, idintOptEntryHdr-2, &m, r)
		if why != ReasonOK {
			return why
		}
		if src != (p == start) {
			return ReasonBadLength // the source entry is the first, and only it
		}
		if p-start == tos {
			break // the most recent entry
		}
		if q-start > tos {
			return ReasonBadLength // no entry starts at TOS
		}
		p = q
	}
	if d.idN > 0 {
		d.idintStack(s, r.Key.SrcAS, &m, true, r)
		return ReasonOK
	}
	// Packet order is source first; hops are newest first.
	hs := r.Hops[first:r.NumHops]
	for i, j := 0, len(hs)-1; i < j; i, j = i+1, j-1 {
		hs[i], hs[j] = hs[j], hs[i]
	}
	src := &r.Hops[r.NumHops-1]
	if src.ASN == 0 {
		src.ASN = r.Key.SrcAS
	}
	addIDINTKeys(&r.Hops[first], &m)
	return ReasonOK
}

// addIDINTKeys puts the main header keys on hop h.
func addIDINTKeys(h *report.Hop, m *idintMain) {
	h.Add(report.KeyIDINTMain, []byte{m.rev, m.flags, m.modVrf, m.delay})
	h.Add(report.KeyIDINTInstr, []byte{m.instAF[0], m.instAF[1], m.inst[0], m.inst[1], m.inst[2], m.inst[3]})
}

// mdLen decodes a 3-bit ID-INT metadata length: old revision 0xx -> 0,
// 1ll -> 2*(ll+1); new revision (c3034dc) length/2, 0-4 (above: -1).
func mdLen(ml uint8, newML bool) int {
	if newML {
		if ml > 4 {
			return -1
		}
		return 2 * int(ml)
	}
	if ml&4 == 0 {
		return 0
	}
	return 2 * (int(ml&3) + 1)
}

// decodeIDINTEntry decodes the stack entry whose flags byte is at s[p:]
// (hdr bytes of flags, hop and mask/ML; the new revision's option type and
// length precede p) into a new hop of r. It returns whether it is the
// source entry and the offset after it (after its MAC).
func (d *Decoder) decodeIDINTEntry(s []byte, p, hdr int, m *idintMain, r *report.Report) (bool, int, Reason) {
	if len(s) < p+hdr {
		return false, 0, ReasonBadLength
	}
	flags := s[p]
	mask := s[p+2] >> 4
	mls := uint16(s[p+2]&0x0f)<<8 | uint16(s[p+3])
	var ml [4]int
	n := 0
	for i := range ml {
		ml[i] = mdLen(uint8(mls>>(9-3*i))&7, m.newML)
		if ml[i] < 0 {
			return false, 0, ReasonBadLength
		}
		n += ml[i]
	}
	var hop *report.Hop
	if d.cfg.StackInFrame {
		if r.NumHops+d.idN >= min(len(r.Hops), report.MaxHops) {
			return false, 0, ReasonTooManyHops // where NewHop fails
		}
	} else if hop = r.NewHop(); hop == nil {
		return false, 0, ReasonTooManyHops
	} else {
		hop.Add(IDINTKeyFlags, s[p:p+2])
	}
	q := p + hdr
	encrypted := flags&0x08 != 0
	if encrypted {
		q += idintNonceLen
	}
	mdStart := q
	if mask&8 != 0 {
		n += 4
	}
	for _, bit := range [3]uint8{4, 2, 1} {
		if mask&bit != 0 {
			n += 2
		}
	}
	// Padding to a multiple of 4 from the entry start (old: flags byte;
	// new: the option type two bytes before it).
	pad := -(q - p + n) & 3
	if m.newML {
		pad = -(q - p + 2 + n) & 3
	}
	q = mdStart + n + pad + idintMACLen
	if len(s) < q {
		return false, 0, ReasonBadLength
	}
	if hop == nil {
		d.idintRecord(p, mdStart, mask, mls, &ml, flags, m)
		return flags&0x80 != 0, q, ReasonOK
	}
	if !encrypted { // encrypted metadata is opaque: hop keeps only its flags
		if why := idintMetadata(s[mdStart:mdStart+n], mask, &ml, flags, m, hop); why != ReasonOK {
			return false, 0, why
		}
	}
	return flags&0x80 != 0, q, ReasonOK
}

// idintMetadata stores an entry's metadata v into hop: node id, node
// count, interfaces as MetadataType 1, and the four instruction slots
// under their MetadataType equivalent or IDINTKeyInstr+instruction.
func idintMetadata(v []byte, mask uint8, ml *[4]int, flags uint8, m *idintMain, hop *report.Hop) Reason {
	if mask&8 != 0 {
		hop.NodeID = binary.BigEndian.Uint32(v)
		v = v[4:]
	}
	if mask&4 != 0 {
		hop.Add(IDINTKeyNodeCount, v[:2])
		v = v[2:]
	}
	if mask&3 != 0 { // ingress and egress device-level interface -> INTERFACE_LEVEL1
		ifs := uint64(0xffffffff)
		if mask&2 != 0 {
			ifs = ifs&0x0000ffff | uint64(binary.BigEndian.Uint16(v))<<16
			v = v[2:]
		}
		if mask&1 != 0 {
			ifs = ifs&0xffff0000 | uint64(binary.BigEndian.Uint16(v))
			v = v[2:]
		}
		hop.AddUint(1, 4, ifs)
	}
	var queueID, queueLen, bufID, bufLen []byte
	for i := range 4 {
		l := ml[i]
		if l == 0 {
			continue
		}
		val := v[:l]
		v = v[l:]
		role := m.role[i]
		if role != slotPrivate && role != slotASN && m.aggregated(flags, i) {
			if !hop.Add(m.aggKey[i], val) {
				return ReasonTooManyHops
			}
			continue
		}
		ok := true
		switch role {
		case slotASN:
			if l == 6 {
				hop.ASN = uint64(binary.BigEndian.Uint16(val))<<32 | uint64(binary.BigEndian.Uint32(val[2:]))
			} else {
				ok = hop.Add(m.aggKey[i], val)
			}
		case slotWide:
			ok = hop.AddWide(m.plainKey[i], val, 8)
		case slotQueueID:
			queueID, ok = val, hop.Add(m.aggKey[i], val)
		case slotQueueLen:
			queueLen, ok = val, hop.Add(m.aggKey[i], val)
		case slotBufID:
			bufID, ok = val, hop.Add(m.aggKey[i], val)
		case slotBufLen:
			bufLen, ok = val, hop.Add(m.aggKey[i], val)
		default:
			ok = hop.Add(m.plainKey[i], val)
		}
		if !ok {
			return ReasonTooManyHops
		}
	}
	if queueID != nil && queueLen != nil {
		occupancy(hop, 3, queueID, queueLen)
	}
	if bufID != nil && bufLen != nil {
		occupancy(hop, 8, bufID, bufLen)
	}
	return ReasonOK
}

// occupancy stores id (at most 255) and length (saturated to 24 bits) as
// the 4-byte MetadataType typ (QUEUE_OCCUPANCY or BUFFER_OCCUPANCY).
func occupancy(hop *report.Hop, typ uint32, id, length []byte) {
	if id == nil || length == nil {
		return
	}
	i, n := beUint(id), beUint(length)
	if i > 0xff {
		return
	}
	n = min(n, 0xffffff)
	hop.AddUint(typ, 4, i<<24|n)
}

// beUint reads up to 8 big-endian bytes.
func beUint(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}
