package intdecode

import (
	"errors"
	"io"
	"os"
	"slices"
	"testing"
	"wire2kafka/report"

	"google.golang.org/protobuf/proto"

	"wire2kafka/report/pcap"
	"wire2kafka/report/reportpb"
)

// udpPayloadOffset is where the UDP payload starts in the generated
// frames (Ethernet, IPv4 without options, UDP).
const udpPayloadOffset = 14 + 20 + 8

// addCaptureSeeds adds every packet of a testdata capture to the corpus.
func addCaptureSeeds(f *testing.F, path string) {
	for _, p := range capturePackets(f, path) {
		f.Add(p)
	}
}

// capturePackets returns the packets of a testdata capture.
func capturePackets(t testing.TB, path string) [][]byte {
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	r, err := pcap.NewReader(fh)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for {
		_, data, _, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, append([]byte(nil), data...))
	}
}

// checkDispatch checks that the dispatch parse of any frame gives between
// one hash and as many as fit, and a stable first key.
func checkDispatch(t *testing.T, d *Decoder, frame []byte, hs []uint64) {
	var k report.FlowKey
	d.DispatchKey(frame, &k, true)
	n := d.DispatchHashes(frame, true, hs)
	if n < 1 || n > len(hs) {
		t.Fatalf("DispatchHashes: %d hashes", n)
	}
	if m := d.DispatchHashes(frame, false, hs); m != 1 {
		t.Fatalf("DispatchHashes without inner: %d hashes", m)
	}
}

// checkOuterOnce checks that decoding after another stage's outer parse
// (DecodeOuter, DispatchHashesOuter: the pipeline's path) gives exactly
// what parsing again gives (Decode, DispatchHashes). a and b have the same
// configuration.
func checkOuterOnce(t *testing.T, a, b *Decoder, frame []byte) {
	var ft FiveTuple
	if ParseFiveTuple(frame, &ft) != ReasonOK {
		return
	}
	ra, wa := a.Decode(frame, 1)
	rb, wb := b.DecodeOuter(frame, 1, ft.Outer())
	if wa != wb || len(ra) != len(rb) || *a.Stats() != *b.Stats() {
		t.Fatalf("Decode: %v, %d reports, %+v; DecodeOuter: %v, %d reports, %+v", wa, len(ra), *a.Stats(), wb, len(rb), *b.Stats())
	}
	for i := range ra {
		if ra[i].Key != rb[i].Key || !proto.Equal(ra[i].Proto(), rb[i].Proto()) {
			t.Fatalf("report %d differs after DecodeOuter", i)
		}
	}
	var ha, hb [64]uint64
	for _, inner := range []bool{true, false} {
		na := a.DispatchHashes(frame, inner, ha[:])
		nb := b.DispatchHashesOuter(frame, ft.Outer(), inner, hb[:])
		if na != nb || !slices.Equal(ha[:na], hb[:nb]) {
			t.Fatalf("inner %v: DispatchHashes %x, DispatchHashesOuter %x", inner, ha[:na], hb[:nb])
		}
	}
}

// checkDecoded checks the invariants of a decode result: reports only on
// ReasonOK, bounded sizes, and an encoding that proto.Unmarshal reads back
// as the same report.
func checkDecoded(t *testing.T, frame []byte, rs []report.Report, why Reason) {
	if why >= NumReasons {
		t.Fatalf("reason %d out of range", why)
	}
	if why != ReasonOK {
		if len(rs) != 0 {
			t.Fatalf("reason %v with %d reports", why, len(rs))
		}
		if why.Err() == nil {
			t.Fatalf("reason %v without error", why)
		}
		return
	}
	if len(rs) == 0 {
		t.Fatal("ReasonOK without reports")
	}
	var buf []byte
	for i := range rs {
		r := &rs[i]
		if r.NumHops < 0 || r.NumHops > report.MaxHops || len(r.Truncated) > len(frame) {
			t.Fatalf("report %d: %d hops, %d truncated bytes", i, r.NumHops, len(r.Truncated))
		}
		buf = report.AppendReport(buf[:0], r)
		var got reportpb.Report
		if err := proto.Unmarshal(buf, &got); err != nil {
			t.Fatalf("report %d: unmarshal: %v", i, err)
		}
		if !proto.Equal(&got, r.Proto()) {
			t.Fatalf("report %d: round trip differs", i)
		}
		buf = report.AppendFlowKey(buf[:0], &r.Key)
		var k reportpb.FlowKey
		if err := proto.Unmarshal(buf, &k); err != nil {
			t.Fatalf("key %d: unmarshal: %v", i, err)
		}
	}
}

func FuzzDecodeTelemetryReport(f *testing.F) {
	addCaptureSeeds(f, "testdata/tr_v2.pcap")
	f.Add(trV1Frame())
	d, err := NewDecoder(Config{})
	if err != nil {
		f.Fatal(err)
	}
	// INT also by INT_TBD port (NPT 1/2 paths) and source-only metadata.
	mcfg := Config{MDUDPPorts: []uint16{5000, 4790}, SourceOnly: []SourceOnlyMD{{DomainID: 0x5453, Bytes: 8}}}
	dm, err := NewDecoder(mcfg)
	if err != nil {
		f.Fatal(err)
	}
	dm2, err := NewDecoder(mcfg)
	if err != nil {
		f.Fatal(err)
	}
	var ft FiveTuple
	hs := make([]uint64, 64)
	eager, inFrame := inFrameDecoders(f, mcfg)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkInFrame(t, eager, inFrame, data)
		ParseFiveTuple(data, &ft)
		rs, why := d.DecodeTelemetryReport(data, 1)
		checkDecoded(t, data, rs, why)
		rs, why = d.Decode(data, 1)
		checkDecoded(t, data, rs, why)
		checkDispatch(t, dm, data, hs)
		checkOuterOnce(t, dm, dm2, data)
		// The same bytes after the outer headers, re-wrapped in a valid
		// Ethernet/IPv4/UDP frame: mutations reach the report headers.
		if len(data) > udpPayloadOffset {
			w := frame(DefaultReportPort, 0, data[udpPayloadOffset:])
			rs, why = d.Decode(w, 1)
			checkDecoded(t, w, rs, why)
			rs, why = dm.Decode(w, 1)
			checkDecoded(t, w, rs, why)
			checkDispatch(t, dm, w, hs)
			checkOuterOnce(t, dm, dm2, w)
			checkInFrame(t, eager, inFrame, w)
		}
	})
}

func FuzzDecodeIDINT(f *testing.F) {
	addCaptureSeeds(f, "testdata/idint.pcap")
	d, err := NewDecoder(Config{})
	if err != nil {
		f.Fatal(err)
	}
	d2, err := NewDecoder(Config{})
	if err != nil {
		f.Fatal(err)
	}
	hs := make([]uint64, 64)
	eager, inFrame := inFrameDecoders(f, Config{})
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, why := d.DecodeIDINT(data, 1)
		checkDecoded(t, data, rs, why)
		checkInFrame(t, eager, inFrame, data)
		if len(data) > udpPayloadOffset {
			w := frame(DefaultSCIONPorts[0], 0, data[udpPayloadOffset:])
			rs, why = d.Decode(w, 1)
			checkDecoded(t, w, rs, why)
			checkDispatch(t, d, w, hs)
			checkOuterOnce(t, d, d2, w)
			checkInFrame(t, eager, inFrame, w)
		}
	})
}
