package intdecode

import (
	"encoding/binary"
	"math/bits"
	"wire2kafka/report"
)

// INT shim and INT-MD header constants (INT v2.1 sections 5.7.2 and 5.8;
// INT v1.0 for the older layout).
const (
	intShimLen     = 4
	intMDHdrLen    = 12 // v2.x: Ver..RHC, bitmap, DS ID, DS Instruction, DS Flags
	intV1HdrLen    = 8  // v1.0: Ver..RHC, bitmap, reserved
	intShimTypeMD  = 1  // v2.x shim Type 1: INT-MD (carries a stack)
	intV1ShimHbH   = 1  // v1.0 shim Type 1: hop-by-hop (carries a stack)
	intNPTUDPPort  = 1  // original UDP dst port in shim bytes 2-3
	intNPTInserted = 2  // inserted UDP header; original IP protocol in shim byte 3
)

// INT-MD instruction bits (bit 0 is the most significant bit of the
// 16-bit instruction bitmap) and what they become in a Hop. Bits 9-14 are
// reserved, 4 bytes each ("may be used for a 4B metadata in a subsequent
// minor version", section 5.8): skipped. Bit 15, the checksum complement,
// is skipped too.
type intInstr struct {
	len2, len1 uint8  // value length in INT v2.x and v1.0
	typ        uint32 // MetadataType; 0 for node id (Hop.NodeID) and skipped values
}

var intInstrs = [16]intInstr{
	0: {4, 4, 0}, // node id -> Hop.NodeID
	1: {4, 4, 1}, // level 1 ingress+egress interface
	2: {4, 4, 2}, // hop latency
	3: {4, 4, 3}, // queue id + occupancy
	4: {8, 4, 4}, // ingress timestamp (v1.0: 4 bytes, zero-extended)
	5: {8, 4, 5}, // egress timestamp
	6: {8, 8, 6}, // level 2 ingress+egress interface
	7: {4, 4, 7}, // egress port tx utilization
	8: {4, 4, 8}, // buffer id + occupancy
	9: {4, 4, 0}, 10: {4, 4, 0}, 11: {4, 4, 0}, 12: {4, 4, 0}, 13: {4, 4, 0}, 14: {4, 4, 0},
	15: {4, 4, 0}, // checksum complement
}

// width returns the value length of the instruction in INT v1.0 (v1) or
// v2.x.
func (in *intInstr) width(v1 bool) int {
	if v1 {
		return int(in.len1)
	}
	return int(in.len2)
}

// intHopLen returns the baseline per-hop metadata length in bytes.
func intHopLen(bitmap uint16, v1 bool) int {
	n := 0
	for bm := bitmap; bm != 0; {
		i := bits.LeadingZeros16(bm) // set bits only, most significant first
		bm &^= 0x8000 >> i
		n += intInstrs[i].width(v1)
	}
	return n
}

