package kafkaout

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"wire2kafka/kafkaout/kafkatest"
	"wire2kafka/report"
)

// benchRun sends reports reports of flows flows through a fresh Producer,
// perMsg reports per message (1: single mode, a Report per message), and
// returns the time until the last delivery report, the messages and the
// value bytes. Messages are built the way a Kafka worker builds them.
func benchRun(b *testing.B, topic string, reports, perMsg, flows int, inFlight string) (time.Duration, int, int) {
	p, err := NewProducer(ProducerConfig{Librdkafka: map[string]string{"bootstrap.servers": kafkatest.Bootstrap(b),
		"max.in.flight.requests.per.connection": inFlight},
		Connections: 2, PoolMessages: 4096, Topics: []string{topic}})
	if err != nil {
		b.Fatal(err)
	}
	var r report.Report
	trunc := make([]byte, 64)
	keys := make([]report.FlowKey, flows)
	for i := range keys {
		keys[i] = testFlow(i)
	}
	bufs := make([][]byte, flows) // per flow: the batch being built
	counts := make([]int, flows)
	seqs := make([]uint64, flows)
	msgs, bytes := 0, 0
	submit := func(f int, value []byte, n int) {
		m := acquireWait(p, time.Minute)
		if m == nil {
			b.Fatal("pool stayed empty for a minute")
		}
		seqs[f]++
		m.Topic, m.Count, m.Sequence, m.FirstRx = topic, uint32(n), seqs[f], int64(r.ReceiveTime)
		m.Key = report.AppendFlowKey(m.Key, &keys[f])
		m.Value = append(m.Value, value...)
		m.Type = PayloadReportBatch
		if perMsg == 1 {
			m.Type = PayloadReport
		}
		msgs++
		bytes += len(m.Value)
		p.Submit(m)
	}
	var single []byte
	start := time.Now()
	for i := range reports {
		f := i % flows
		testReport(&r, keys[f], uint64(i))
		r.Truncated = trunc
		if perMsg == 1 {
			r.Sequence = seqs[f] + 1
			single = report.AppendReport(single[:0], &r)
			submit(f, single, 1)
			continue
		}
		bufs[f] = report.AppendBatchEntry(bufs[f], &r)
		if counts[f]++; counts[f] == perMsg {
			submit(f, report.AppendBatchTrailer(bufs[f], &report.BatchTrailer{Sequence: seqs[f] + 1, ProducerID: "bench"}), perMsg)
			bufs[f], counts[f] = bufs[f][:0], 0
		}
	}
	for f := range bufs {
		if counts[f] > 0 {
			submit(f, report.AppendBatchTrailer(bufs[f], &report.BatchTrailer{Sequence: seqs[f] + 1, ProducerID: "bench"}), counts[f])
		}
	}
	if err := p.Close(2 * time.Minute); err != nil {
		b.Fatal(err)
	}
	el := time.Since(start)
	if tot := p.Total(); tot.DeliveredReports != uint64(reports) || tot.Failed != 0 {
		b.Fatalf("delivered %d reports of %d, failed %d %v", tot.DeliveredReports, reports, tot.Failed, tot.FailedBy)
	}
	return el, msgs, bytes
}

var perfLine = regexp.MustCompile(`(\d+) records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\)`)

// producerPerformance runs Kafka's own ProducerPerformance tool with the
// same producer settings and returns records/s and MB/s.
func producerPerformance(b *testing.B, topic string, records, size int) (float64, float64, error) {
	script, err := kafkatest.Script()
	if err != nil {
		return 0, 0, err
	}
	cp, err := exec.Command(script, "classpath").Output()
	if err != nil {
		return 0, 0, fmt.Errorf("kafka.sh classpath: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "java", "-Xmx512m", "-cp", string(regexp.MustCompile(`\s+$`).ReplaceAll(cp, nil)),
		"org.apache.kafka.tools.ProducerPerformance", "--topic", topic, "--num-records", strconv.Itoa(records),
		"--record-size", strconv.Itoa(size), "--throughput", "-1", "--producer-props",
		"bootstrap.servers="+kafkatest.Bootstrap(b), "acks=all", "enable.idempotence=true", "compression.type=lz4", "linger.ms=5").CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("ProducerPerformance: %w\n%s", err, out)
	}
	m := perfLine.FindAllSubmatch(out, -1)
	if len(m) == 0 {
		return 0, 0, fmt.Errorf("ProducerPerformance: no summary in\n%s", out)
	}
	last := m[len(m)-1]
	rps, _ := strconv.ParseFloat(string(last[2]), 64)
	mbps, _ := strconv.ParseFloat(string(last[3]), 64)
	return rps, mbps, nil
}

