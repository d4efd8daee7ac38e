package report

import (
	"bytes"
	"testing"
)

// TestAddBEMatchesAddUint: an entry written from a precomputed header is
// byte for byte the entry AddUint writes, for one- to three-byte keys and
// every width, and Metadata/Get read both back.
func TestAddBEMatchesAddUint(t *testing.T) {
	for _, typ := range []uint32{0, 2, 22, 0x7f, 0x80, 0x100, 0x341, 0x3fff, 0x4000, 1<<21 - 1} {
		for width := 1; width <= MaxMetadataLen; width++ {
			x := uint64(0x0102030405060708) >> (64 - 8*width)
			var a, b Hop
			if !a.AddUint(typ, width, x) || !b.AddBE(MakeEntryHeader(typ, width), x) {
				t.Fatalf("type %#x width %d: hop full", typ, width)
			}
			if !bytes.Equal(a.md[:a.mdLen], b.md[:b.mdLen]) || a.NumMD != b.NumMD {
				t.Errorf("type %#x width %d: AddBE % x, AddUint % x", typ, width, b.md[:b.mdLen], a.md[:a.mdLen])
			}
			md := b.Metadata()
			if len(md) != 1 || md[0].Type != typ || int(md[0].Len) != width || !bytes.Equal(b.Get(typ), md[0].Value()) {
				t.Errorf("type %#x width %d: read back %+v", typ, width, md)
			}
		}
	}
	var h Hop
	e := MakeEntryHeader(2, 4)
	for i := range MaxMetadata {
		if !h.AddBE(e, uint64(i)) {
			t.Fatalf("full after %d entries", i)
		}
	}
	if h.AddBE(e, 1) || h.Add(3, []byte{1}) {
		t.Error("a 17th entry was taken")
	}
}