// parseINT parses the INT shim at b[off:] (just after the inner packet's
// L4 header), corrects r.Key by the shim's NPT, and appends one hop per
// stack entry, most recent first. The INT version comes from the shim:
// a v2.x shim has its Type in the high nibble (1-3), a v1.0 shim has an
// 8-bit Type (1 or 2). A stack cut by truncation keeps its complete hops
// (counted in Stats.PartialStacks); a header that fails validation fails
// the report.
func (d *Decoder) parseINT(b []byte, off int, r *report.Report) Reason {
	if len(b) < off+intShimLen {
		d.stats.PartialStacks++
		return ReasonOK
	}
	shim := b[off : off+intShimLen]
	if shim[0]>>4 == 0 {
		return d.parseINTv1(b, off, r)
	}
	typ, npt := shim[0]>>4, (shim[0]>>2)&3
	end := off + intShimLen + int(shim[1])*4 // v2.x Length excludes the shim
	k := &r.Key
	switch npt {
	case intNPTUDPPort: // section 5.7.2: the sink restores the original UDP port
		k.DstPort = binary.BigEndian.Uint16(shim[2:])
	case intNPTInserted: // the UDP header before the shim was inserted
		k.SrcPort, k.DstPort = 0, 0
		switch shim[3] {
		case ipProtoTCP:
			k.Protocol = report.ProtoTCP
		case ipProtoUDP:
			k.Protocol = report.ProtoUDP
		default:
			k.Protocol = report.ProtoNone
		}
		if k.Protocol != report.ProtoNone && len(b) >= end+4 {
			k.SrcPort = binary.BigEndian.Uint16(b[end:])
			k.DstPort = binary.BigEndian.Uint16(b[end+2:])
		}
	}
	if d.keyOnly {
		return ReasonOK // the key is complete
	}
	switch typ {
	case intShimTypeMD:
	case 2, 3:
		return ReasonOK // INT-Destination and INT-MX carry no stack
	default:
		return ReasonBadVersion // reserved shim type
	}
	if int(shim[1])*4 < intMDHdrLen {
		return ReasonBadLength
	}
	hs := off + intShimLen
	if len(b) < hs+intMDHdrLen {
		d.stats.PartialStacks++
		return ReasonOK
	}
	h := b[hs : hs+intMDHdrLen]
	if h[0]>>4 != 2 {
		return ReasonBadVersion
	}
	hopML := int(h[2]&0x1f) * 4
	bitmap := binary.BigEndian.Uint16(h[4:])
	dsID := binary.BigEndian.Uint16(h[6:])
	d.intSeen = true
	// Type, NPT, version 2, D<<2|E<<1|M, Hop ML, then Remaining Hop Count
	// and the bitmap as they are (h[3:6]); DS ID, Instruction, Flags (h[6:12]).
	d.intHdr = uint64(typ)<<56 | uint64(npt)<<48 | 2<<40 | uint64((h[0]>>1)&7)<<32 | uint64(h[2]&0x1f)<<24 |
		uint64(binary.BigEndian.Uint32(h[2:6])&0xffffff)
	d.intDS = binary.BigEndian.Uint64(h[4:12]) & (1<<48 - 1)
	stackLen := end - (hs + intMDHdrLen)
	for _, s := range d.cfg.SourceOnly {
		if s.DomainID == dsID && dsID != 0 && binary.BigEndian.Uint16(h[8:]) != 0 {
			stackLen -= s.Bytes // source-only metadata below the hops
			break
		}
	}
	if stackLen < 0 {
		return ReasonBadLength
	}
	return d.parseStack(b, hs+intMDHdrLen, stackLen, hopML, bitmap, false, r)
}

// parseINTv1 parses an INT v1.0 shim (Type 8 bits, Reserved, Length in
// words including the shim, DSCP) and its 8-byte header and stack.
func (d *Decoder) parseINTv1(b []byte, off int, r *report.Report) Reason {
	if d.keyOnly {
		return ReasonOK // INT v1.0 has no NPT: the key is complete
	}
	shim := b[off : off+intShimLen]
	switch shim[0] {
	case intV1ShimHbH:
	case 2:
		return ReasonOK // destination header: no stack
	default:
		return ReasonBadVersion // not an INT v1.0 shim type
	}
	if int(shim[2])*4 < intShimLen+intV1HdrLen {
		return ReasonBadLength
	}
	end := off + int(shim[2])*4
	hs := off + intShimLen
	if len(b) < hs+intV1HdrLen {
		d.stats.PartialStacks++
		return ReasonOK
	}
	h := b[hs : hs+intV1HdrLen]
	if h[0]>>4 != 1 {
		return ReasonBadVersion
	}
	hopML := int(h[2]&0x1f) * 4
	bitmap := binary.BigEndian.Uint16(h[4:])
	d.intSeen = true
	d.intHdr = uint64(shim[0])<<56 | 1<<40 | uint64((h[0]&1)<<1|h[1]>>7)<<32 | uint64(h[2]&0x1f)<<24 | // v1.0 flags: E<<1|M (no D)
		uint64(binary.BigEndian.Uint32(h[2:6])&0xffffff)
	d.intDS = 0
	return d.parseStack(b, hs+intV1HdrLen, end-(hs+intV1HdrLen), hopML, bitmap, true, r)
}

