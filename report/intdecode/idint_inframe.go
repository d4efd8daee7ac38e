package intdecode

import "wire2kafka/report"

// idintLayout is the layout of the ID-INT entry at one stack position in
// the last packet (Config.StackInFrame), with what it was built from:
// consecutive packets of a path repeat their entries' shapes, so it is
// rebuilt only when they change.
type idintLayout struct {
	main  uint64 // idintMain.layoutKey
	entry uint32 // the entry's mask, metadata lengths and flags that matter
	valid bool
	l     report.StackLayout
}

// idintInFrame is a Decoder's state for ID-INT stacks left in the frame.
type idintInFrame struct {
	layouts  []idintLayout     // per stack position (report.MaxHops)
	recs     []report.StackRec // the current packet's entries (report.MaxHops)
	first    report.Hop        // the main header keys, added to the first hop
	firstOK  bool
	firstKey [2]uint64 // the main header fields first was made from
	flags    report.EntryHeader
	count    report.EntryHeader
	ifs      report.EntryHeader
	queue    report.EntryHeader // QUEUE_OCCUPANCY
	buffer   report.EntryHeader // BUFFER_OCCUPANCY
}

// newIDINTInFrame returns the state for Config.StackInFrame.
func newIDINTInFrame() idintInFrame {
	return idintInFrame{
		layouts: make([]idintLayout, report.MaxHops),
		recs:    make([]report.StackRec, report.MaxHops),
		flags:   report.MakeEntryHeader(IDINTKeyFlags, 2),
		count:   report.MakeEntryHeader(IDINTKeyNodeCount, 2),
		ifs:     report.MakeEntryHeader(1, 4),
		queue:   report.MakeEntryHeader(3, 4),
		buffer:  report.MakeEntryHeader(8, 4),
	}
}

// layoutKey returns what an entry's layout takes from the main header: the
// instructions, their aggregation functions, the revision (how metadata
// lengths are coded) and whether Mod makes every slot an aggregate.
func (m *idintMain) layoutKey() uint64 {
	k := uint64(m.inst[0])<<56 | uint64(m.inst[1])<<48 | uint64(m.inst[2])<<40 | uint64(m.inst[3])<<32 |
		uint64(m.instAF[0])<<24 | uint64(m.instAF[1])<<16 | uint64(m.rev)<<8
	if m.modVrf>>6 != 0 {
		k |= 1
	}
	return k
}

// firstKey returns the main header fields addIDINTKeys stores.
func (m *idintMain) firstKey() [2]uint64 {
	return [2]uint64{m.layoutKey(), uint64(m.flags)<<16 | uint64(m.modVrf)<<8 | uint64(m.delay)}
}

// idintRecord records the entry whose flags byte is at p (metadata at
// mdStart) as the next hop of the stack left in the frame, with the layout
// idintMetadata would have followed. The caller checked its lengths and
// the hop limit.
func (d *Decoder) idintRecord(p, mdStart int, mask uint8, mls uint16, ml *[4]int, flags uint8, m *idintMain) {
	f := &d.idint
	entry := uint32(mask)<<24 | uint32(flags&0x18)<<16 | uint32(mls) // mls as coded: the key has the revision
	main := m.layoutKey()
	c := &f.layouts[d.idN]
	if !c.valid || c.main != main || c.entry != entry {
		c.valid, c.main, c.entry = true, main, entry
		if !m.prepared {
			m.prepare()
		}
		f.build(&c.l, mdStart-p, mask, ml, flags, m)
	}
	f.recs[d.idN] = report.StackRec{Off: p, Layout: &c.l}
	d.idN++
}

// build makes in l the layout of an entry whose metadata starts md bytes
// after its flags byte, in the order idintMetadata stores the values.
func (f *idintInFrame) build(l *report.StackLayout, md int, mask uint8, ml *[4]int, flags uint8, m *idintMain) {
	l.Reset(0)
	l.AddField(0, 2, f.flags) // flags and hop index
	if flags&0x08 != 0 {
		return // encrypted metadata is opaque
	}
	off := md
	if mask&8 != 0 {
		l.SetNodeID(off)
		off += 4
	}
	if mask&4 != 0 {
		l.AddField(off, 2, f.count)
		off += 2
	}
	switch mask & 3 { // ingress and egress interface -> INTERFACE_LEVEL1, an absent half all ones
	case 3:
		l.AddField(off, 4, f.ifs)
		off += 4
	case 2:
		l.AddFieldOr(off, 2, f.ifs, 16, 0xffff)
		off += 2
	case 1:
		l.AddFieldOr(off, 2, f.ifs, 0, 0xffff0000)
		off += 2
	}
	var at [slotBufLen + 1][2]int // per queue/buffer role: offset+1 (0: none) and length; the last slot wins
	for i, n := range ml {
		if n == 0 {
			continue
		}
		o := off
		off += n
		role := m.role[i]
		agg := report.MakeEntryHeader(m.aggKey[i], n)
		if role != slotPrivate && role != slotASN && m.aggregated(flags, i) {
			l.AddField(o, n, agg)
			continue
		}
		switch role {
		case slotASN:
			if n == 6 {
				l.SetASN(o)
			} else {
				l.AddField(o, n, agg)
			}
		case slotWide:
			l.AddField(o, n, report.MakeEntryHeader(m.plainKey[i], max(n, 8)))
		case slotQueueID, slotQueueLen, slotBufID, slotBufLen:
			at[role] = [2]int{o + 1, n}
			l.AddField(o, n, agg)
		default:
			l.AddField(o, n, report.MakeEntryHeader(m.plainKey[i], n))
		}
	}
	for _, occ := range [2]struct {
		id, n uint8
		e     report.EntryHeader
	}{{slotQueueID, slotQueueLen, f.queue}, {slotBufID, slotBufLen, f.buffer}} {
		if id, n := at[occ.id], at[occ.n]; id[0] != 0 && n[0] != 0 {
			l.AddOccupancy(id[0]-1, id[1], n[0]-1, n[1], occ.e)
		}
	}
}

// idintStack leaves the d.idN entries recorded in s's frame as r's stack:
// in output order (newest first: the new revision's packet order is
// source first, so reversed), the source AS for a source entry without
// an ASN, and the main header keys after the first hop's metadata.
func (d *Decoder) idintStack(s []byte, srcAS uint64, m *idintMain, reverse bool, r *report.Report) {
	f := &d.idint
	recs := f.recs[:d.idN]
	if reverse {
		for i, j := 0, len(recs)-1; i < j; i, j = i+1, j-1 {
			recs[i], recs[j] = recs[j], recs[i]
		}
	}
	if k := m.firstKey(); !f.firstOK || k != f.firstKey { // mostly the last packet's
		f.first.Reset()
		addIDINTKeys(&f.first, m)
		f.firstOK, f.firstKey = true, k
	}
	r.Stack.StartRecs(s, recs, srcAS, &f.first)
}
