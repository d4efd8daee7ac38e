package intdecode_test

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"wire2kafka/report/intdecode"

	"wire2kafka/report"
	"wire2kafka/report/intgen"
	"wire2kafka/report/pcap"
)

// TestDispatchKey: for every packet of mixed captures (every Telemetry
// Report and ID-INT variant the generator makes) and of the spec cases,
// the dispatch key is the key Decode gives the packet's first report
// (ID-INT: without the ports), and computing it does not allocate.
func TestDispatchKey(t *testing.T) {
	check := func(t *testing.T, d, full *intdecode.Decoder, frame []byte) bool {
		t.Helper()
		var k report.FlowKey
		inner := d.DispatchKey(frame, &k, true)
		rs, why := full.Decode(frame, 1)
		if why != intdecode.ReasonOK || full.Stats().LostTotal() > 0 {
			return false // the first report is not the first decoded one: the key only has to be stable
		}
		want := rs[0].Key
		if want.FlowID != 0 || want.DstAS != 0 { // SCION: addresses and flow id
			want.SrcPort, want.DstPort, want.Protocol = 0, 0, report.ProtoNone
		}
		if !inner || k != want {
			t.Errorf("dispatch key %+v (inner %v), decoded key %+v", k, inner, want)
		}
		return true
	}
	for _, o := range []intgen.Options{
		{Format: intgen.FormatTR, Mix: true, Flows: 16, Packets: 2000, Seed: 41, Decoder: intdecode.Config{MDUDPPorts: []uint16{intgen.DefaultMDUDPPort}}},
		{Format: intgen.FormatTR, Mix: true, Flows: 16, Packets: 1000, ReportsPerPacket: 3, Seed: 42, Decoder: intdecode.Config{MDUDPPorts: []uint16{intgen.DefaultMDUDPPort}}},
		{Format: intgen.FormatIDINT, Mix: true, Flows: 8, Packets: 1000, Seed: 43},
	} {
		var capture, truth bytes.Buffer
		if _, err := intgen.Generate(o, &capture, &truth); err != nil {
			t.Fatal(err)
		}
		d, _ := intdecode.NewDecoder(o.Decoder)
		full, _ := intdecode.NewDecoder(o.Decoder)
		pr, err := pcap.NewReader(&capture)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		var frames [][]byte
		for {
			_, data, _, err := pr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			frames = append(frames, append([]byte(nil), data...))
			if check(t, d, full, data) {
				n++
			}
		}
		if n == 0 {
			t.Fatal("no packet checked")
		}
		var k report.FlowKey
		i := 0
		if a := testing.AllocsPerRun(1000, func() {
			d.DispatchKey(frames[i%len(frames)], &k, true)
			_ = k.Hash()
			i++
		}); a != 0 {
			t.Errorf("DispatchKey + Hash: %v allocations", a)
		}
	}
	for _, cases := range [][]specCase{specTRCases, specIDINTCases} {
		for _, c := range cases {
			cfg := intdecode.Config{MDUDPPorts: c.Config.MDUDPPorts, MDDSCPOff: c.Config.MDDSCPOff, MaxFrame: max(intdecode.DefaultMaxFrame, len(c.Frame))}
			if c.Config.MDDSCP != nil {
				cfg.MDDSCP, cfg.MDDSCPMask = c.Config.MDDSCP[0], c.Config.MDDSCP[1]
			}
			if len(c.Config.SourceOnly) > 0 || len(c.Config.ReportPorts) > 0 || len(c.Config.SCIONPorts) > 0 {
				continue
			}
			d, _ := intdecode.NewDecoder(cfg)
			full, _ := intdecode.NewDecoder(cfg)
			t.Run(c.Name, func(t *testing.T) { check(t, d, full, c.Frame) })
		}
	}
}

// TestDispatchHashes: a Telemetry Report group gives the hash of every
// report's flow, in packet order, equal to the hashes of the keys Decode
// gives; other packets give one.
func TestDispatchHashes(t *testing.T) {
	o := intgen.Options{Format: intgen.FormatTR, Mix: true, Flows: 16, Packets: 1000, ReportsPerPacket: 3, Seed: 44, Decoder: intdecode.Config{MDUDPPorts: []uint16{intgen.DefaultMDUDPPort}}}
	var capture, truth bytes.Buffer
	if _, err := intgen.Generate(o, &capture, &truth); err != nil {
		t.Fatal(err)
	}
	d, _ := intdecode.NewDecoder(o.Decoder)
	full, _ := intdecode.NewDecoder(o.Decoder)
	pr, err := pcap.NewReader(&capture)
	if err != nil {
		t.Fatal(err)
	}
	hs := make([]uint64, 64)
	multi := 0
	for {
		_, data, _, err := pr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n := d.DispatchHashes(data, true, hs)
		rs, why := full.Decode(data, 1)
		if why != intdecode.ReasonOK || full.Stats().LostTotal() > 0 {
			continue
		}
		if n != len(rs) {
			t.Fatalf("%d hashes for %d reports", n, len(rs))
		}
		for i := range rs {
			if hs[i] != rs[i].Key.Hash() {
				t.Fatalf("report %d: hash %x, decoded key's %x", i, hs[i], rs[i].Key.Hash())
			}
		}
		if n > 1 {
			multi++
		}
	}
	if multi == 0 {
		t.Fatal("no group with several reports")
	}
}
