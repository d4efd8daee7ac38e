package intdecode

import (
	"bytes"
	"testing"

	"wire2kafka/report"
)

// checkInFrame decodes frame with eager (Config.StackInFrame false) and
// inFrame (the same configuration with StackInFrame) and checks that both
// give the same outcome, statistics, keys, hop counts and encoded bytes
// (AppendReport, AppendBatchEntry, ReportSize): the one-pass transcoder is
// judged by the decoder the spec tests judge.
func checkInFrame(t testing.TB, eager, inFrame *Decoder, frame []byte) {
	t.Helper()
	if eager.cfg.StackInFrame || !inFrame.cfg.StackInFrame {
		t.Fatal("checkInFrame: want an eager and an in-frame decoder")
	}
	ra, wa := eager.Decode(frame, 1767225600e9)
	rb, wb := inFrame.Decode(frame, 1767225600e9)
	if wa != wb || len(ra) != len(rb) || *eager.Stats() != *inFrame.Stats() {
		t.Fatalf("eager: %v, %d reports, %+v; in frame: %v, %d reports, %+v", wa, len(ra), *eager.Stats(), wb, len(rb), *inFrame.Stats())
	}
	var ba, bb []byte
	for i := range ra {
		a, b := &ra[i], &rb[i]
		if a.Key != b.Key || a.TotalHops() != b.TotalHops() || a.Stack.N != 0 {
			t.Fatalf("report %d: key %+v vs %+v, hops %d vs %d (%d in the eager stack)", i, a.Key, b.Key, a.TotalHops(), b.TotalHops(), a.Stack.N)
		}
		ba, bb = report.AppendReport(ba[:0], a), report.AppendReport(bb[:0], b)
		if !bytes.Equal(ba, bb) {
			t.Fatalf("report %d: AppendReport differs (%d hops, %d in the stack):\neager    %x\nin frame %x", i, b.TotalHops(), b.Stack.N, ba, bb)
		}
		if n := report.ReportSize(b); n != len(bb) {
			t.Fatalf("report %d: ReportSize %d, encoded %d bytes", i, n, len(bb))
		}
		ba, bb = report.AppendBatchEntry(ba[:0], a), report.AppendBatchEntry(bb[:0], b)
		if !bytes.Equal(ba, bb) {
			t.Fatalf("report %d: AppendBatchEntry differs:\neager    %x\nin frame %x", i, ba, bb)
		}
	}
}

// inFrameDecoders returns an eager and an in-frame decoder for cfg.
func inFrameDecoders(t testing.TB, cfg Config) (*Decoder, *Decoder) {
	t.Helper()
	eager, err := NewDecoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.StackInFrame = true
	inFrame, err := NewDecoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return eager, inFrame
}

// TestStackInFrame checks the transcoder on every packet of the testdata
// captures (other tools' and the spec's packets), whole and cut at every
// length, so that partial stacks and stacks that end at the frame's end
// are covered.
func TestStackInFrame(t *testing.T) {
	eager, inFrame := inFrameDecoders(t, Config{})
	stacks := 0
	for _, path := range []string{"testdata/tr_v2.pcap", "testdata/idint.pcap"} {
		for _, data := range capturePackets(t, path) {
			for n := len(data); n >= 0; n-- {
				f := append([]byte(nil), data[:n]...) // capacity n: no bytes past the frame
				checkInFrame(t, eager, inFrame, f)
			}
			rs, _ := inFrame.Decode(data, 1)
			for i := range rs {
				stacks += rs[i].Stack.N
			}
		}
	}
	if stacks == 0 {
		t.Fatal("no packet of the captures had a stack left in the frame")
	}
	t.Logf("%d stack hops transcoded from the captures", stacks)
}