// parseStack appends the hops of the stack of stackLen bytes at b[p:].
// Hop ML is the stride; bytes beyond the baseline metadata of a hop are
// domain-specific and skipped; a remainder shorter than a hop is not a hop.
func (d *Decoder) parseStack(b []byte, p, stackLen, hopML int, bitmap uint16, v1 bool, r *report.Report) Reason {
	if hopML == 0 {
		if stackLen != 0 {
			return ReasonBadLength
		}
		return ReasonOK
	}
	if intHopLen(bitmap, v1) > hopML {
		return ReasonBadLength
	}
	n := stackLen / hopML
	if d.cfg.StackInFrame {
		return d.stackInFrame(b, p, n, hopML, bitmap, v1, r)
	}
	for i := 0; i < n; i++ {
		q := p + i*hopML
		if q+hopML > len(b) {
			d.stats.PartialStacks++ // cut by the reporting switch's truncation
			return ReasonOK
		}
		hop := r.NewHop()
		if hop == nil {
			return ReasonTooManyHops
		}
		for bm := bitmap; bm != 0; {
			j := bits.LeadingZeros16(bm) & 15
			bm &^= 0x8000 >> j
			in := &intInstrs[j]
			l := in.width(v1)
			x := beUintAt(b, q, l)
			q += l
			switch {
			case x == ^uint64(0)>>(64-8*uint(l)): // all ones: "unavailable" (a node id stays 0, unknown)
			case j == 0:
				hop.NodeID = uint32(x)
			case in.typ == 0: // skipped
			default:
				if !hop.AddBE(d.intEntries[j], x) { // zero-extended to the v2 width
					return ReasonTooManyHops
				}
			}
		}
	}
	return ReasonOK
}

// stackInFrame is parseStack for Config.StackInFrame: it checks the same
// limits and records the n hops of hopML bytes at b[p:] (as many as are
// complete) and their layout in r.Stack, for the encoder to transcode.
func (d *Decoder) stackInFrame(b []byte, p, n, hopML int, bitmap uint16, v1 bool, r *report.Report) Reason {
	complete := n
	if avail := (len(b) - p) / hopML; p > len(b) {
		complete = 0
	} else if avail < n {
		complete = avail
	}
	if r.NumHops+complete > min(len(r.Hops), report.MaxHops) {
		return ReasonTooManyHops // where parseStack's NewHop fails
	}
	if complete < n {
		d.stats.PartialStacks++ // cut by the reporting switch's truncation
	}
	if complete == 0 {
		return ReasonOK
	}
	l := &d.layouts[d.cur] // the layout this report slot's last stack had, mostly the same
	r.Stack.Start(b[p:], complete, hopML, l)
	key := uint32(bitmap) | 1<<16
	if v1 {
		key |= 1 << 17
	}
	if l.Key == key {
		return ReasonOK
	}
	l.Reset(key)
	off := 0
	for bm := bitmap; bm != 0; {
		j := bits.LeadingZeros16(bm) & 15
		bm &^= 0x8000 >> j
		in := &intInstrs[j]
		w := in.width(v1)
		switch {
		case j == 0:
			l.SetNodeID(off)
		case in.typ != 0:
			l.AddField(off, w, d.intEntries[j]) // at most the 8 typed bits
		}
		off += w
	}
	return ReasonOK
}

// intEntryHeaders returns the metadata entry header of every INT-MD
// instruction that becomes a metadata value, at its INT v2 width.
func intEntryHeaders() [16]report.EntryHeader {
	var e [16]report.EntryHeader
	for j, in := range intInstrs {
		if in.typ != 0 {
			e[j] = report.MakeEntryHeader(in.typ, int(in.len2))
		}
	}
	return e
}

// beUintAt returns the l (1 to 8) bytes at b[q:] as a big-endian number;
// the caller checked that they are in b.
func beUintAt(b []byte, q, l int) uint64 {
	if len(b)-q >= 8 {
		return binary.BigEndian.Uint64(b[q:q+8]) >> (64 - 8*uint(l))
	}
	var x uint64
	for _, c := range b[q : q+l] {
		x = x<<8 | uint64(c)
	}
	return x
}

// addINTKeys puts the INT header keys of the current report on hop h.
func (d *Decoder) addINTKeys(h *report.Hop) {
	if !d.intSeen {
		return
	}
	h.AddBE(d.hdrEntry, d.intHdr)
	if d.intDS>>32 != 0 { // DS ID
		h.AddBE(d.dsEntry, d.intDS)
	}
}

// allOnes reports whether v is all 0xff bytes (INT's "value unavailable").
func allOnes(v []byte) bool {
	for _, c := range v {
		if c != 0xff {
			return false
		}
	}
	return len(v) > 0
}
