package intgen

import (
	"encoding/binary"
	"wire2kafka/report/intdecode"

	"wire2kafka/report"
)

// idintStdType is the MetadataType an ID-INT instruction's value is
// exported under (docs/formats.md section 4.2), 0 for the private key
// 0x100+instruction.
var idintStdType = map[uint32]uint32{0x82: 4, 0x83: 5, 0x4d: 7, 0x4c: 22,
	0x8a: 16, 0x8e: 17, 0x8c: 18, 0x8b: 19, 0x8f: 20, 0x8d: 21}

// idintInstLen returns the metadata length of an ID-INT instruction byte
// (bits 0:1 of the byte: 2, 4, 6 or 8 bytes).
func idintInstLen(inst uint32) int { return 2 * (int(inst>>6) + 1) }

// buildIDINT writes a SCION/ID-INT packet of flow f into g.pkt and the
// expected report into g.exp: with hbh set in the hop-by-hop option form
// (id-int-spec 6bf0d81, c3034dc: options 253/254, source entry first,
// ML = length/2), else as the header after NextHdr 253 (001ae35: newest
// entry first).
func (g *gen) buildIDINT(f *flow, ts uint64, hbh bool) {
	o := &g.o
	g.idintHBH = hbh
	b, ip := appendEthIPv4UDP(g.pkt[:0], [4]byte{192, 0, 2, 1}, [4]byte{192, 0, 2, 2}, 50000, o.Decoder.SCIONPorts[0], 0)
	g.exp = g.exp[:0]
	r := g.nextExp()
	r.ReceiveTime = ts
	r.PacketType = report.PacketSCION
	k := &r.Key
	k.FlowID, k.SrcAS, k.DstAS = f.flowID, f.srcIA.AS(), f.dstIA.AS()
	k.SrcIP.SetIPv4(f.src[:])
	k.DstIP.SetIPv4(f.dst[:])
	k.SrcPort, k.DstPort, k.Protocol = f.sport, f.dport, report.ProtoUDP

	// SCION common header, address header (IPv4 hosts) and a one-segment path.
	sc := len(b)
	const pathLen = 4 + 8 + 2*12
	const hdrLen = 12 + 16 + 8 + pathLen
	next := byte(253) // ID-INT
	if hbh {
		next = 200 // hop-by-hop extension
	}
	b = binary.BigEndian.AppendUint32(b, f.flowID)
	b = append(b, next, hdrLen/4, 0, 0, 1, 0, 0, 0)
	b = binary.BigEndian.AppendUint64(b, uint64(f.dstIA))
	b = binary.BigEndian.AppendUint64(b, uint64(f.srcIA))
	b = append(b, f.dst[:]...)
	b = append(b, f.src[:]...)
	b = append(b, 0, 0, 2<<4, 0) // PathMeta: CurrINF 0, CurrHF 0, SegLen 2,0,0
	b = randBytes(g.rng, b, pathLen-4)

	// ID-INT main header / option.
	const mask = 0x8 | 0x2 | 0x1 // node id, ingress and egress interface
	nop := uint8(0xff)           // 001ae35: NOP; 6bf0d81: 0x00
	if hbh {
		nop = 0
	}
	inst := [4]uint8{nop, nop, nop, nop}
	var mls uint16
	perHop := 4 + 2 + 2
	for i, m := range o.Metadata {
		inst[i] = uint8(m)
		l := idintInstLen(m)
		perHop += l
		if hbh {
			mls |= uint16(l/2) << (9 - 3*i) // c3034dc: ML = length / 2
		} else {
			mls |= uint16(4|(l/2-1)) << (9 - 3*i) // 0xx: absent, 1ll: 2*(ll+1)
		}
	}
	entryLen := 4 + (perHop+3)&^3 + 4 // flags, hop, mask|ML; metadata; pad; MAC
	if hbh {
		entryLen = 6 + (perHop+2+3)&^3 - 2 + 4 // type, length, flags, hop, mask|ML; metadata; pad; MAC
	}
	stackLen := entryLen * len(f.nodes)
	src48 := ts & (1<<48 - 1)
	r.SourceTime = src48
	if hbh {
		b = append(b, 17, byte((2+22+stackLen)/4-1))               // HBH: NextHdr UDP, ExtLen
		b = append(b, 253, 20, 0, 1<<4, byte(stackLen/4), 0, 0, 0) // IdIntOption: flags, Vrf 1, StackLen, TOS (set below), DelayHops
	} else {
		b = append(b, 0, 1<<4, byte(stackLen/4), 17, 0, 255)
	}
	b = binary.BigEndian.AppendUint16(b, mask<<12)
	b = append(b, inst[:]...)
	b = binary.BigEndian.AppendUint16(b, uint16(src48>>32))
	b = binary.BigEndian.AppendUint32(b, uint32(src48))
	b = binary.BigEndian.AppendUint16(b, 7) // source port
	stackStart := len(b)

	for range f.nodes { // expected hops: newest first, source last
		r.NewHop()
	}
	for j := range f.nodes {
		h := len(f.nodes) - 1 - j // 001ae35: newest first in the packet
		if hbh {
			h = j // 6bf0d81: the source entry first
		}
		hop := &r.Hops[len(f.nodes)-1-h]
		flags := byte(0x40) // ingress BR
		if h == 0 {
			flags = 0x80 // source
		} else if h%2 == 0 {
			flags = 0x20 // egress BR
		}
		e := len(b)
		if hbh {
			b = append(b, 254, byte(entryLen-2))
			b[stackStart-22+5] = byte((e - stackStart) / 4) // TOS: the newest entry so far
		}
		fl := len(b)
		b = append(b, flags, byte(h&0x3f)<<2, mask<<4|byte(mls>>8), byte(mls))
		hop.Add(intdecode.IDINTKeyFlags, b[fl:fl+2])
		hop.NodeID = f.nodes[h]
		b = binary.BigEndian.AppendUint32(b, f.nodes[h])
		v := len(b)
		b = randBytes(g.rng, b, 4)
		hop.Add(1, b[v:v+4]) // ingress + egress interface: INTERFACE_LEVEL1
		for _, m := range o.Metadata {
			l := idintInstLen(m)
			v := len(b)
			if m == 0x81 {
				b = append(b, byte(f.asns[h]>>40), byte(f.asns[h]>>32))
				b = binary.BigEndian.AppendUint32(b, uint32(f.asns[h]))
				hop.ASN = f.asns[h]
				continue
			}
			b = randBytes(g.rng, b, l)
			switch std := idintStdType[m]; std {
			case 0:
				hop.Add(intdecode.IDINTKeyInstr+m, b[v:v+l])
			case 4, 5: // 6-byte timestamps, zero-extended
				var w [8]byte
				copy(w[8-l:], b[v:v+l])
				hop.Add(std, w[:])
			default:
				hop.Add(std, b[v:v+l])
			}
		}
		// Queue (buffer) id and length together are QUEUE_OCCUPANCY
		// (BUFFER_OCCUPANCY): id <= 255 in 1 byte, length saturated to 3.
		occupancy(hop, 3, hop.Get(intdecode.IDINTKeyInstr+0x4e), hop.Get(intdecode.IDINTKeyInstr+0x4f))
		occupancy(hop, 8, hop.Get(intdecode.IDINTKeyInstr+0x51), hop.Get(intdecode.IDINTKeyInstr+0x52))
		for (len(b)-e)%4 != 0 {
			b = append(b, 0)
		}
		b = randBytes(g.rng, b, 4) // MAC
		if h == 0 && hop.ASN == 0 {
			hop.ASN = f.srcIA.AS()
		}
	}
	rev := byte(0)
	if hbh {
		rev = 1
	}
	r.Hops[0].Add(report.KeyIDINTMain, []byte{rev, 0, 1 << 4, 0})
	r.Hops[0].Add(report.KeyIDINTInstr, append([]byte{mask << 4, 0}, inst[:]...))
	// SCION/UDP and payload.
	u := len(b)
	b = binary.BigEndian.AppendUint16(b, f.sport)
	b = binary.BigEndian.AppendUint16(b, f.dport)
	b = append(b, 0, 0, 0, 0)
	for len(b) < o.Size {
		b = append(b, 0)
	}
	binary.BigEndian.PutUint16(b[u+4:], uint16(len(b)-u))
	binary.BigEndian.PutUint16(b[sc+6:], uint16(len(b)-sc-hdrLen))
	finishIPv4UDP(b, ip, len(b))
	r.Truncated = b[sc:min(len(b), sc+o.Decoder.MaxTruncated)]
	g.pkt = b
}

