package intgen

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
	"wire2kafka/report/intdecode"

	"google.golang.org/protobuf/proto"

	"wire2kafka/report"
	"wire2kafka/report/pcap"
)

// checkCapture decodes every packet of the capture and checks that the
// outcome reproduces the truth exactly: same reports, keys, per-flow order,
// and malformed packets with the same reasons.
func checkCapture(t *testing.T, capture, truth []byte, cfg intdecode.Config) (reports, malformed int) {
	t.Helper()
	tr, err := ReadTruth(bytes.NewReader(truth))
	if err != nil {
		t.Fatal(err)
	}
	d, err := intdecode.NewDecoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	pr, err := pcap.NewReader(bytes.NewReader(capture))
	if err != nil {
		t.Fatal(err)
	}
	ri, mi, li := 0, 0, 0
	nextIndex := map[int]int{}
	var key []byte
	for pkt := 0; ; pkt++ {
		ts, data, _, err := pr.Next()
		if errors.Is(err, io.EOF) {
			if pkt != tr.Header.Packets {
				t.Fatalf("capture has %d packets, truth header says %d", pkt, tr.Header.Packets)
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rs, why := d.Decode(data, ts)
		if why != intdecode.ReasonOK {
			if mi >= len(tr.Malformed) || tr.Malformed[mi].Packet != pkt {
				t.Fatalf("packet %d: decode failed with %v, truth expects reports", pkt, why)
			}
			if got, want := why.String(), tr.Malformed[mi].Reason; got != want {
				t.Fatalf("packet %d: reason %s, truth %s", pkt, got, want)
			}
			mi++
			continue
		}
		// Individual reports lost in this packet, by the truth and by the decoder.
		for ; li < len(tr.Lost) && tr.Lost[li].Packet == pkt; li++ {
			why, _ := intdecode.ParseReason(tr.Lost[li].Reason)
			if d.Stats().Lost[why] == 0 {
				t.Fatalf("packet %d: truth has a lost %s report, the decoder lost %v", pkt, why, d.Stats().Lost)
			}
		}
		if n := d.Stats().LostTotal(); n > 0 && (li == 0 || tr.Lost[li-1].Packet != pkt) {
			t.Fatalf("packet %d: decoder lost %d reports, truth none", pkt, n)
		}
		for i := range rs {
			r := &rs[i]
			if ri >= len(tr.Reports) || tr.Reports[ri].Packet != pkt {
				t.Fatalf("packet %d: decoded report %d not in truth", pkt, i)
			}
			want := tr.Reports[ri]
			if want.Index != nextIndex[want.Flow] {
				t.Fatalf("packet %d: flow %d index %d, want %d", pkt, want.Flow, want.Index, nextIndex[want.Flow])
			}
			nextIndex[want.Flow]++
			if got := r.Proto(); !proto.Equal(got, want.Report) {
				t.Fatalf("packet %d report %d differs:\n got %v\nwant %v", pkt, i, got, want.Report)
			}
			if got := r.Key.Proto(); !proto.Equal(got, want.Key) {
				t.Fatalf("packet %d key differs:\n got %v\nwant %v", pkt, got, want.Key)
			}
			key = report.AppendFlowKey(key[:0], &r.Key)
			if !bytes.Equal(key, want.KeyBytes) {
				t.Fatalf("packet %d: key bytes %x, truth %x", pkt, key, want.KeyBytes)
			}
			ri++
		}
	}
	if ri != len(tr.Reports) || mi != len(tr.Malformed) || li != len(tr.Lost) {
		t.Fatalf("matched %d/%d reports, %d/%d malformed, %d/%d lost", ri, len(tr.Reports), mi, len(tr.Malformed), li, len(tr.Lost))
	}
	return ri, mi
}

func TestGenerateDecodes(t *testing.T) {
	tests := []Options{
		{Format: FormatTR, Flows: 5, Hops: 3, Packets: 300, Malformed: 0.2, Seed: 1},
		{Format: FormatTR, Flows: 3, Hops: 1, Packets: 200, Metadata: []uint32{1, 2, 3, 4, 5, 6, 7, 8}, ReportsPerPacket: 3, Size: 600, Seed: 2, Malformed: 0.1},
		{Format: FormatTR, Flows: 1, Hops: 16, Packets: 50, Exponential: true, Micro: true, Seed: 3},
		{Format: FormatIDINT, Flows: 5, Hops: 4, Packets: 300, Malformed: 0.2, Seed: 4},
		{Format: FormatIDINT, Flows: 2, Hops: 1, Packets: 100, Metadata: []uint32{}, Size: 1000, Seed: 5, Gap: time.Millisecond},
		{Format: FormatIDINT, Flows: 7, Hops: 8, Packets: 100, Metadata: []uint32{0x01, 0x44, 0x82, 0xc1}, Seed: 6,
			Decoder: intdecode.Config{SCIONPorts: []uint16{31000}, MaxTruncated: 64}},
		// Every variant (Options.Mix).
		{Format: FormatTR, Mix: true, Flows: 16, Hops: 3, Packets: 2000, ReportsPerPacket: 3, Malformed: 0.05, Seed: 7,
			Decoder: intdecode.Config{MDUDPPorts: []uint16{DefaultMDUDPPort}}},
		{Format: FormatTR, Mix: true, Flows: 8, Hops: 2, Packets: 500, Metadata: []uint32{1, 2, 3, 4, 5, 6, 7, 8}, Seed: 8,
			Decoder: intdecode.Config{MDUDPPorts: []uint16{4790, 5000}, MDDSCP: 0x20, MDDSCPMask: 0x3c}},
		{Format: FormatTR, Mix: true, Flows: 8, Hops: 1, Packets: 300, Seed: 9,
			Decoder: intdecode.Config{MDUDPPorts: []uint16{DefaultMDUDPPort}}},
		{Format: FormatIDINT, Mix: true, Flows: 6, Hops: 4, Packets: 500, Malformed: 0.1, Seed: 10},
		{Format: FormatIDINT, Mix: true, Flows: 3, Hops: 2, Packets: 200, Metadata: []uint32{0x4e, 0x4f, 0x83, 0x05}, Seed: 11},
	}
	for i, o := range tests {
		var capture, truth bytes.Buffer
		sum, err := Generate(o, &capture, &truth)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		var reports, malformed int
		t.Run(fmt.Sprint("case ", i), func(t *testing.T) {
			reports, malformed = checkCapture(t, capture.Bytes(), truth.Bytes(), o.Decoder)
		})
		if reports != sum.Reports || malformed != sum.Malformed || sum.Packets != o.Packets {
			t.Errorf("case %d: summary %+v, checked %d reports %d malformed", i, sum, reports, malformed)
		}
		if o.Malformed > 0 && o.ReportsPerPacket > 1 && sum.Lost == 0 {
			t.Errorf("case %d: no packet with one lost report among good ones", i)
		}
		if o.Malformed > 0 && malformed == 0 {
			t.Errorf("case %d: no malformed packets generated", i)
		}
		// Deterministic: the same options give the same bytes.
		var c2, t2 bytes.Buffer
		if _, err := Generate(o, &c2, &t2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(c2.Bytes(), capture.Bytes()) || !bytes.Equal(t2.Bytes(), truth.Bytes()) {
			t.Errorf("case %d: output not deterministic", i)
		}
	}
}

// TestTestdataCaptures checks the committed captures against their truth.
func TestTestdataCaptures(t *testing.T) {
	files, err := filepath.Glob("../intdecode/testdata/*.pcap")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no captures in report/intdecode/testdata")
	}
	for _, f := range files {
		capture, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		truth, err := os.ReadFile(f[:len(f)-len(".pcap")] + ".truth.jsonl")
		if err != nil {
			t.Fatal(err)
		}
		reports, malformed := checkCapture(t, capture, truth, intdecode.Config{})
		tr, err := ReadTruth(bytes.NewReader(truth))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, rs := range tr.ReportsByKey() {
			n += len(rs)
		}
		if n != reports || len(tr.ReportsByKey()) != tr.Header.Flows {
			t.Errorf("%s: ReportsByKey has %d reports under %d keys, want %d under %d", f, n, len(tr.ReportsByKey()), reports, tr.Header.Flows)
		}
		t.Logf("%s: %d reports, %d malformed", filepath.Base(f), reports, malformed)
	}
}

func TestOptionsErrors(t *testing.T) {
	bad := []Options{
		{Format: "x"},
		{Flows: -1},
		{Hops: 17},
		{Metadata: []uint32{9}},
		{Metadata: []uint32{2, 2}},
		{Format: FormatIDINT, Metadata: []uint32{1, 2, 3, 4, 5}},
		{Format: FormatIDINT, Metadata: []uint32{0xff}},
		{Format: FormatIDINT, ReportsPerPacket: 2},
		{Malformed: 1.5},
		{Size: 100000},
	}
	for i, o := range bad {
		if _, err := Generate(o, io.Discard, io.Discard); err == nil {
			t.Errorf("case %d (%+v): want error", i, o)
		}
	}
}
