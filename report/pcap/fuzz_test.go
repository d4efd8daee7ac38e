package pcap

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// FuzzReader: any byte string is either a capture that reads to io.EOF or
// an error wrapping ErrFormat (or a short header); never a panic, and a
// capture that reads cleanly writes back to the same packets.
func FuzzReader(f *testing.F) {
	for _, nano := range []bool{false, true} {
		var buf bytes.Buffer
		w, _ := NewWriter(&buf, nano, 100)
		w.WritePacket(1_700_000_000_123_456_789, []byte{1, 2, 3}, 3)
		w.WritePacket(5, make([]byte, 60), 80)
		w.Flush()
		f.Add(buf.Bytes())
	}
	f.Add([]byte{})
	f.Add(make([]byte, fileHeaderLen))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		var pkts [][]byte
		for {
			_, p, orig, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				if !errors.Is(err, ErrFormat) {
					t.Fatalf("error %v does not wrap ErrFormat", err)
				}
				return
			}
			if orig < 0 || len(p) > 1<<18 {
				t.Fatalf("record of %d bytes, original length %d", len(p), orig)
			}
			pkts = append(pkts, append([]byte(nil), p...))
		}
		var buf bytes.Buffer
		w, err := NewWriter(&buf, r.Nano(), 1<<18)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pkts {
			if err := w.WritePacket(0, p, len(p)); err != nil {
				t.Fatal(err)
			}
		}
		w.Flush()
		r2, err := NewReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		for i := range pkts {
			_, p, _, err := r2.Next()
			if err != nil || !bytes.Equal(p, pkts[i]) {
				t.Fatalf("packet %d does not read back: %v", i, err)
			}
		}
	})
}
