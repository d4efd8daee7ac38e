package report

import (
	"encoding/binary"
	"math/bits"
)

// MaxStackFields is the most metadata fields one Stack record has (the
// eight typed instruction bits of INT-MD, bits 1-8).
const MaxStackFields = 8

// stackSlack is the room past the end of an encoded stack that its
// writer's 8-byte stores need.
const stackSlack = 2 * MaxMetadataLen

// Stack is a run of hops left in the frame in one fixed layout: an INT-MD
// metadata stack, whose hops all carry the same fields at the same offsets
// (the instruction bitmap says which). A decoder that leaves a stack in
// the frame (intdecode.Config.StackInFrame) writes nothing per hop;
// AppendReport and AppendBatchEntry then transcode the hops from the
// frame's bytes straight into the message, one pass and no Hop copy. The
// stack's hops follow Report.Hops[:NumHops]. Data is a view into the
// frame, valid as long as the frame's memory is (as Report.Truncated), and
// Layout belongs to the decoder (valid until its next call).
//
// A stack whose hops differ in layout (ID-INT: each entry has its own
// mask and lengths) lists them in Recs instead (StartRecs); it may add an
// ASN to its last hop and entries to its first (LastASN, First).
type Stack struct {
	Data   []byte // N records of Stride bytes, or the bytes Recs point into
	N      int    // hops
	Stride int    // bytes per hop record
	Layout *StackLayout
	Recs   []StackRec // per-hop records, or nil (belongs to the decoder)
	// LastASN is the ASN of the last hop of Recs when its record carries
	// none (ID-INT's source entry: the packet's source AS).
	LastASN uint64
	// First holds metadata entries written after the first hop's own (ID-INT's
	// main header keys), or nil; it belongs to the decoder.
	First    *Hop
	recBound int // bound() of a Recs stack
}

// StackLayout says where a Stack record holds its values. A decoder keeps
// one per report and rebuilds it only when a stack's bitmap changes.
type StackLayout struct {
	Key       uint32 // what the decoder built it from (0: nothing yet)
	NodeID    int    // offset of the record's 4-byte node id, or -1
	ASN       int    // offset of a 6-byte ASN (Recs stacks only), or -1
	NumFields int    // fields in use
	Fields    [MaxStackFields]StackField
	NumOcc    int // occupancy values in use (Recs stacks only)
	Occ       [2]StackOcc
	maxHop    int // the largest encoded hop (its fields, not its tag and length)
}

// StackField is one metadata value of a Stack record: Len big-endian bytes
// at Off, stored as a metadata entry with header Entry (zero-extended to
// the entry's width). A value of all ones means "unavailable" (INT v2.1
// section 5.8) and is left out, as is an all-ones node id.
type StackField struct {
	Off   uint16
	Len   uint8 // 1 to MaxMetadataLen
	Entry EntryHeader
	ones  uint64 // the all-ones value of Len bytes
	shift uint8  // 64 - 8*width: moves a value to the top of a word
	lsh   uint8  // Recs stacks: the value is read<<lsh | or
	or    uint64
}

// Start begins a stack of n records of stride bytes at data (which must
// hold them) read with layout l.
func (s *Stack) Start(data []byte, n, stride int, l *StackLayout) {
	s.Data, s.N, s.Stride, s.Layout = data[:n*stride], n, stride, l
}

// Reset empties l (no node id, ASN, fields or occupancy) and sets its Key.
func (l *StackLayout) Reset(key uint32) {
	l.Key, l.NodeID, l.ASN, l.NumFields, l.NumOcc, l.maxHop = key, -1, -1, 0, 0, 0
}

// SetNodeID says that each record holds its node id in 4 bytes at off.
func (l *StackLayout) SetNodeID(off int) {
	l.NodeID = off
	l.maxHop += sizeTag + 5
}

// AddField adds a metadata value of n bytes at off in each record, stored
// under entry header e (n at most e's width). It reports false when the
// layout has MaxStackFields fields.
func (l *StackLayout) AddField(off, n int, e EntryHeader) bool {
	if l.NumFields == MaxStackFields {
		return false
	}
	l.Fields[l.NumFields] = StackField{Off: uint16(off), Len: uint8(n), Entry: e,
		ones: ^uint64(0) >> (64 - 8*uint(n)), shift: 64 - 8*e.width}
	l.NumFields++
	l.maxHop += int(e.n) + int(e.width)
	return true
}

// Clear empties the stack.
func (s *Stack) Clear() {
	s.Data, s.N, s.Layout, s.Recs, s.First, s.LastASN = nil, 0, nil, nil, nil, 0
}

// record returns hop k's bytes with the capacity of the frame behind it,
// so that a field may be read with one 8-byte load where the frame has
// room.
func (s *Stack) record(k int) []byte { return s.Data[k*s.Stride : cap(s.Data)] }

