package consume

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"wire2kafka/kafkaout"
	"wire2kafka/report/intgen"
	"wire2kafka/report/reportpb"
)

// genTruth generates a small capture and returns its parsed truth.
func genTruth(t *testing.T, format intgen.Format) *intgen.Truth {
	t.Helper()
	var capture, truth bytes.Buffer
	if _, err := intgen.Generate(intgen.Options{Format: format, Flows: 5, Packets: 120, Malformed: 0.05, Seed: 7}, &capture, &truth); err != nil {
		t.Fatal(err)
	}
	tr, err := intgen.ReadTruth(&truth)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Reports) < 100 {
		t.Fatalf("truth has %d reports", len(tr.Reports))
	}
	return tr
}

// messagesFor builds the Kafka messages a correct pipeline writes for the
// truth: per key, report batches of up to per reports (per = 1: single
// mode), with headers and sequence numbers.
func messagesFor(t *testing.T, tr *intgen.Truth, per int) []*Message {
	t.Helper()
	type pend struct {
		reps []*reportpb.Report
		seq  uint64
		off  uint64
	}
	keys := map[string]*pend{}
	var out []*Message
	flush := func(k string, p *pend) {
		p.seq++
		m := &Message{Topic: "t", Key: []byte(k), Offset: int64(len(out)), Headers: map[string]string{
			kafkaout.HeaderCount: strconv.Itoa(len(p.reps)), kafkaout.HeaderSeq: strconv.FormatUint(p.seq, 10)}}
		var err error
		if per == 1 {
			r := proto.Clone(p.reps[0]).(*reportpb.Report)
			r.Sequence = p.seq
			m.Headers[kafkaout.HeaderType] = "report"
			m.Value, err = proto.Marshal(r)
		} else {
			m.Headers[kafkaout.HeaderType] = "report-batch"
			m.Value, err = proto.Marshal(&reportpb.ReportBatch{Reports: p.reps, Sequence: p.seq, ProducerId: "test", ReportOffset: p.off})
		}
		if err != nil {
			t.Fatal(err)
		}
		p.off += uint64(len(p.reps))
		p.reps = nil
		out = append(out, m)
	}
	for _, r := range tr.Reports {
		k := string(r.KeyBytes)
		if keys[k] == nil {
			keys[k] = &pend{}
		}
		p := keys[k]
		c := proto.Clone(r.Report).(*reportpb.Report)
		c.ReceiveTimeNs = 12345 // the pipeline stamps its own time
		p.reps = append(p.reps, c)
		if len(p.reps) == per {
			flush(k, p)
		}
	}
	for k, p := range keys {
		if len(p.reps) > 0 {
			flush(k, p)
		}
	}
	return out
}

func verify(t *testing.T, tr *intgen.Truth, msgs []*Message) Result {
	t.Helper()
	v := NewVerifier(tr)
	for _, m := range msgs {
		d, err := Decode(m)
		if err != nil {
			t.Fatal(err)
		}
		v.Add(m, d)
	}
	return v.Result()
}

func TestVerifier(t *testing.T) {
	for _, format := range []intgen.Format{intgen.FormatTR, intgen.FormatIDINT} {
		tr := genTruth(t, format)
		n := len(tr.Reports)
		for _, per := range []int{1, 7} {
			name := string(format) + "/per" + strconv.Itoa(per)
			base := messagesFor(t, tr, per)
			cases := []struct {
				name   string
				mutate func([]*Message) []*Message
				check  func(r Result) bool
			}{
				{"exact", func(m []*Message) []*Message { return m },
					func(r Result) bool { return r.OK() && r.Matched == n }},
				{"lost message", func(m []*Message) []*Message { return append(m[:3:3], m[4:]...) },
					func(r Result) bool { return r.Missing > 0 && r.Seq.Gaps == 1 && !r.OK() }},
				{"duplicate", func(m []*Message) []*Message { return append(m[:5:5], m[4:]...) },
					func(r Result) bool { return r.Duplicates > 0 && r.Seq.Repeats == 1 && !r.OK() }},
				{"changed content", func(m []*Message) []*Message {
					c := *m[2]
					d, _ := Decode(&c)
					d.Reports()[0].Hops[0].NodeId++
					c.Value, _ = proto.Marshal(d.value())
					m[2] = &c
					return m
				}, func(r Result) bool { return r.Unexpected == 1 && r.Missing == 1 && !r.OK() }},
			}
			for _, c := range cases {
				msgs := c.mutate(append([]*Message(nil), base...))
				r := verify(t, tr, msgs)
				if !c.check(r) {
					var b bytes.Buffer
					r.Write(&b)
					t.Errorf("%s %s: %s", name, c.name, b.String())
				}
			}
			// Reorder two messages of one key: out of order, sequence repeat.
			msgs := append([]*Message(nil), base...)
			i, j := -1, -1
			for a := range msgs {
				for b := a + 1; b < len(msgs) && i < 0; b++ {
					if bytes.Equal(msgs[a].Key, msgs[b].Key) {
						i, j = a, b
					}
				}
			}
			msgs[i], msgs[j] = msgs[j], msgs[i]
			if r := verify(t, tr, msgs); r.OutOfOrder == 0 || r.OK() {
				t.Errorf("%s reordered: %+v", name, r)
			}
		}
	}
}

func TestDecodeChecksHeaders(t *testing.T) {
	tr := genTruth(t, intgen.FormatTR)
	m := messagesFor(t, tr, 4)[0]
	m.Headers[kafkaout.HeaderCount] = "3"
	if _, err := Decode(m); err == nil || !strings.Contains(err.Error(), "w2k-count") {
		t.Errorf("wrong count accepted: %v", err)
	}
	m.Headers[kafkaout.HeaderCount] = "4"
	m.Headers[kafkaout.HeaderType] = "nope"
	if _, err := Decode(m); err == nil {
		t.Error("unknown type accepted")
	}
	// No headers: a SCION-INT report.
	single := messagesFor(t, tr, 1)[0]
	single.Headers = nil
	d, err := Decode(single)
	if err != nil || d.Type != kafkaout.PayloadReport || d.FlowKey == nil || len(d.Reports()) != 1 {
		t.Fatalf("header-less report: %v %+v", err, d)
	}
	var text, js, sum bytes.Buffer
	WriteText(&text, single, d)
	if err := WriteJSON(&js, single, d); err != nil {
		t.Fatal(err)
	}
	s := NewSummary()
	s.Add(single, d)
	s.Write(&sum)
	if !strings.Contains(text.String(), "report rx=") || !strings.Contains(js.String(), `"hops"`) || !strings.Contains(sum.String(), "total: 1 topics, 1 messages, 1 reports") {
		t.Errorf("text:\n%s\njson:\n%s\nsummary:\n%s", text.String(), js.String(), sum.String())
	}
	t.Logf("text:\n%s\nsummary:\n%s", text.String(), sum.String())
}
