package intdecode_test

import (
	"encoding/hex"
	"fmt"
	"google.golang.org/protobuf/proto"
	"net/netip"
	"reflect"
	"sort"
	"strings"
	"testing"
	"wire2kafka/report/intdecode"

	"wire2kafka/report"
)

// TestSpecTelemetryReport and TestSpecIDINT run the spec conformance
// cases: packets assembled byte by byte from the specs (spec_tr_test.go,
// spec_idint_test.go), independent of report/intgen.

func TestSpecTelemetryReport(t *testing.T) { runSpecCases(t, specTRCases) }

func TestSpecIDINT(t *testing.T) { runSpecCases(t, specIDINTCases) }

// TestInFrameLayoutReuse: the in-frame decoder rebuilds a stack's layout
// only when what it was built from changes (INT-MD: the bitmap; ID-INT:
// per stack position, the entry's mask, lengths and flags and the main
// header's instructions). For every spec packet and every byte of it
// changed in turn (bits 0x01, 0x10, 0x40 and 0x80 flipped, or the byte set
// to 0xff or 0), it decodes the packet, the changed one and the packet again with one in-frame decoder, each
// judged by the eager decoder: a layout reused for a packet whose shape
// differs encodes other bytes. Before that, every spec case is decoded
// after every other with the same decoders.
func TestInFrameLayoutReuse(t *testing.T) {
	for _, cases := range [][]specCase{specTRCases, specIDINTCases} {
		// Every case after every other (where their configurations
		// agree): one revision's or format's layout followed by another's.
		for _, a := range cases {
			eager, inFrame := intdecode.InFrameDecoders(t, specDecoderConfig(&a))
			for _, b := range cases {
				if reflect.DeepEqual(specDecoderConfig(&a), specDecoderConfig(&b)) {
					intdecode.CheckInFrame(t, eager, inFrame, a.Frame)
					intdecode.CheckInFrame(t, eager, inFrame, b.Frame)
				}
			}
		}
		for _, c := range cases {
			eager, inFrame := intdecode.InFrameDecoders(t, specDecoderConfig(&c))
			f := append([]byte(nil), c.Frame...)
			for i := range f {
				for _, x := range []byte{0x01, 0x10, 0x40, 0x80, ^c.Frame[i], c.Frame[i]} {
					intdecode.CheckInFrame(t, eager, inFrame, c.Frame)
					f[i] ^= x
					intdecode.CheckInFrame(t, eager, inFrame, f)
					f[i] ^= x
				}
			}
		}
	}
}

func runSpecCases(t *testing.T, cases []specCase) {
	t.Helper()
	if len(cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			d, err := intdecode.NewDecoder(specDecoderConfig(&c))
			if err != nil {
				t.Fatal(err)
			}
			rs, why := d.Decode(c.Frame, 1)
			// The pipeline's path (the ACL parsed the outer headers) must
			// give the same outcome on the spec's packets.
			var ft intdecode.FiveTuple
			if intdecode.ParseFiveTuple(c.Frame, &ft) == intdecode.ReasonOK {
				d2, err := intdecode.NewDecoder(specDecoderConfig(&c))
				if err != nil {
					t.Fatal(err)
				}
				rs2, why2 := d2.DecodeOuter(c.Frame, 1, ft.Outer())
				if why2 != why || len(rs2) != len(rs) || *d2.Stats() != *d.Stats() {
					t.Errorf("%s (%s): DecodeOuter %v with %d reports, Decode %v with %d", c.Name, c.Cites, why2, len(rs2), why, len(rs))
				}
				for i := range min(len(rs), len(rs2)) {
					if rs[i].Key != rs2[i].Key || !proto.Equal(rs[i].Proto(), rs2[i].Proto()) {
						t.Errorf("%s (%s): report %d differs between Decode and DecodeOuter", c.Name, c.Cites, i)
					}
				}
			}
			// The Kafka worker's one-pass path (stacks left in the frame and
			// transcoded) must encode the same bytes.
			eager, inFrame := intdecode.InFrameDecoders(t, specDecoderConfig(&c))
			intdecode.CheckInFrame(t, eager, inFrame, c.Frame)
			if msg := compareLost(d.Stats(), c.Lost); msg != "" {
				t.Errorf("%s (%s): lost reports: %s", c.Name, c.Cites, msg)
			}
			if len(c.Want) == 0 {
				if why.String() != c.Reason || len(rs) != 0 {
					t.Errorf("%s (%s): outcome %v with %d reports, want %s and none", c.Name, c.Cites, why, len(rs), c.Reason)
				}
				return
			}
			if why != intdecode.ReasonOK || len(rs) != len(c.Want) {
				t.Fatalf("%s (%s): outcome %v with %d reports, want ok with %d", c.Name, c.Cites, why, len(rs), len(c.Want))
			}
			for i := range c.Want {
				for _, msg := range compareReport(&rs[i], &c.Want[i]) {
					t.Errorf("%s (%s): report %d: %s", c.Name, c.Cites, i, msg)
				}
			}
		})
	}
}

