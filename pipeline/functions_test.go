package pipeline

import (
	"bytes"
	"io"
	"os"
	"testing"

	"google.golang.org/protobuf/proto"

	"wire2kafka/config"
	"wire2kafka/kafkaout"
	"wire2kafka/report/pcap"
	"wire2kafka/report/reportpb"
)

// TestSingleModeIDINT: SCION ID-INT reports one per message, keyed by
// flow, each carrying its per-key sequence number.
func TestSingleModeIDINT(t *testing.T) {
	c := captures["idint-single"]
	rule := `  - name: idint
    protocol: udp
    dst_port: 30041-30042
    kafka_topic: "{sink}"
    output: single
`
	plan := testPlan(t, c, oneLcore, 4096, "", rule)
	rec := kafkaout.NewRecorder(64)
	r := run(t, plan, rec, c, nil)
	r.checkAccounting(t, c.packets)
	msgs := rec.Messages()
	d := decodeRecorded(t, msgs)
	if d.types[kafkaout.PayloadReport] != len(msgs) || len(msgs) != len(c.truth.Reports) {
		t.Fatalf("%d messages of types %v, want %d single reports", len(msgs), d.types, len(c.truth.Reports))
	}
	for _, m := range msgs {
		var rep reportpb.Report
		if err := proto.Unmarshal(m.Value, &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Sequence != m.Sequence {
			t.Fatalf("report sequence %d, message sequence %d", rep.Sequence, m.Sequence)
		}
	}
	checkTruth(t, d, c, true)
	if n := r.sum(config.KindACL).Drops[DropParseError] + r.sum(config.KindKafka).Drops[DropParseError]; n != uint64(len(c.truth.Malformed)) {
		t.Errorf("parse errors %d, want %d", n, len(c.truth.Malformed))
	}
}

// TestSamplingKeepsExactlyOneInN: 1:10 sampling keeps packets 0, 10, 20...
// of the rule's stream, exactly.
func TestSamplingKeepsExactlyOneInN(t *testing.T) {
	c := captures["sampling"]
	rule := `  - name: sampled
    protocol: udp
    dst_port: 32766
    service_function: sampling
    sampling_rate: 10
    kafka_topic: sampled
`
	plan := testPlan(t, c, oneLcore, 4096, "", rule)
	rec := kafkaout.NewRecorder(64)
	r := run(t, plan, rec, c, nil)
	r.checkAccounting(t, c.packets)
	flow := r.sum(config.KindFlow)
	if flow.Out != 200 || flow.Drops[DropSampledOut] != 1800 {
		t.Fatalf("sampling kept %d and dropped %d of 2000, want 200 and 1800", flow.Out, flow.Drops[DropSampledOut])
	}
	d := decodeRecorded(t, rec.Messages())
	kept, truth := *c, *c.truth
	kept.truth, truth.Reports = &truth, nil
	for _, tr := range c.truth.Reports {
		if tr.Packet%10 == 0 {
			kept.truth.Reports = append(kept.truth.Reports, tr)
		}
	}
	checkTruth(t, d, &kept, false)
}

// TestHistogramMatchesCaptureGaps: the histograms emitted add up to the
// inter-arrival histogram computed from the capture's timestamps.
func TestHistogramMatchesCaptureGaps(t *testing.T) {
	c := captures["histogram"]
	const resolution, buckets = 2000, 32
	rule := sprintf(`  - name: gaps
    protocol: udp
    dst_port: 32766
    service_function: histogram
    resolution_ns: %d
    buckets: %d
    report_interval: 5ms
    kafka_topic: gaps
`, resolution, buckets)
	plan := testPlan(t, c, oneLcore, 4096, "", rule)
	rec := kafkaout.NewRecorder(64)
	r := run(t, plan, rec, c, nil)
	r.checkAccounting(t, c.packets)
	want := make([]uint64, buckets)
	var wantOverflow uint64
	for i := 1; i < len(c.times); i++ {
		if b := (c.times[i] - c.times[i-1]) / resolution; b < buckets {
			want[b]++
		} else {
			wantOverflow++
		}
	}
	got := make([]uint64, buckets)
	var packets, overflow uint64
	var seq uint64
	for _, m := range rec.Messages() {
		if m.Type != kafkaout.PayloadHistogram {
			t.Fatalf("message type %v", m.Type)
		}
		var h reportpb.Histogram
		if err := proto.Unmarshal(m.Value, &h); err != nil {
			t.Fatal(err)
		}
		if h.ResolutionNs != resolution || len(h.Buckets) != buckets {
			t.Fatalf("histogram resolution %d with %d buckets", h.ResolutionNs, len(h.Buckets))
		}
		seq++
		if h.Sequence != seq {
			t.Fatalf("histogram sequence %d, want %d", h.Sequence, seq)
		}
		packets += h.Packets
		overflow += h.Overflow
		for i, v := range h.Buckets {
			got[i] += v
		}
	}
	if overflow != wantOverflow || wantOverflow == 0 {
		t.Errorf("overflow %d, want %d (gaps of %d ns or more; the capture must have some)", overflow, wantOverflow, resolution*buckets)
	}
	if packets != uint64(c.packets) {
		t.Errorf("histograms counted %d packets, want %d", packets, c.packets)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("buckets %v,\nwant    %v", got, want)
		}
	}
	flow := r.sum(config.KindFlow)
	if flow.Drops[DropSummarized] != uint64(c.packets) || flow.Histograms != uint64(len(rec.Messages())) {
		t.Errorf("flow summarized %d packets into %d histograms (%d messages)", flow.Drops[DropSummarized], flow.Histograms, len(rec.Messages()))
	}
}

// TestRawCapture: output raw writes the packets as received, in order,
// with their capture timestamps.
func TestRawCapture(t *testing.T) {
	c := captures["raw"]
	rule := `  - name: everything
    kafka_topic: raw
    output: raw
`
	plan := testPlan(t, c, oneLcore, 4096, "{sink: discard, batch: {max_reports: 100, linger: 2ms}}", rule)
	rec := kafkaout.NewRecorder(64)
	r := run(t, plan, rec, c, nil)
	r.checkAccounting(t, c.packets)
	f, err := os.Open(c.path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pr, err := pcap.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, m := range rec.Messages() {
		var b reportpb.PacketBatch
		if err := proto.Unmarshal(m.Value, &b); err != nil {
			t.Fatal(err)
		}
		if b.Sequence != uint64(i+1) || string(m.Key) != "everything" || len(b.Packets) > 100 {
			t.Fatalf("batch %d: sequence %d key %q with %d packets", i, b.Sequence, m.Key, len(b.Packets))
		}
		for _, p := range b.Packets {
			ts, data, orig, err := pr.Next()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(p.Data, data) || p.TimeNs != ts || int(p.OrigLen) != orig || p.RuleId != 1 {
				t.Fatalf("packet %d differs: time %d/%d len %d/%d", n, p.TimeNs, ts, p.OrigLen, orig)
			}
			n++
		}
	}
	if _, _, _, err := pr.Next(); err != io.EOF || n != c.packets {
		t.Fatalf("%d packets in batches, capture has %d (%v)", n, c.packets, err)
	}
}
