package intdecode

import (
	"encoding/binary"
	"wire2kafka/report"
)

// DispatchKey fills k with the flow the packet's (first) report belongs to
// as Decode would key it, reading only the headers that lead there: the
// inner 5-tuple of a Telemetry Report after NPT handling, the SCION
// addresses and flow id of ID-INT (ports left out: the flow id and
// addresses identify the flow). With inner false, or for a packet that is
// not INT or does not parse that far, k is the outer 5-tuple. It reports
// whether k is the monitored (inner) flow. It does not allocate.
//
// A dispatching stage spreads one rule's packets over several workers by
// k.Hash(): a flow always takes the same worker and keeps its order. A
// Telemetry Report group that carries reports of several flows goes with
// its first report's flow.
func (d *Decoder) DispatchKey(frame []byte, k *report.FlowKey, inner bool) bool {
	d.begin()
	*k = report.FlowKey{}
	if ParseFiveTuple(frame, &d.outer) != ReasonOK {
		return false
	}
	return d.dispatchKey(frame, k, inner)
}

// dispatchKey is DispatchKey after the outer headers are parsed into
// d.outer.
func (d *Decoder) dispatchKey(frame []byte, k *report.FlowKey, inner bool) bool {
	if inner && d.outer.Proto == ipProtoUDP && d.outer.HasPorts {
		switch {
		case d.reportPorts.has(d.outer.DstPort):
			if d.trDispatchKey(frame, k) {
				return true
			}
		case d.scionPorts.has(d.outer.DstPort) || d.scionPorts.has(d.outer.SrcPort):
			if d.scionDispatchKey(frame, k) {
				return true
			}
		}
	}
	*k = report.FlowKey{}
	setKeyFrom(k, &d.outer)
	return false
}

// DispatchHashes writes into hs the hash (FlowKey.Hash) of the flow of
// every report a Telemetry Report group carries, in packet order, as
// DispatchKey finds the first: a stage that spreads flows over workers
// learns every worker a group's reports belong to. Other packets give one
// hash, DispatchKey's. It returns the number written (at most len(hs); a
// report whose headers do not parse is skipped: the decoder drops it).
func (d *Decoder) DispatchHashes(frame []byte, inner bool, hs []uint64) int {
	if len(hs) == 0 {
		return 0
	}
	d.begin()
	if ParseFiveTuple(frame, &d.outer) != ReasonOK {
		var k report.FlowKey
		hs[0] = k.Hash()
		return 1
	}
	return d.dispatchHashes(frame, inner, hs)
}

// DispatchHashesOuter is DispatchHashes for a frame whose outer headers a
// stage before parsed with ParseFiveTuple (result ReasonOK; o is that
// FiveTuple's Outer): they are not parsed again. An o that does not fit the
// frame gives the hash of the empty key, never a panic.
func (d *Decoder) DispatchHashesOuter(frame []byte, o Outer, inner bool, hs []uint64) int {
	if len(hs) == 0 {
		return 0
	}
	d.begin()
	if !d.outer.load(frame, o, true) {
		var k report.FlowKey
		hs[0] = k.Hash()
		return 1
	}
	return d.dispatchHashes(frame, inner, hs)
}

// dispatchHashes is DispatchHashes after the outer headers are in d.outer.
func (d *Decoder) dispatchHashes(frame []byte, inner bool, hs []uint64) int {
	var k report.FlowKey
	if inner && d.outer.Proto == ipProtoUDP && d.outer.HasPorts && d.reportPorts.has(d.outer.DstPort) {
		if n := d.trHashes(frame, hs); n > 0 {
			return n // a v2.0 group: one walk over its reports
		}
	}
	d.dispatchKey(frame, &k, inner)
	hs[0] = k.Hash()
	return 1
}

// trHashes writes the flow hash of every report of the Telemetry Report
// v2.0 group in frame into hs and returns how many (0: not a v2.0 group,
// or no report whose headers parse).
func (d *Decoder) trHashes(frame []byte, hs []uint64) int {
	start, end, why := udpPayload(frame, &d.outer)
	if why != ReasonOK || end-start < trGroupHdrLen || frame[start]>>4 != 2 {
		return 0
	}
	p := frame[start:end]
	d.keyOnly = true
	n := 0
	for off := trGroupHdrLen; n < len(hs); {
		h, inner, next, ok, use := trIndiv(p, off)
		if !ok {
			break
		}
		off = next
		if !use {
			continue
		}
		r := d.newReport(0, 0)
		if d.decodeTRInner(inner, h[0]&0x0f, h[3]&trFlagF != 0, r) == ReasonOK {
			hs[n] = r.Key.Hash()
			n++
		}
	}
	d.keyOnly = false
	return n
}