func specDecoderConfig(c *specCase) intdecode.Config {
	cfg := intdecode.Config{
		ReportPorts: c.Config.ReportPorts,
		SCIONPorts:  c.Config.SCIONPorts,
		MDUDPPorts:  c.Config.MDUDPPorts,
		MDDSCPOff:   c.Config.MDDSCPOff,
		MaxFrame:    max(intdecode.DefaultMaxFrame, len(c.Frame)),
	}
	for id, n := range c.Config.SourceOnly {
		cfg.SourceOnly = append(cfg.SourceOnly, intdecode.SourceOnlyMD{DomainID: id, Bytes: n})
	}
	if c.Config.MDDSCP != nil {
		cfg.MDDSCP, cfg.MDDSCPMask = c.Config.MDDSCP[0], c.Config.MDDSCP[1]
	}
	return cfg
}

func compareLost(st *intdecode.Stats, want map[string]int) string {
	got := map[string]int{}
	for r, n := range st.Lost {
		if n > 0 {
			got[intdecode.Reason(r).String()] = int(n)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(map[string]int(nonNil(want))) {
		return fmt.Sprintf("got %v, want %v", got, want)
	}
	return ""
}

func nonNil(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}

var packetTypes = map[report.PacketType]string{report.PacketNone: "none", report.PacketEthernet: "ethernet",
	report.PacketIPv4: "ipv4", report.PacketIPv6: "ipv6", report.PacketSCION: "scion"}

func addrString(a report.Addr) string {
	switch a.Kind {
	case report.AddrIPv4:
		return netip.AddrFrom4([4]byte(a.Bytes[:4])).String()
	case report.AddrIPv6:
		return netip.AddrFrom16(a.Bytes).String()
	}
	return ""
}

func canonIP(s string) string {
	if s == "" {
		return ""
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return "bad address " + s
	}
	return a.String()
}

var protoNames = map[report.Protocol]string{report.ProtoNone: "", report.ProtoUDP: "udp", report.ProtoTCP: "tcp"}

func compareReport(r *report.Report, w *specReport) []string {
	var msgs []string
	k := r.Key
	got := specKey{SrcIP: addrString(k.SrcIP), DstIP: addrString(k.DstIP), SrcPort: k.SrcPort, DstPort: k.DstPort,
		Proto: protoNames[k.Protocol], SrcAS: k.SrcAS, DstAS: k.DstAS, FlowID: k.FlowID}
	want := w.Key
	want.SrcIP, want.DstIP = canonIP(want.SrcIP), canonIP(want.DstIP)
	if got != want {
		msgs = append(msgs, fmt.Sprintf("key %+v, want %+v", got, want))
	}
	if pt := packetTypes[r.PacketType]; pt != w.PacketType {
		msgs = append(msgs, fmt.Sprintf("packet type %s, want %s", pt, w.PacketType))
	}
	hops := r.HopList()
	if len(hops) != len(w.Hops) {
		msgs = append(msgs, fmt.Sprintf("%d hops %s, want %d %s", len(hops), hopIDs(hops), len(w.Hops), wantIDs(w.Hops)))
		return msgs
	}
	for i := range hops {
		h, wh := &hops[i], &w.Hops[i]
		if h.NodeID != wh.NodeID || h.ASN != wh.ASN {
			msgs = append(msgs, fmt.Sprintf("hop %d: node %#x asn %#x, want node %#x asn %#x", i, h.NodeID, h.ASN, wh.NodeID, wh.ASN))
		}
		gotMD := map[uint32]string{}
		for _, m := range h.Metadata() {
			gotMD[m.Type] = hex.EncodeToString(m.Value())
		}
		for key, v := range wh.MD {
			if g, ok := gotMD[key]; !ok {
				msgs = append(msgs, fmt.Sprintf("hop %d: key %#x missing, want %s (have %s)", i, key, v, mdString(gotMD)))
			} else if g != strings.ToLower(v) {
				msgs = append(msgs, fmt.Sprintf("hop %d: key %#x = %s, want %s", i, key, g, v))
			}
		}
		for key, v := range gotMD {
			if _, listed := wh.MD[key]; !listed && key < 0x300 {
				msgs = append(msgs, fmt.Sprintf("hop %d: extra key %#x = %s", i, key, v))
			}
		}
	}
	return msgs
}

func hopIDs(hs []report.Hop) string {
	var s []string
	for _, h := range hs {
		s = append(s, fmt.Sprintf("%#x", h.NodeID))
	}
	return "[" + strings.Join(s, " ") + "]"
}

func wantIDs(hs []specHop) string {
	var s []string
	for _, h := range hs {
		s = append(s, fmt.Sprintf("%#x", h.NodeID))
	}
	return "[" + strings.Join(s, " ") + "]"
}

func mdString(m map[uint32]string) string {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, int(k))
	}
	sort.Ints(keys)
	var s []string
	for _, k := range keys {
		s = append(s, fmt.Sprintf("%#x=%s", k, m[uint32(k)]))
	}
	return strings.Join(s, " ")
}