// breakIDINT makes the packet in g.pkt malformed for reason why.
func (g *gen) breakIDINT(why intdecode.Reason) {
	const idint = 42 + 12 + 16 + 8 + 36 // ID-INT main header offset
	p := g.pkt[idint:]
	if g.idintHBH { // the option's fields start after HBH NextHdr/ExtLen and OptType/OptDataLen
		p = p[4:]
	}
	switch why {
	case intdecode.ReasonBadVersion:
		p[0] |= 1 << 5
	case intdecode.ReasonBadLength:
		p[2] = 0 // empty stack: the source entry is missing
	case intdecode.ReasonUnsupported:
		p[1] |= 3 << 4 // reserved verifier type
	}
}

// occupancy adds the 4-byte type typ from an id and a length value when
// both are present and the id fits one byte.
func occupancy(hop *report.Hop, typ uint32, id, length []byte) {
	if id == nil || length == nil {
		return
	}
	var i, n uint64
	for _, c := range id {
		i = i<<8 | uint64(c)
	}
	for _, c := range length {
		n = n<<8 | uint64(c)
	}
	if i > 255 {
		return
	}
	n = min(n, 0xffffff)
	hop.Add(typ, []byte{byte(i), byte(n >> 16), byte(n >> 8), byte(n)})
}