// BenchmarkProducer prints reports/s and MB/s acknowledged by the broker
// in batch mode (256 reports per message) and single mode (one Report per
// message), their ratio, and the ceiling Kafka's own ProducerPerformance
// reaches at the same message sizes. Each mode runs with the default of
// one request in flight per connection and with five (librdkafka's
// default, which can lose acknowledged messages: README.md), interleaved,
// to show what the safe default costs. It prints; it asserts no speed. Run:
//
//	go test -run '^$' -bench Producer -benchtime 1x ./kafkaout/
func BenchmarkProducer(b *testing.B) {
	const batchReports, singleReports, flows, perMsg = 1_000_000, 200_000, 64, 256
	topicB := kafkatest.NewTopic(b, 6)
	topicS := kafkatest.NewTopic(b, 6)
	for b.Loop() {
		// One request in flight (the default) against librdkafka's five,
		// after a warm-up run, interleaved over three rounds: the medians
		// of the elapsed times. The figures below come from the default.
		one := DefaultLibrdkafka["max.in.flight.requests.per.connection"]
		benchRun(b, topicB, batchReports, perMsg, flows, one)
		var el [2][2][]time.Duration // [batch, single][1, 5]
		var msgsB, bytesB, msgsS, bytesS int
		for range 3 {
			for i, inFlight := range []string{one, "5"} {
				e, m, n := benchRun(b, topicB, batchReports, perMsg, flows, inFlight)
				el[0][i] = append(el[0][i], e)
				if i == 0 {
					msgsB, bytesB = m, n
				}
				e, m, n = benchRun(b, topicS, singleReports, 1, flows, inFlight)
				el[1][i] = append(el[1][i], e)
				if i == 0 {
					msgsS, bytesS = m, n
				}
			}
		}
		med := func(d []time.Duration) time.Duration { slices.Sort(d); return d[len(d)/2] }
		elB, elS := med(el[0][0]), med(el[1][0])
		el5B, el5S := med(el[0][1]), med(el[1][1])
		fmt.Printf("BenchmarkProducer: max.in.flight %s vs 5 (medians of 3 interleaved rounds): batch %.2fx, single %.2fx the reports/s (%v vs %v, %v vs %v)\n",
			one, el5B.Seconds()/elB.Seconds(), el5S.Seconds()/elS.Seconds(), elB.Round(time.Millisecond), el5B.Round(time.Millisecond),
			elS.Round(time.Millisecond), el5S.Round(time.Millisecond))
		rB, rS := float64(batchReports)/elB.Seconds(), float64(singleReports)/elS.Seconds()
		mbB, mbS := float64(bytesB)/elB.Seconds()/1e6, float64(bytesS)/elS.Seconds()/1e6
		fmt.Printf("BenchmarkProducer: batch  %d reports in %d messages (%d B avg): %.0f reports/s acked, %.0f msgs/s, %.1f MB/s (%v)\n",
			batchReports, msgsB, bytesB/msgsB, rB, float64(msgsB)/elB.Seconds(), mbB, elB.Round(time.Millisecond))
		fmt.Printf("BenchmarkProducer: single %d reports in %d messages (%d B avg): %.0f reports/s acked, %.1f MB/s (%v)\n",
			singleReports, msgsS, bytesS/msgsS, rS, mbS, elS.Round(time.Millisecond))
		fmt.Printf("BenchmarkProducer: batch/single = %.1fx reports/s\n", rB/rS)
		b.ReportMetric(rB, "batch-reports/s")
		b.ReportMetric(rS, "single-reports/s")
		for _, c := range []struct {
			name          string
			records, size int
		}{{"batch-size", msgsB, bytesB / msgsB}, {"single-size", singleReports, bytesS / msgsS}} {
			topic := kafkatest.NewTopic(b, 6)
			rps, mbps, err := producerPerformance(b, topic, c.records, c.size)
			if err != nil {
				fmt.Printf("BenchmarkProducer: ProducerPerformance %s: %v\n", c.name, err)
				continue
			}
			fmt.Printf("BenchmarkProducer: Kafka ProducerPerformance %d records of %d B: %.0f records/s, %.1f MB/s\n", c.records, c.size, rps, mbps)
		}
	}
}
