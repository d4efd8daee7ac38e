package pipeline

import (
	"fmt"
	"testing"

	"wire2kafka/kafkaout"
)

// BenchmarkWorkersOnePass measures all workers of a pipeline polled in turn
// on one goroutine, fed through a ring port with INT packets: ns per packet
// for RX + ACL + flow + Kafka worker (decode, batch, submit to a discard
// sink), injection included (mbuf alloc + copy). Prints, never asserts.
func BenchmarkWorkersOnePass(b *testing.B) {
	for _, output := range []string{"batch", "raw"} {
		b.Run(output, func(b *testing.B) {
			t := b
			in := newInjector(t, fmt.Sprintf("bench-%s-%d", output, b.N))
			c := *captures["sampling"]
			c.vdev = in.port.Name()
			pkts := readPackets(t, c.path)
			plan := testPlan(t, &c, oneLcore, 4096, "{sink: discard, batch: {max_reports: 256, linger: 5ms}}", sprintf(`  - name: reports
    protocol: udp
    dst_port: 32766
    kafka_topic: reports
    output: %s
`, output))
			p, err := New(plan, Options{Sink: kafkaout.NewDiscard(1024, plan.Config.Kafka.Batch.MaxBytes), Name: fmt.Sprintf("bench-%s-%d", output, b.N)})
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			var workers []poller
			for _, l := range p.lcores {
				workers = append(workers, l.workers...)
			}
			next := 0
			b.ResetTimer()
			for i := 0; i < b.N; i += 32 {
				in.inject(t, pkts[next:next+32])
				next = (next + 32) % (len(pkts) - 32)
				for _, w := range workers {
					w.Poll()
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/packet")
		})
	}
}
