package intdecode

import (
	"bytes"
	"encoding/binary"
	"testing"
	"wire2kafka/report"
)

// idintPacket builds a SCION packet with IPv6 destination and IPv4 source
// hosts, a hop-by-hop extension, an ID-INT header with a third-party
// verifier, an encrypted transit entry and a source entry, and TCP.
func idintPacket() []byte {
	s := []byte{0x00, 0x0a, 0xbc, 0xde, scionNextHBH, 12, 0, 0, 0, 0x30, 0, 0}
	s = binary.BigEndian.AppendUint64(s, uint64(report.MakeIA(1, 0xff00_0000_0002)))
	s = binary.BigEndian.AppendUint64(s, uint64(report.MakeIA(2, 0xff00_0000_0003)))
	s = append(s, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1) // dst 2001:db8::1
	s = append(s, 10, 0, 0, 9)                                                // src 10.0.0.9
	s = append(s, scionNextIDINT, 0, 0, 0)                                    // hop-by-hop extension, 4 bytes
	s = append(s, 0, 0x00, 44/4, scionNextTCP, 0, 255, 0x80, 0x00, 0x41, 0xff, 0xff, 0xff)
	s = append(s, 0, 0, 0, 0, 1, 0, 0, 7)                // source timestamp 256, source port 7
	s = append(s, 0, 1, 0xff, 0, 0, 0, 0, 1, 1, 2, 3, 4) // verifier 1-ff00:0:1, 1.2.3.4
	// Encrypted transit entry: header, nonce, 8 bytes of ciphertext, MAC.
	s = append(s, 0x08, 1<<2, 0x8a, 0x00)
	s = append(s, bytes.Repeat([]byte{0xee}, 12+8+4)...)
	// Source entry: node id 0x42, device vendor 0xdeadbeef, MAC.
	s = append(s, 0x80, 0, 0x8a, 0x00, 0, 0, 0, 0x42, 0xde, 0xad, 0xbe, 0xef, 9, 9, 9, 9)
	s = append(s, 0x11, 0x11, 0x22, 0x22)
	s = append(s, make([]byte, 16)...) // rest of the TCP header
	binary.BigEndian.PutUint16(s[6:], uint16(len(s)-48))
	return frame(50000, 0, s)
}

func TestDecodeIDINTFull(t *testing.T) {
	d, err := NewDecoder(Config{})
	if err != nil {
		t.Fatal(err)
	}
	pkt := idintPacket()
	rs, why := d.Decode(pkt, 5)
	if why != ReasonOK || len(rs) != 1 {
		t.Fatalf("Decode: %v, %d reports", why, len(rs))
	}
	r := &rs[0]
	k := r.Key
	if k.FlowID != 0xabcde || k.DstAS != 0xff00_0000_0002 || k.SrcAS != 0xff00_0000_0003 ||
		k.DstIP.Kind != report.AddrIPv6 || k.DstIP.Bytes[1] != 0x01 || k.SrcIP.Kind != report.AddrIPv4 || k.SrcIP.Bytes[3] != 9 ||
		k.SrcPort != 0x1111 || k.DstPort != 0x2222 || k.Protocol != report.ProtoTCP {
		t.Errorf("key %+v", k)
	}
	if r.SourceTime != 256 || r.PacketType != report.PacketSCION || r.ReceiveTime != 5 || !bytes.Equal(r.Truncated, pkt[42:42+DefaultMaxTruncated]) {
		t.Errorf("source time %d type %v truncated %d bytes", r.SourceTime, r.PacketType, len(r.Truncated))
	}
	if r.NumHops != 2 {
		t.Fatalf("%d hops", r.NumHops)
	}
	enc, src := &r.Hops[0], &r.Hops[1]
	encMD, srcMD := enc.Metadata(), src.Metadata()
	// The encrypted entry keeps only its flags (plus the report-level
	// main header keys of the first hop).
	if enc.NodeID != 0 || enc.ASN != 0 || enc.NumMD != 3 || encMD[0].Type != IDINTKeyFlags || !bytes.Equal(encMD[0].Value(), []byte{0x08, 0x04}) ||
		enc.Get(report.KeyIDINTMain) == nil || enc.Get(report.KeyIDINTInstr) == nil {
		t.Errorf("encrypted hop %+v", enc.Metadata())
	}
	if src.NodeID != 0x42 || src.ASN != 0xff00_0000_0003 || src.NumMD != 2 ||
		srcMD[1].Type != IDINTKeyInstr+0x41 || !bytes.Equal(srcMD[1].Value(), []byte{0xde, 0xad, 0xbe, 0xef}) {
		t.Errorf("source hop %+v asn %x node %x", src.Metadata(), src.ASN, src.NodeID)
	}
}

func TestDecodeIDINTStackErrors(t *testing.T) {
	d, err := NewDecoder(Config{})
	if err != nil {
		t.Fatal(err)
	}
	const stack = 42 + 48 + 4 + 20 + 12 // first stack entry in idintPacket
	tests := []struct {
		name string
		edit func(p []byte)
		want Reason
	}{
		{"source flag missing", func(p []byte) { p[stack+28] = 0 }, ReasonBadLength},
		{"two source entries", func(p []byte) { p[stack] |= 0x80 }, ReasonBadLength},
		{"entry longer than stack", func(p []byte) { p[stack+28+2] = 0x8f }, ReasonBadLength},
		{"reserved verifier", func(p []byte) { p[42+48+4+1] = 0x30 }, ReasonUnsupported},
		{"no ID-INT", func(p []byte) { p[42+48] = scionNextUDP }, ReasonNotINT},
		{"payload length", func(p []byte) { p[42+7]++ }, ReasonBadLength}, // the UDP payload is whole: the lengths disagree
		{"header length", func(p []byte) { p[42+5] = 2 }, ReasonBadLength},
	}
	for _, tt := range tests {
		p := idintPacket()
		tt.edit(p)
		if _, why := d.Decode(p, 1); why != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, why, tt.want)
		}
	}
}
