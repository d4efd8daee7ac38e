package report

import (
	"encoding/binary"
	"math/bits"
)

// StackRec is one hop of a Stack whose hops differ in layout (an ID-INT
// entry, with its own mask and metadata lengths): where its record starts
// in Stack.Data and how it is laid out.
type StackRec struct {
	Off    int
	Layout *StackLayout
}

// StackOcc is an occupancy value made of two fields of a record (ID-INT's
// queue or buffer id and length): id<<24 | min(length, 1<<24-1), stored
// under Entry (4 bytes), and left out when id exceeds 255.
type StackOcc struct {
	IDOff, LenOff uint16
	IDLen, LenLen uint8
	Entry         EntryHeader
}

// maxRecHop bounds the fields of one encoded hop of any Stack: ASN, node
// id, every field and occupancy value, and a First hop's entries.
const maxRecHop = sizeTag + 10 + sizeTag + 5 + MaxStackFields*(8+MaxMetadataLen) + 2*(8+4) + hopMDBytes

// SetASN says that each record holds its ASN in 6 bytes at off (Recs
// stacks). A record with ASN 0 has none.
func (l *StackLayout) SetASN(off int) { l.ASN = off }

// AddFieldOr is AddField for a value stored as read<<lsh | or (ID-INT's
// interface pair with one half absent: the absent half all ones). Recs
// stacks only.
func (l *StackLayout) AddFieldOr(off, n int, e EntryHeader, lsh int, or uint64) bool {
	if !l.AddField(off, n, e) {
		return false
	}
	f := &l.Fields[l.NumFields-1]
	f.lsh, f.or = uint8(lsh), or
	return true
}

// AddOccupancy adds an occupancy value from the idLen-byte id at idOff and
// the lenLen-byte length at lenOff, stored under e (4 bytes wide). It
// reports false when the layout has two. Recs stacks only.
func (l *StackLayout) AddOccupancy(idOff, idLen, lenOff, lenLen int, e EntryHeader) bool {
	if l.NumOcc == len(l.Occ) {
		return false
	}
	l.Occ[l.NumOcc] = StackOcc{IDOff: uint16(idOff), IDLen: uint8(idLen), LenOff: uint16(lenOff), LenLen: uint8(lenLen), Entry: e}
	l.NumOcc++
	l.maxHop += int(e.n) + int(e.width)
	return true
}

// StartRecs begins a stack of the hops recs (in output order) whose
// records are in data, which must hold them: the last hop's ASN is lastASN
// when its record has none, and first's metadata entries follow the first
// hop's own (first may be nil). recs and first belong to the caller and
// must stay unchanged while the stack is in use.
func (s *Stack) StartRecs(data []byte, recs []StackRec, lastASN uint64, first *Hop) {
	s.Data, s.N, s.Stride, s.Layout = data, len(recs), 0, nil
	s.Recs, s.LastASN, s.First = recs, lastASN, first
	s.recBound = 0
	for k := range recs {
		n := s.recHopBound(k)
		s.recBound += sizeTag + varintLen(uint64(n)) + n
	}
}

// recHopBound returns an upper bound of hop k's encoded fields.
func (s *Stack) recHopBound(k int) int {
	n := s.Recs[k].Layout.maxHop + sizeTag + 10 // an ASN, possibly LastASN
	if k == 0 && s.First != nil {
		n += s.First.mdLen
	}
	return n
}

// rec returns hop k's record (to the end of the frame) and layout.
func (s *Stack) rec(k int) ([]byte, *StackLayout) {
	r := &s.Recs[k]
	return s.Data[r.Off:cap(s.Data)], r.Layout
}

// recASN returns the ASN of hop k of a Recs stack (0: none).
func (s *Stack) recASN(k int) uint64 {
	rec, l := s.rec(k)
	var asn uint64
	if l.ASN >= 0 {
		asn = uint64(binary.BigEndian.Uint16(rec[l.ASN:]))<<32 | uint64(binary.BigEndian.Uint32(rec[l.ASN+2:]))
	}
	if asn == 0 && k == s.N-1 {
		asn = s.LastASN
	}
	return asn
}

// recNodeID returns the node id of hop k of a Recs stack, as carried.
func (s *Stack) recNodeID(k int) uint32 {
	rec, l := s.rec(k)
	if l.NodeID < 0 {
		return 0
	}
	return binary.BigEndian.Uint32(rec[l.NodeID:])
}

// recHop stores hop k of a Recs stack in h.
func (s *Stack) recHop(k int, h *Hop) {
	h.Reset()
	h.ASN, h.NodeID = s.recASN(k), s.recNodeID(k)
	h.mdLen, h.NumMD = s.putMD(h.md[:], 0, k)
}

// putRecs is put for a Recs stack.
func (s *Stack) putRecs(b []byte, i int) int {
	for k := 0; k < s.N; k++ {
		lb := varintLen(uint64(s.recHopBound(k)))
		b[i] = tagReportHops
		i = putLength(b, i+sizeTag, lb, s.putRec(b, i+sizeTag+lb, k))
	}
	return i
}

// putRec writes the fields of hop k of a Recs stack at b[i:] (which has
// room for its bound and stackSlack) as putHop writes a Hop: ASN, node id,
// metadata. It returns the index after them.
func (s *Stack) putRec(b []byte, i, k int) int {
	if asn := s.recASN(k); asn != 0 {
		b[i] = tagHopASN
		i = putVarint(b, i+1, asn)
	}
	if id := s.recNodeID(k); id != 0 {
		b[i] = tagHopNodeID
		i = putVarint(b, i+1, uint64(id))
	}
	i, _ = s.putMD(b, i, k)
	return i
}

// putMD writes the metadata entries of hop k of a Recs stack at b[i:]: its
// fields (all-ones values kept: ID-INT has no "unavailable" value), its
// occupancy values, and for the first hop First's entries. It returns the
// index after them and the number of entries.
func (s *Stack) putMD(b []byte, i, k int) (int, int) {
	rec, l := s.rec(k)
	n := l.NumFields
	for j := range l.Fields[:l.NumFields] {
		f := &l.Fields[j]
		x := f.wide(rec)<<f.lsh | f.or
		e := &f.Entry
		binary.LittleEndian.PutUint64(b[i:], e.hdr)
		binary.LittleEndian.PutUint64(b[i+int(e.n):], bits.ReverseBytes64(x<<f.shift))
		i += int(e.n) + int(e.width)
	}
	for j := range l.Occ[:l.NumOcc] {
		o := &l.Occ[j]
		id := beAt(rec, int(o.IDOff), int(o.IDLen))
		if id > 0xff {
			continue
		}
		x := id<<24 | min(beAt(rec, int(o.LenOff), int(o.LenLen)), 0xffffff)
		binary.LittleEndian.PutUint64(b[i:], o.Entry.hdr)
		binary.LittleEndian.PutUint64(b[i+int(o.Entry.n):], bits.ReverseBytes64(x<<32))
		i += int(o.Entry.n) + 4
		n++
	}
	if k == 0 && s.First != nil {
		i += copy(b[i:], s.First.md[:s.First.mdLen])
		n += s.First.NumMD
	}
	return i, n
}
