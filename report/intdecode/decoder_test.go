package intdecode

import (
	"encoding/binary"
	"testing"
	"wire2kafka/report"
)

// frame assembles an Ethernet/IPv4/UDP frame around payload with correct
// lengths (checksums are not checked by the decoder).
func frame(dport uint16, dscp uint8, payload []byte) []byte {
	b := []byte{2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00,
		0x45, dscp << 2, 0, 0, 0, 1, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
		0x9c, 0x40, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint16(b[36:], dport)
	b = append(b, payload...)
	binary.BigEndian.PutUint16(b[16:], uint16(len(b)-14))
	binary.BigEndian.PutUint16(b[38:], uint16(len(b)-34))
	return b
}

// trV1Frame returns a Telemetry Report v1.0 packet: fixed header (Length
// 4, NProt 0, F set, hw_id 1, switch 0x77, sequence 9, ingress timestamp
// 0x01020304) and an inner Ethernet/IPv4/UDP packet with an INT v1.0
// stack of two hops (node id + hop latency).
func trV1Frame() []byte {
	p := []byte{1<<4 | 4, 0, 0, 0x40 | 1, 0, 0, 0, 0x77, 0, 0, 0, 9, 1, 2, 3, 4}
	stack := []byte{0, 0, 0, 0x22, 0, 0, 0, 5, 0, 0, 0, 0x11, 0, 0, 0, 7}
	int1 := append([]byte{1, 0, byte((4 + 8 + len(stack)) / 4), 0, 1 << 4, 0, 2, 8, 0xa0, 0, 0, 0}, stack...)
	inner := frame(4790, DefaultMDDSCP, int1)
	return frame(DefaultReportPort, 0, append(p, inner...))
}

func TestDecodeTelemetryReportV1(t *testing.T) {
	d, err := NewDecoder(Config{})
	if err != nil {
		t.Fatal(err)
	}
	rs, why := d.Decode(trV1Frame(), 42)
	if why != ReasonOK || len(rs) != 1 {
		t.Fatalf("Decode: %v, %d reports", why, len(rs))
	}
	r := &rs[0]
	if r.NumHops != 3 || r.Hops[0].NodeID != 0x77 || r.Hops[1].NodeID != 0x22 || r.Hops[2].NodeID != 0x11 {
		t.Fatalf("hops %d: %+v", r.NumHops, r.HopList())
	}
	// The 32-bit ingress timestamp, zero-extended to MetadataType 4's 8 bytes.
	if v := r.Hops[0].Get(4); string(v) != "\x00\x00\x00\x00\x01\x02\x03\x04" {
		t.Errorf("sink metadata %+v", r.Hops[0].Metadata())
	}
	if v := r.Hops[0].Get(report.KeyTRGroup); string(v) != "\x01\x01\x00\x00\x00\x09" {
		t.Errorf("group key %x", v)
	}
	if md := r.Hops[2].Metadata(); len(md) != 1 || md[0].Type != 2 || md[0].Value()[3] != 7 {
		t.Errorf("source hop metadata %+v", md)
	}
	if r.Key.DstPort != 4790 || r.Key.Protocol != report.ProtoUDP || r.Key.SrcIP.Kind != report.AddrIPv4 || r.PacketType != report.PacketEthernet || r.ReceiveTime != 42 {
		t.Errorf("key %+v type %v", r.Key, r.PacketType)
	}
}

func TestDecodeReasons(t *testing.T) {
	grp := []byte{2 << 4, 0, 0, 1, 0, 0, 0, 9} // v2.0 group header, node 9
	tests := []struct {
		name  string
		frame []byte
		want  Reason
	}{
		{"empty", nil, ReasonTruncated},
		{"short ethernet", make([]byte, 13), ReasonTruncated},
		{"arp", append(make([]byte, 12), 0x08, 0x06, 0, 0), ReasonNotINT},
		{"udp other port", frame(53, 0, []byte{1, 2, 3}), ReasonNotINT},
		{"ip length beyond frame", frame(DefaultReportPort, 0, grp)[:40], ReasonTruncated},
		{"tr empty payload", frame(DefaultReportPort, 0, nil), ReasonTruncated},
		{"tr bad version", frame(DefaultReportPort, 0, []byte{5 << 4, 0, 0, 0, 0, 0, 0, 0}), ReasonBadVersion},
		{"tr group without reports", frame(DefaultReportPort, 0, grp), ReasonBadLength},
		{"tr report length 0: header only", frame(DefaultReportPort, 0, append(grp, 1<<4, 0, 0, 0)), ReasonOK},
		{"tr report beyond packet", frame(DefaultReportPort, 0, append(grp, 1<<4, 9, 0, 0)), ReasonTruncated},
		{"tr non-INT report", frame(DefaultReportPort, 0, append(grp, 2<<4, 1, 0, 0, 0, 0, 0, 0)), ReasonUnsupported},
		{"tr md beyond report", frame(DefaultReportPort, 0, append(grp, 1<<4, 2, 1, 0, 0x80, 0, 0, 0, 0, 0, 0, 0)), ReasonBadLength},
		{"tr reserved md bit skipped", frame(DefaultReportPort, 0, append(grp, 1<<4, 3, 1, 0, 0x00, 0x40, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4)), ReasonOK},
		{"tr reserved inner type", frame(DefaultReportPort, 0, append(grp, 1<<4|9, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), ReasonOK},
		{"tr inner none", frame(DefaultReportPort, 0, append(grp, 1<<4, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), ReasonOK},
		{"scion short", frame(30041, 0, []byte{0, 0, 0}), ReasonTruncated},
		{"scion bad version", frame(30041, 0, append([]byte{1 << 4}, make([]byte, 40)...)), ReasonBadVersion},
	}
	d, err := NewDecoder(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		rs, why := d.Decode(tt.frame, 1)
		if why != tt.want {
			t.Errorf("%s: reason %v, want %v", tt.name, why, tt.want)
		}
		if (why == ReasonOK) != (len(rs) > 0) {
			t.Errorf("%s: %v with %d reports", tt.name, why, len(rs))
		}
	}
}

func TestParseFiveTupleIPv6VLAN(t *testing.T) {
	b := []byte{2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x81, 0x00, 0, 5, 0x86, 0xdd}
	ip6 := make([]byte, 40)
	ip6[0], ip6[1] = 0x60|0x2, 0x80 // DSCP 0x0a
	binary.BigEndian.PutUint16(ip6[4:], 8+20)
	ip6[6] = 60 // destination options
	ip6[8], ip6[39] = 0x20, 0x01
	b = append(b, ip6...)
	b = append(b, 17, 0, 0, 0, 0, 0, 0, 0)             // destination options, 8 bytes, next UDP
	b = append(b, 0x12, 0x34, 0x56, 0x78, 0, 20, 0, 0) // UDP 4660 -> 22136, length 20
	b = append(b, make([]byte, 12)...)
	var ft FiveTuple
	if why := ParseFiveTuple(b, &ft); why != ReasonOK {
		t.Fatalf("ParseFiveTuple: %v", why)
	}
	if !ft.IPv6 || ft.Proto != 17 || ft.SrcPort != 0x1234 || ft.DstPort != 0x5678 || ft.DSCP != 0x0a ||
		ft.SrcIP[0] != 0x20 || ft.DstIP[15] != 0x01 || ft.L4Offset != 18+48 || ft.L4End != len(b) {
		t.Errorf("five tuple %+v", ft)
	}
	if why := ParseFiveTuple(b[:len(b)-1], &ft); why != ReasonTruncated {
		t.Errorf("cut frame: %v, want truncated", why)
	}
}
