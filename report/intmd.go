package report

import (
	"encoding/binary"
	"math/bits"
)

// INT-MD instruction bits (bit 0 is the most significant bit of the
// 16-bit instruction bitmap) and what they become in a Hop.
type intInstr struct {
	len2, len1 uint8  // value length in INT v2.x and v1.0 (0: reserved bit)
	typ        uint32 // MetadataType; 0 for node id (Hop.NodeID) and skipped values
	skip       bool   // checksum complement: present but not reported
}

var intInstrs = [16]intInstr{
	0:  {len2: 4, len1: 4},             // node id -> Hop.NodeID
	1:  {len2: 4, len1: 4, typ: 1},     // level 1 ingress+egress interface
	2:  {len2: 4, len1: 4, typ: 2},     // hop latency
	3:  {len2: 4, len1: 4, typ: 3},     // queue id + occupancy
	4:  {len2: 8, len1: 4, typ: 4},     // ingress timestamp
	5:  {len2: 8, len1: 4, typ: 5},     // egress timestamp
	6:  {len2: 8, len1: 8, typ: 6},     // level 2 ingress+egress interface
	7:  {len2: 4, len1: 4, typ: 7},     // egress port tx utilization
	8:  {len2: 4, len1: 4, typ: 8},     // buffer id + occupancy
	15: {len2: 4, len1: 4, skip: true}, // checksum complement
}

// intHopLen returns the per-hop metadata length in bytes for bitmap, or
// ReasonUnsupportedInstruction if a reserved bit is set.
func intHopLen(bitmap uint16, v1 bool) (int, Reason) {
	n := 0
	for bm := bitmap; bm != 0; {
		i := bits.LeadingZeros16(bm) // set bits only, most significant first
		bm &^= 0x8000 >> i
		l := intInstrs[i].len2
		if v1 {
			l = intInstrs[i].len1
		}
		if l == 0 {
			return 0, ReasonUnsupportedInstruction
		}
		n += int(l)
	}
	return n, ReasonOK
}

// parseINTStack parses the INT-MD shim, header and metadata stack at
// b[off:] (just after the inner packet's L4 header) and appends one hop per
// stack entry to r, most recent (closest to the sink) first. v1 selects the
// INT v1.0 layout (8-byte header, shim length including the shim).
func parseINTStack(b []byte, off int, r *Report, v1 bool) Reason {
	if len(b) < off+4 {
		return ReasonTruncated
	}
	shimWords := int(b[off+1]) // v2.x: type(4) npt(2) res(2), length, ...
	hdrLen := 12
	stackStart := off + 4 + hdrLen
	if v1 {
		if b[off] != 1 { // INT v1.0 shim type 1: hop-by-hop; others carry no stack
			return ReasonOK
		}
		hdrLen = 8
		stackStart = off + 4 + hdrLen
		shimWords = int(b[off+2]) - 1 // v1.0: type, reserved, length (incl. shim), dscp
	} else if b[off]>>4 != 1 { // INT v2.x shim type 1: INT-MD; MX/destination carry no stack
		return ReasonOK
	}
	if shimWords*4 < hdrLen {
		return ReasonBadLength
	}
	end := off + 4 + shimWords*4
	if len(b) < off+4+hdrLen {
		return ReasonTruncated
	}
	h := b[off+4:]
	ver := h[0] >> 4
	if (v1 && ver != 1) || (!v1 && ver != 2) {
		return ReasonBadVersion
	}
	hopML := int(h[2]&0x1f) * 4
	bitmap := binary.BigEndian.Uint16(h[4:])
	per, why := intHopLen(bitmap, v1)
	if why != ReasonOK {
		return why
	}
	stackLen := end - stackStart
	if hopML == 0 {
		if stackLen != 0 {
			return ReasonBadLength
		}
		return ReasonOK
	}
	if per > hopML || stackLen%hopML != 0 {
		return ReasonBadLength
	}
	if len(b) < end {
		return ReasonTruncated
	}
	for p := stackStart; p < end; p += hopML {
		hop := r.NewHop()
		if hop == nil {
			return ReasonTooManyHops
		}
		q := p
		for bm := bitmap; bm != 0; {
			i := bits.LeadingZeros16(bm)
			bm &^= 0x8000 >> i
			in := &intInstrs[i]
			l := int(in.len2)
			if v1 {
				l = int(in.len1)
			}
			v := b[q : q+l]
			q += l
			switch {
			case i == 0:
				hop.NodeID = binary.BigEndian.Uint32(v)
			case in.skip:
			default:
				if !hop.Add(in.typ, v) {
					return ReasonTooManyHops
				}
			}
		}
	}
	return ReasonOK
}
