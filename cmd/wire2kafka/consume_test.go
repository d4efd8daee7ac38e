package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"wire2kafka/kafkaout"
	"wire2kafka/kafkaout/kafkatest"
	"wire2kafka/report/intgen"
	"wire2kafka/report/pcap"
	"wire2kafka/report/reportpb"
)

// TestMain gives the tests of this package a real Kafka broker
// (kafkatest): the consume tests and the end-to-end tests use it.
func TestMain(m *testing.M) { os.Exit(kafkatest.Run(m)) }

// writeTruth generates a capture's truth into dir and returns its path and
// parsed form.
func writeTruth(t *testing.T, dir string, seed uint64) (string, *intgen.Truth) {
	t.Helper()
	var capture, truth bytes.Buffer
	if _, err := intgen.Generate(intgen.Options{Flows: 6, Packets: 300, Seed: seed}, &capture, &truth); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "truth.jsonl")
	if err := os.WriteFile(path, truth.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tr, err := intgen.ReadTruth(bytes.NewReader(truth.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return path, tr
}

// produceTruth writes the truth's reports into topic through the real
// Producer, as batches of up to per reports per key (per 1: single mode).
func produceTruth(t *testing.T, topic string, tr *intgen.Truth, per int) int {
	t.Helper()
	p, err := kafkaout.NewProducer(kafkaout.ProducerConfig{
		Librdkafka: map[string]string{"bootstrap.servers": kafkatest.Bootstrap(t)}, Topics: []string{topic}})
	if err != nil {
		t.Fatal(err)
	}
	type pend struct {
		reps     []*reportpb.Report
		seq, off uint64
	}
	keys := map[string]*pend{}
	var order []string
	msgs := 0
	flush := func(k string, pd *pend) {
		pd.seq++
		m := p.Acquire()
		m.Topic, m.Key, m.Count, m.Sequence = topic, append(m.Key, k...), uint32(len(pd.reps)), pd.seq
		var b []byte
		if per == 1 {
			r := proto.Clone(pd.reps[0]).(*reportpb.Report)
			r.Sequence = pd.seq
			m.Type = kafkaout.PayloadReport
			b, err = proto.Marshal(r)
		} else {
			m.Type = kafkaout.PayloadReportBatch
			b, err = proto.Marshal(&reportpb.ReportBatch{Reports: pd.reps, Sequence: pd.seq, ProducerId: "t", ReportOffset: pd.off})
		}
		if err != nil {
			t.Fatal(err)
		}
		m.Value = append(m.Value, b...)
		pd.off += uint64(len(pd.reps))
		pd.reps = nil
		p.Submit(m)
		msgs++
	}
	for _, r := range tr.Reports {
		k := string(r.KeyBytes)
		if keys[k] == nil {
			keys[k] = &pend{}
			order = append(order, k)
		}
		keys[k].reps = append(keys[k].reps, r.Report)
		if len(keys[k].reps) == per {
			flush(k, keys[k])
		}
	}
	for _, k := range order {
		if len(keys[k].reps) > 0 {
			flush(k, keys[k])
		}
	}
	if err := p.Close(20 * time.Second); err != nil {
		t.Fatal(err)
	}
	if tot := p.Total(); tot.Delivered != uint64(msgs) {
		t.Fatalf("delivered %d of %d", tot.Delivered, msgs)
	}
	return msgs
}

func runConsumeArgs(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := consumeCmd(ctx, append([]string{"-b", kafkatest.Bootstrap(t)}, args...), &out, &errb)
	return out.String(), errb.String(), err
}

// TestConsumeVerify: batch and single mode topics verify against their
// truth; a different truth fails; --summary, --format json/text and topic
// patterns work.
func TestConsumeVerify(t *testing.T) {
	dir := t.TempDir()
	truthPath, tr := writeTruth(t, dir, 3)
	otherPath, _ := writeTruth(t, t.TempDir(), 4)
	batch := kafkatest.NewTopic(t, 3)
	single := kafkatest.NewTopic(t, 2)
	nBatch := produceTruth(t, batch, tr, 16)
	nSingle := produceTruth(t, single, tr, 1)

	for _, topic := range []string{batch, single} {
		out, errs, err := runConsumeArgs(t, "-t", topic, "-e", "--verify", truthPath, "--summary")
		if err != nil || !strings.Contains(out, "verify: OK") || !strings.Contains(out, "total: 1 topics") {
			t.Fatalf("%s: err %v\nstdout:\n%s\nstderr:\n%s", topic, err, out, errs)
		}
		t.Logf("%s:\n%s", topic, out)
	}
	out, _, err := runConsumeArgs(t, "-t", batch, "-e", "--verify", otherPath)
	if err == nil || !strings.Contains(out, "verify: DIFFERENT") {
		t.Fatalf("other truth: err %v\n%s", err, out)
	}

	out, _, err = runConsumeArgs(t, "-t", batch, "-e", "--format", "json")
	if err != nil || strings.Count(out, "\n") != nBatch || !strings.Contains(out, `"type":"report-batch"`) {
		t.Fatalf("json: err %v, %d lines, want %d", err, strings.Count(out, "\n"), nBatch)
	}
	out, _, err = runConsumeArgs(t, "-t", single, "-e", "-c", "5", "--format", "text")
	if err != nil || strings.Count(out, "\n  report ") != 5 {
		t.Fatalf("text -c 5: err %v\n%s", err, out)
	}
	// Both topics by pattern: the name prefix up to the random suffix.
	prefix := "^TestConsumeVerify-"
	out, _, err = runConsumeArgs(t, "-t", prefix, "-e", "--summary")
	if err != nil || !strings.Contains(out, "total: 2 topics") {
		t.Fatalf("pattern %s: err %v\n%s", prefix, err, out)
	}
	// A consumer group reads everything once, then nothing: offsets committed.
	group := batch + "-group"
	out, _, err = runConsumeArgs(t, "-t", batch, "-G", group, "-e", "--format", "json")
	if err != nil || strings.Count(out, "\n") != nBatch {
		t.Fatalf("-G first: err %v, %d lines, want %d", err, strings.Count(out, "\n"), nBatch)
	}
	out, _, err = runConsumeArgs(t, "-t", batch, "-G", group, "-e", "--format", "json")
	if err != nil || out != "" {
		t.Fatalf("-G second: err %v, %d lines, want 0", err, strings.Count(out, "\n"))
	}
	// -o -2: the last two messages of each partition, as kcat reads them.
	kc, err := exec.Command("kcat", "-b", kafkatest.Bootstrap(t), "-C", "-t", single, "-o", "-2", "-e", "-q", "-f", "%o\n").Output()
	if err != nil {
		t.Fatalf("kcat: %v", err)
	}
	out, _, err = runConsumeArgs(t, "-t", single, "-o", "-2", "-e", "--format", "json")
	if n, want := strings.Count(out, "\n"), bytes.Count(kc, []byte("\n")); err != nil || n != want || want == 0 {
		t.Fatalf("-o -2: err %v, %d lines, kcat %d", err, n, want)
	}
	_ = nSingle
	if _, _, err := runConsumeArgs(t, "-t", "no-such-topic-xyz", "-e"); err == nil {
		t.Fatal("missing topic accepted")
	}
}

// TestConsumePcap: packet-batch messages become a pcap with the same
// packets.
func TestConsumePcap(t *testing.T) {
	topic := kafkatest.NewTopic(t, 1)
	p, err := kafkaout.NewProducer(kafkaout.ProducerConfig{
		Librdkafka: map[string]string{"bootstrap.servers": kafkatest.Bootstrap(t)}, Topics: []string{topic}})
	if err != nil {
		t.Fatal(err)
	}
	var want [][]byte
	for s := uint64(1); s <= 3; s++ {
		pb := &reportpb.PacketBatch{Sequence: s, ProducerId: "t"}
		for i := range 4 {
			data := bytes.Repeat([]byte{byte(s), byte(i)}, 30+i)
			want = append(want, data)
			pb.Packets = append(pb.Packets, &reportpb.Packet{TimeNs: uint64(time.Now().UnixNano()), OrigLen: uint32(len(data) + 10), Data: data})
		}
		b, _ := proto.Marshal(pb)
		m := p.Acquire()
		m.Topic, m.Type, m.Count, m.Sequence = topic, kafkaout.PayloadPacketBatch, 4, s
		m.Key = append(m.Key, "raw-rule"...)
		m.Value = append(m.Value, b...)
		p.Submit(m)
	}
	if err := p.Close(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "out.pcap")
	if _, errs, err := runConsumeArgs(t, "-t", topic, "-e", "--pcap", file, "--format", "none"); err != nil {
		t.Fatalf("%v\n%s", err, errs)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcap.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		_, data, orig, err := r.Next()
		if err != nil || !bytes.Equal(data, w) || orig != len(w)+10 {
			t.Fatalf("packet %d: %v len %d orig %d", i, err, len(data), orig)
		}
	}
	if _, _, _, err := r.Next(); err == nil {
		t.Fatal("more packets than written")
	}
}