// NodeIDAt returns the node id of hop k, 0 if the stack has none or it is
// unavailable (all ones; in a Recs stack all ones is a node id).
func (s *Stack) NodeIDAt(k int) uint32 {
	if s.Recs != nil {
		return s.recNodeID(k)
	}
	if s.Layout.NodeID < 0 {
		return 0
	}
	x := binary.BigEndian.Uint32(s.record(k)[s.Layout.NodeID:])
	if x == ^uint32(0) {
		return 0
	}
	return x
}

// value returns field f of record rec and whether it is available. The
// 4-byte fields of INT-MD take the short path.
func (f *StackField) value(rec []byte) (uint64, bool) {
	var x uint64
	if o := int(f.Off); f.Len == 4 {
		x = uint64(binary.BigEndian.Uint32(rec[o:]))
	} else {
		x = f.wide(rec)
	}
	return x, x != f.ones
}

// wide reads a field of other than 4 bytes.
func (f *StackField) wide(rec []byte) uint64 { return beAt(rec, int(f.Off), int(f.Len)) }

// beAt returns the n (1 to 8) bytes at rec[o:] as a big-endian number: one
// 8-byte load where rec has room behind them.
func beAt(rec []byte, o, n int) uint64 {
	if len(rec)-o >= 8 {
		return binary.BigEndian.Uint64(rec[o:]) >> (64 - 8*uint(n))
	}
	var x uint64
	for _, c := range rec[o : o+n] {
		x = x<<8 | uint64(c)
	}
	return x
}

// Hop stores hop k in h, as a decoder that does not leave stacks in the
// frame would have (for tools, tests and the rare hop a decoder needs).
func (s *Stack) Hop(k int, h *Hop) {
	if s.Recs != nil {
		s.recHop(k, h)
		return
	}
	h.Reset()
	h.NodeID = s.NodeIDAt(k)
	rec := s.record(k)
	l := s.Layout
	for j := range l.Fields[:l.NumFields] {
		f := &l.Fields[j]
		if x, ok := f.value(rec); ok {
			h.AddBE(f.Entry, x)
		}
	}
}

// Pop stores the first hop in h and removes it from the stack.
func (s *Stack) Pop(h *Hop) {
	s.Hop(0, h)
	s.Data = s.Data[s.Stride:]
	s.N--
}

// bound returns an upper bound of the encoded stack (each hop a Report.hops
// element: tag, length, fields).
func (s *Stack) bound() int {
	if s.Recs != nil {
		return s.recBound
	}
	return s.N * (sizeTag + varintLen(uint64(s.Layout.maxHop)) + s.Layout.maxHop)
}

// putFields writes the fields of hop k at b[i:] (which has room for the
// largest hop and stackSlack) and returns the index after them.
func (s *Stack) putFields(b []byte, i, k int) int {
	rec := s.record(k)
	if id := s.NodeIDAt(k); id != 0 {
		b[i] = tagHopNodeID
		i = putVarint(b, i+1, uint64(id))
	}
	l := s.Layout
	for j := range l.Fields[:l.NumFields] {
		f := &l.Fields[j]
		var x uint64 // value(), written out: it does not inline
		if o := int(f.Off); f.Len == 4 {
			x = uint64(binary.BigEndian.Uint32(rec[o:]))
		} else {
			x = f.wide(rec)
		}
		if x == f.ones {
			continue
		}
		e := &f.Entry
		binary.LittleEndian.PutUint64(b[i:], e.hdr)
		binary.LittleEndian.PutUint64(b[i+int(e.n):], bits.ReverseBytes64(x<<f.shift))
		i += int(e.n) + int(e.width)
	}
	return i
}

// put writes every hop of the stack as a Report.hops element at b[i:]
// (which has room for bound() and stackSlack) and returns the index after
// them. A hop's length is written before its fields in as many bytes as
// the largest hop needs, and the fields moved down in the rare case the
// hop came out shorter than that (never for INT-MD, whose hops are below
// 128 bytes).
func (s *Stack) put(b []byte, i int) int {
	if s.Recs != nil {
		return s.putRecs(b, i)
	}
	lb := varintLen(uint64(s.Layout.maxHop))
	for k := 0; k < s.N; k++ {
		b[i] = tagReportHops
		start := i + sizeTag + lb
		i = putLength(b, i+sizeTag, lb, s.putFields(b, start, k))
	}
	return i
}

// putLength writes the length of the bytes b[at+lb:end], written after lb
// bytes reserved for it, at b[at:] and returns their end: moved down when
// the length needs fewer than lb bytes.
func putLength(b []byte, at, lb, end int) int {
	start := at + lb
	n := end - start
	ln := putVarint(b, at, uint64(n)) - at
	if ln < lb {
		copy(b[at+ln:], b[start:end])
		end -= lb - ln
	}
	return end
}

// size returns the exact encoded size of the stack (a pass over its
// values: for ReportSize, not for the data path).
func (s *Stack) size() int {
	var buf [maxRecHop + stackSlack]byte
	n := 0
	for k := 0; k < s.N; k++ {
		var l int
		if s.Recs != nil {
			l = s.putRec(buf[:], 0, k)
		} else {
			l = s.putFields(buf[:], 0, k)
		}
		n += sizeBytesField(l)
	}
	return n
}
