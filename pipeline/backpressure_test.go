package pipeline

import (
	"sync/atomic"
	"testing"
	"time"

	"wire2kafka/config"
	"wire2kafka/kafkaout"
)

// gatedSink is a recording sink whose queue is "full" until opened: the
// stand-in for a slow or absent Kafka.
type gatedSink struct {
	*kafkaout.Recorder
	open atomic.Bool
}

func (g *gatedSink) Acquire() *kafkaout.Message {
	if !g.open.Load() {
		return nil
	}
	return g.Recorder.Acquire()
}

// TestBackPressureAccounting: a sink that stops taking messages backs the
// pipeline up. With rings.when_full wait (the default) every stage waits
// for room and RX stops receiving: the packets stay in the port, nothing
// is dropped, and all of them come out once the sink opens. With
// rings.when_full drop the small rings overflow (ring_full). With queue
// policy drop the Kafka worker drops (sink_full, with sequence gaps). Every
// packet is accounted for exactly.
func TestBackPressureAccounting(t *testing.T) {
	rule := `  - name: telemetry-reports
    protocol: udp
    dst_port: 32766
    kafka_topic: reports
`
	for _, tt := range []struct {
		name, capture, kafka string
		whenFull             config.WhenFull
	}{
		{"wait", "ringwait", "{sink: discard, queue: {policy: block, block_timeout: 60s}, batch: {max_reports: 64, linger: 1ms}}", config.WhenFullWait},
		{"ringfull", "ringfull", "{sink: discard, queue: {policy: block, block_timeout: 60s}, batch: {max_reports: 64, linger: 1ms}}", config.WhenFullDrop},
		{"sinkdrop", "sinkdrop", "{sink: discard, queue: {policy: drop}, batch: {max_reports: 16, linger: 1ms}}", config.WhenFullWait},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := captures[tt.capture]
			plan := testPlan(t, c, twoLcores, 64, tt.kafka, rule)
			plan.Config.Rings.WhenFull = tt.whenFull // as rings.when_full in the file
			sink := &gatedSink{Recorder: kafkaout.NewRecorder(16)}
			var held atomic.Uint64 // wait: what RX had taken when the pipeline stood still
			r := run(t, plan, sink, c, func(p *Pipeline) {
				switch tt.name {
				case "wait":
					go func() { // open once RX stopped receiving for 200 ms
						last, since := stageIn(p, config.KindRX), time.Now()
						for time.Since(since) < 200*time.Millisecond {
							time.Sleep(5 * time.Millisecond)
							if in := stageIn(p, config.KindRX); in != last {
								last, since = in, time.Now()
							}
						}
						held.Store(last)
						sink.open.Store(true)
					}()
				case "ringfull":
					go func() { // open once RX has seen every packet
						for stageIn(p, config.KindRX) < uint64(c.packets) {
							time.Sleep(time.Millisecond)
						}
						time.Sleep(20 * time.Millisecond)
						sink.open.Store(true)
					}()
				}
			})
			r.checkAccounting(t, c.packets)
			kafka := r.sum(config.KindKafka)
			var ringFull uint64
			for _, kind := range []config.Kind{config.KindRX, config.KindACL, config.KindFlow} {
				s := r.sum(kind)
				ringFull += s.Drops[DropRingFull]
			}
			msgs := sink.Messages()
			d := decodeRecorded(t, msgs)
			if uint64(d.count) != kafka.Reports || uint64(len(msgs)) != kafka.Messages {
				t.Errorf("sink holds %d reports in %d messages; worker counted %d in %d", d.count, len(msgs), kafka.Reports, kafka.Messages)
			}
			switch tt.name {
			case "wait":
				// 64-slot rings and bursts of 32 hold a few hundred packets.
				if h := held.Load(); h == 0 || h >= uint64(c.packets)/2 {
					t.Errorf("RX had taken %d of %d packets when the closed sink stopped the pipeline; want it held back", h, c.packets)
				}
				// Two flow workers share the Kafka worker's ring; what it
				// refuses after a stale free count stays in the flow worker
				// and goes first next time: nothing is lost at any ring.
				if ringFull != 0 {
					t.Errorf("when_full wait: ring_full %d, want 0", ringFull)
				}
				if kafka.Drops[DropSinkFull] != 0 || kafka.Out != uint64(c.packets)-ringFull {
					t.Errorf("when_full wait: kafka out %d, sink_full %d; want every packet (%d) but ring_full %d", kafka.Out, kafka.Drops[DropSinkFull], c.packets, ringFull)
				}
				t.Logf("RX held at %d of %d packets while the sink was closed; ring_full %d", held.Load(), c.packets, ringFull)
			case "ringfull":
				if ringFull == 0 {
					t.Errorf("a blocked sink with 64-slot rings and when_full drop caused no ring_full drops")
				}
				if kafka.Drops[DropSinkFull] != 0 || kafka.Out == 0 {
					t.Errorf("policy block: sink_full %d, out %d", kafka.Drops[DropSinkFull], kafka.Out)
				}
				if got := uint64(c.packets) - ringFull; kafka.Out != got {
					t.Errorf("kafka out %d packets, want every packet not dropped at a ring (%d)", kafka.Out, got)
				}
			case "sinkdrop":
				if len(msgs) != 0 || kafka.Drops[DropSinkFull] != kafka.In || kafka.ReportsDropped != kafka.In {
					t.Errorf("policy drop with a closed sink: %d messages, sink_full %d of %d in, %d reports dropped",
						len(msgs), kafka.Drops[DropSinkFull], kafka.In, kafka.ReportsDropped)
				}
			}
		})
	}
}

