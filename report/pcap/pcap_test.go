package pcap

import (
	"bytes"
	"io"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	for _, nano := range []bool{false, true} {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, nano, 100)
		if err != nil {
			t.Fatal(err)
		}
		pkts := [][]byte{{1, 2, 3}, make([]byte, 150), {}}
		ts := []uint64{1_700_000_000_123_456_789, 1_700_000_001_000_000_001, 5}
		for i, p := range pkts {
			if err := w.WritePacket(ts[i], p, len(p)+i); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		r, err := NewReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if r.Nano() != nano || r.LinkType() != LinkEthernet {
			t.Fatalf("nano %v link %d", r.Nano(), r.LinkType())
		}
		for i, p := range pkts {
			gotTs, data, orig, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			wantTs := ts[i]
			if !nano {
				wantTs = wantTs / 1000 * 1000
			}
			wantLen := min(len(p), 100)
			if gotTs != wantTs || len(data) != wantLen || orig != len(p)+i || !bytes.Equal(data, p[:wantLen]) {
				t.Errorf("nano=%v packet %d: ts %d len %d orig %d; want %d %d %d", nano, i, gotTs, len(data), orig, wantTs, wantLen, len(p)+i)
			}
		}
		if _, _, _, err := r.Next(); err != io.EOF {
			t.Fatalf("want EOF, got %v", err)
		}
	}
}

func TestBadMagic(t *testing.T) {
	if _, err := NewReader(bytes.NewReader(make([]byte, 24))); err == nil {
		t.Fatal("want error for zero magic")
	}
}
