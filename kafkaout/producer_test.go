package kafkaout

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"wire2kafka/kafkaout/kafkatest"
	"wire2kafka/report"
	"wire2kafka/report/reportpb"
)

func newTestProducer(t *testing.T, cfg ProducerConfig) *Producer {
	t.Helper()
	if cfg.Librdkafka == nil {
		cfg.Librdkafka = map[string]string{"bootstrap.servers": kafkatest.Bootstrap(t)}
	}
	p, err := NewProducer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestProducerAccountingOrderHeaders sends report batches of many flows
// through two connections with a small pool (so back-pressure happens) and
// checks: every message delivered, counters balance, per-key order within
// partitions, headers, values decode as ReportBatch with the header count.
func TestProducerAccountingOrderHeaders(t *testing.T) {
	const flows, perFlow, partitions = 40, 150, 6
	bootstrap := kafkatest.Bootstrap(t)
	topic := kafkatest.NewTopic(t, partitions)
	var hookMsgs, hookReports atomic.Int64 // two connection goroutines call the hook
	p := newTestProducer(t, ProducerConfig{
		Librdkafka:   map[string]string{"bootstrap.servers": bootstrap},
		Connections:  2,
		PoolMessages: 64,
		Topics:       []string{topic},
		OnDelivered: func(lat time.Duration, reports int) {
			if lat > 0 {
				hookMsgs.Add(1)
			}
			hookReports.Add(int64(reports))
		},
	})
	var r report.Report
	reports := 0
	for s := 1; s <= perFlow; s++ {
		for f := range flows {
			m := acquireWait(p, 30*time.Second)
			if m == nil {
				t.Fatal("no message within 30 s")
			}
			n := 1 + (s+f)%7
			fillBatch(m, topic, f, uint64(s), uint64(s*100), n, &r)
			reports += n
			p.Submit(m)
		}
	}
	if err := p.Close(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	tot := p.Total()
	const n = flows * perFlow
	if tot.Submitted != n || tot.Delivered != n || tot.Failed != 0 || tot.Dropped != 0 || tot.InFlight != 0 || tot.Queued != 0 {
		t.Fatalf("counters %+v, want %d submitted and delivered", tot, n)
	}
	if tot.SubmittedReports != uint64(reports) || tot.DeliveredReports != uint64(reports) {
		t.Fatalf("reports submitted %d delivered %d, want %d", tot.SubmittedReports, tot.DeliveredReports, reports)
	}
	var lat uint64
	for _, v := range tot.Latency {
		lat += v
	}
	if lat != n || tot.LatencySum <= 0 {
		t.Errorf("latency histogram holds %d observations (sum %v), want %d", lat, tot.LatencySum, n)
	}
	if hookMsgs.Load() != n || hookReports.Load() != int64(reports) {
		t.Errorf("OnDelivered saw %d messages with a positive latency and %d reports, want %d and %d",
			hookMsgs.Load(), hookReports.Load(), n, reports)
	}
	if tot.Librdkafka.Events == 0 && testing.Verbose() {
		t.Log("no statistics event yet (statistics.interval.ms is 5 s)")
	}
	t.Logf("counters: %d delivered, %d reports, %d bytes, %d queue-full retries",
		tot.Delivered, tot.DeliveredReports, tot.DeliveredBytes, tot.QueueFullRetries)

	msgs := readAll(t, bootstrap, topic, n, 60*time.Second)
	if len(msgs) != n {
		t.Fatalf("read %d messages, want %d", len(msgs), n)
	}
	next := map[string]uint64{}
	part := map[string]int32{}
	for _, m := range msgs {
		k := string(m.Key)
		seq, _ := strconv.ParseUint(header(m, HeaderSeq), 10, 64)
		if want := next[k] + 1; seq != want {
			t.Fatalf("key %x: sequence %d, want %d", m.Key, seq, want)
		}
		next[k] = seq
		if p, ok := part[k]; ok && p != m.TopicPartition.Partition {
			t.Fatalf("key %x in partitions %d and %d", m.Key, p, m.TopicPartition.Partition)
		}
		part[k] = m.TopicPartition.Partition
		if typ := header(m, HeaderType); typ != "report-batch" {
			t.Fatalf("header %s = %q", HeaderType, typ)
		}
		var b reportpb.ReportBatch
		if err := proto.Unmarshal(m.Value, &b); err != nil {
			t.Fatal(err)
		}
		if c := header(m, HeaderCount); c != strconv.Itoa(len(b.Reports)) || b.Sequence != seq {
			t.Fatalf("count header %s, %d reports, batch sequence %d, header %d", c, len(b.Reports), b.Sequence, seq)
		}
		var fk reportpb.FlowKey
		if err := proto.Unmarshal(m.Key, &fk); err != nil || fk.DstPort < 1000 {
			t.Fatalf("key does not decode as FlowKey: %v %v", err, &fk)
		}
	}
	if len(next) != flows {
		t.Fatalf("%d keys, want %d", len(next), flows)
	}
}

// TestProducerSingleSCIONCompat: single mode messages are one
// telemetry.report.Report keyed by the FlowKey bytes, as SCION-INT's
// consumer expects; kcat reads the same count and keys.
func TestProducerSingleSCIONCompat(t *testing.T) {
	const flows, per = 5, 20
	bootstrap := kafkatest.Bootstrap(t)
	topic := kafkatest.NewTopic(t, 3)
	p := newTestProducer(t, ProducerConfig{Topics: []string{topic}, PoolMessages: 16})
	var r report.Report
	sent := map[string]int{}
	for i := range per {
		for f := range flows {
			m := acquireWait(p, 10*time.Second)
			k := testFlow(f)
			testReport(&r, k, uint64(i))
			r.Sequence = uint64(i + 1)
			m.Value = report.AppendReport(m.Value, &r)
			m.Key = report.AppendFlowKey(m.Key, &k)
			m.Topic, m.Type, m.Count, m.Sequence = topic, PayloadReport, 1, uint64(i+1)
			sent[string(m.Key)]++
			p.Submit(m)
		}
	}
	if err := p.Close(20 * time.Second); err != nil {
		t.Fatal(err)
	}
	msgs := readAll(t, bootstrap, topic, flows*per, 30*time.Second)
	if len(msgs) != flows*per {
		t.Fatalf("read %d, want %d", len(msgs), flows*per)
	}
	next := map[string]uint64{}
	for _, m := range msgs {
		var rep reportpb.Report
		var fk reportpb.FlowKey
		if err := proto.Unmarshal(m.Value, &rep); err != nil {
			t.Fatal(err)
		}
		if err := proto.Unmarshal(m.Key, &fk); err != nil {
			t.Fatal(err)
		}
		want := testFlow(int(fk.FlowId))
		if !proto.Equal(&fk, want.Proto()) || len(rep.Hops) != 3 || rep.Sequence != next[string(m.Key)]+1 {
			t.Fatalf("message key %v report %v", &fk, &rep)
		}
		next[string(m.Key)] = rep.Sequence
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "kcat", "-b", bootstrap, "-C", "-t", topic, "-e", "-q", "-f", "%K\t%k\n").Output()
	if err != nil {
		t.Fatalf("kcat: %v", err)
	}
	got := map[string]int{}
	// %K is the key length; %k the raw key (binary, may hold '\n' or '\t'):
	// count by length-prefixed parsing, not by lines.
	rest := out
	for len(rest) > 0 {
		tab := bytes.IndexByte(rest, '\t')
		if tab < 0 {
			t.Fatalf("kcat output malformed at %q", rest)
		}
		kl, err := strconv.Atoi(string(rest[:tab]))
		if err != nil || len(rest) < tab+1+kl+1 {
			t.Fatalf("kcat output malformed at %q", rest)
		}
		got[string(rest[tab+1:tab+1+kl])]++
		rest = rest[tab+1+kl+1:]
	}
	if fmt.Sprint(got) != fmt.Sprint(sent) {
		t.Fatalf("kcat keys %v, want %v", got, sent)
	}
}

// TestProducerTopics: a missing topic is a startup error with creation
// off; with creation on it is created with the configured partitions; a
// missing topic first seen at run time fails its messages, counted.
func TestProducerTopics(t *testing.T) {
	bootstrap := kafkatest.Bootstrap(t)
	missing := kafkatest.TopicName(t)
	_, err := NewProducer(ProducerConfig{Librdkafka: map[string]string{"bootstrap.servers": bootstrap}, Topics: []string{missing}})
	if !errors.Is(err, ErrNoTopic) || !strings.Contains(err.Error(), missing) {
		t.Fatalf("missing topic: err %v", err)
	}
	created := kafkatest.TopicName(t)
	t.Cleanup(func() { kafkatest.DeleteTopic(t, created) })
	p := newTestProducer(t, ProducerConfig{Topics: []string{created}, CreateTopics: true, Partitions: 3})
	md, err := p.conns[0].p.GetMetadata(&created, false, 5000)
	if err != nil || len(md.Topics[created].Partitions) != 3 {
		t.Fatalf("created topic metadata %v %v", md, err)
	}
	p.Close(time.Second)

	p = newTestProducer(t, ProducerConfig{})
	for range 3 {
		m := p.Acquire()
		m.Topic, m.Count = missing, 2
		m.Value = append(m.Value, 1, 2, 3)
		p.Submit(m)
	}
	if err := p.Close(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	tot := p.Total()
	if tot.Failed != 3 || tot.FailedReports != 6 || tot.FailedBy["_UNKNOWN_TOPIC"] != 3 || tot.Delivered != 0 {
		t.Fatalf("counters %+v", tot)
	}
}

// TestProducerCloseUnreachable: with no broker, Close purges and counts
// every message failed; nothing is unaccounted for.
func TestProducerCloseUnreachable(t *testing.T) {
	p, err := NewProducer(ProducerConfig{
		Librdkafka:   map[string]string{"bootstrap.servers": "127.0.0.1:1"},
		TopicTimeout: 200 * time.Millisecond, Connections: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		m := p.Acquire()
		m.Topic, m.Count = "nowhere", 3
		m.Key = append(m.Key, byte(i))
		m.Value = append(m.Value, "x"...)
		p.Submit(m)
	}
	late := p.Acquire() // acquired before Close, submitted after: dropped
	err = p.Close(time.Second)
	late.Count = 4
	p.Submit(late)
	tot := p.Total()
	if tot.Dropped != 1 || tot.DroppedReports != 4 || p.Pool().Free() != p.Pool().Size() {
		t.Errorf("submit after close: dropped %d (%d reports), pool %d of %d free", tot.Dropped, tot.DroppedReports, p.Pool().Free(), p.Pool().Size())
	}
	if err == nil || tot.Submitted != 51 || tot.Failed != 50 || tot.FailedReports != 150 || tot.Delivered != 0 || tot.InFlight != 0 {
		t.Fatalf("close error %v, counters %+v", err, tot)
	}
	m := p.Acquire()
	if m != nil {
		t.Fatal("Acquire after Close returned a message")
	}
	t.Logf("close: %v; failed by %v", err, tot.FailedBy)
}