// TestBlockTimeoutDrops: queue policy block with a sink that stays closed
// past block_timeout. The Kafka worker waits, then lets the waiting packet
// go on and drops its reports that find no message (sink_full, counted as
// dropped reports, the key's sequence number skipping), and delivers again
// once the sink opens. Every packet
// is accounted for; per key the sequence numbers delivered plus those
// dropped are 1..n with no duplicate.
func TestBlockTimeoutDrops(t *testing.T) {
	rule := `  - name: telemetry-reports
    protocol: udp
    dst_port: 32766
    kafka_topic: reports
`
	c := captures["blocktimeout"]
	plan := testPlan(t, c, twoLcores, 64, "{sink: discard, queue: {policy: block, block_timeout: 30ms}, batch: {max_reports: 16, linger: 1ms}}", rule)
	sink := &gatedSink{Recorder: kafkaout.NewRecorder(16)}
	r := run(t, plan, sink, c, func(p *Pipeline) {
		go func() { // closed for 300 ms: several block timeouts
			time.Sleep(300 * time.Millisecond)
			sink.open.Store(true)
		}()
	})
	r.checkAccounting(t, c.packets)
	kafka := r.sum(config.KindKafka)
	if kafka.Drops[DropSinkFull] == 0 || kafka.ReportsDropped == 0 {
		t.Fatalf("sink closed 10x block_timeout: sink_full %d, reports dropped %d; want drops", kafka.Drops[DropSinkFull], kafka.ReportsDropped)
	}
	if kafka.Out == 0 || kafka.Messages == 0 {
		t.Fatalf("nothing delivered after the sink opened (out %d, messages %d)", kafka.Out, kafka.Messages)
	}
	msgs := sink.Messages()
	var reports uint64
	last := map[string]uint64{}
	gaps := uint64(0)
	for _, m := range msgs {
		k := string(m.Key)
		if m.Sequence <= last[k] {
			t.Fatalf("key %x: sequence %d after %d (duplicate or reorder)", m.Key, m.Sequence, last[k])
		}
		gaps += m.Sequence - last[k] - 1
		last[k] = m.Sequence
		reports += uint64(m.Count)
	}
	if reports != kafka.Reports || uint64(len(msgs)) != kafka.Messages {
		t.Errorf("sink holds %d reports in %d messages; worker counted %d in %d", reports, len(msgs), kafka.Reports, kafka.Messages)
	}
	if gaps == 0 {
		t.Error("messages were dropped but no key shows a sequence gap")
	}
	t.Logf("sink closed 300 ms, block_timeout 30 ms: %d packets sink_full (%d reports), %d delivered in %d messages, %d sequence gaps",
		kafka.Drops[DropSinkFull], kafka.ReportsDropped, kafka.Out, kafka.Messages, gaps)
}