// trIndiv locates the individual report at p[off:] of a v2.0 group: its
// header, its inner contents (after the main contents for RepType INT) and
// the offset of the next one. ok is false when no complete report starts
// at off; use is false for other RepTypes and for an MD Length that runs
// past the report.
func trIndiv(p []byte, off int) (h, inner []byte, next int, ok, use bool) {
	if off+trIndivHdrLen > len(p) {
		return nil, nil, 0, false, false
	}
	h = p[off : off+trIndivHdrLen]
	body := off + trIndivHdrLen
	next = body + int(h[1])*4
	if h[1] == trRepLenToEnd {
		next = len(p)
	}
	if next > len(p) {
		return h, nil, 0, false, false
	}
	if h[0]>>4 > trRepTypeINT {
		return h, nil, next, true, false
	}
	inner = p[body:next]
	if h[0]>>4 == trRepTypeINT && len(inner) > 0 {
		mdEnd := trMainFixedLen + int(h[2])*4
		if len(inner) < mdEnd {
			return h, nil, next, true, false
		}
		inner = inner[mdEnd:]
	}
	return h, inner, next, true, true
}

// trDispatchKey keys a Telemetry Report by its first INT or Inner Only
// report's inner packet, without its metadata.
func (d *Decoder) trDispatchKey(b []byte, k *report.FlowKey) bool {
	start, end, why := udpPayload(b, &d.outer)
	if why != ReasonOK || end-start < 1 {
		return false
	}
	p := b[start:end]
	r := d.newReport(0, 0)
	d.keyOnly = true
	ok := d.trFirstKey(b, p, r)
	d.keyOnly = false
	if ok {
		*k = r.Key // may be empty (no inner packet): then so is the Kafka key
	}
	return ok
}

// trFirstKey fills r.Key from the first INT or Inner Only report of the
// Telemetry Report payload p of frame b.
func (d *Decoder) trFirstKey(b, p []byte, r *report.Report) bool {
	switch p[0] >> 4 {
	case 2:
		for off := trGroupHdrLen; ; {
			h, inner, next, ok, use := trIndiv(p, off)
			switch {
			case !ok:
				return false
			case use:
				return d.decodeTRInner(inner, h[0]&0x0f, h[3]&trFlagF != 0, r) == ReasonOK
			case h[0]>>4 <= trRepTypeINT:
				return false // the first INT report is broken: no key
			}
			off = next
		}
	case 1, 0:
		rs, why := d.decodeTR(b, 0) // one report, headers only (keyOnly)
		if why != ReasonOK || len(rs) == 0 {
			return false
		}
		r.Key = rs[0].Key
		return true
	}
	return false
}

// scionDispatchKey keys a SCION packet by its addresses and flow id.
func (d *Decoder) scionDispatchKey(b []byte, k *report.FlowKey) bool {
	start, end, why := udpPayload(b, &d.outer)
	if why != ReasonOK {
		return false
	}
	s := b[start:end]
	if len(s) < scionCommonLen+scionAddrFixLen || s[0]>>4 != 0 {
		return false
	}
	dl, sl := (s[9]>>4)&3, s[9]&3
	dlen, slen := 4*(int(dl)+1), 4*(int(sl)+1)
	a := scionCommonLen + scionAddrFixLen
	if len(s) < a+dlen+slen {
		return false
	}
	k.FlowID = uint32(s[1]&0x0f)<<16 | uint32(s[2])<<8 | uint32(s[3])
	k.DstAS = binary.BigEndian.Uint64(s[12:]) & (1<<48 - 1)
	k.SrcAS = binary.BigEndian.Uint64(s[20:]) & (1<<48 - 1)
	hostAddr(&k.DstIP, s[9]>>6, dl, s[a:a+dlen])
	hostAddr(&k.SrcIP, (s[9]>>2)&3, sl, s[a+dlen:a+dlen+slen])
	return true
}
