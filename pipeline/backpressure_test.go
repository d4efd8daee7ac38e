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
// pipeline up (policy block: small rings overflow, ring_full) or makes the
// Kafka worker drop (policy drop: sink_full, with sequence gaps); either
// way every packet is accounted for exactly.
func TestBackPressureAccounting(t *testing.T) {
	rule := `  - name: telemetry-reports
    protocol: udp
    dst_port: 32766
    kafka_topic: reports
`
	for _, tt := range []struct {
		name, capture, kafka string
		openAt               bool // open the gate once RX took everything
	}{
		{"block", "ringfull", "{sink: discard, queue: {policy: block, block_timeout: 60s}, batch: {max_reports: 64, linger: 1ms}}", true},
		{"drop", "sinkdrop", "{sink: discard, queue: {policy: drop}, batch: {max_reports: 16, linger: 1ms}}", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := captures[tt.capture]
			plan := testPlan(t, c, twoLcores, 64, tt.kafka, rule)
			sink := &gatedSink{Recorder: kafkaout.NewRecorder(16)}
			r := run(t, plan, sink, c, func(p *Pipeline) {
				if !tt.openAt {
					return
				}
				go func() { // open once RX has seen every packet
					for {
						var in uint64
						for _, s := range p.Stats() {
							if s.Kind == config.KindRX {
								in += s.In
							}
						}
						if in >= uint64(c.packets) {
							time.Sleep(20 * time.Millisecond)
							sink.open.Store(true)
							return
						}
						time.Sleep(time.Millisecond)
					}
				}()
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
			case "block":
				if ringFull == 0 {
					t.Errorf("a blocked sink with 64-slot rings caused no ring_full drops")
				}
				if kafka.Drops[DropSinkFull] != 0 || kafka.Out == 0 {
					t.Errorf("policy block: sink_full %d, out %d", kafka.Drops[DropSinkFull], kafka.Out)
				}
				if got := uint64(c.packets) - ringFull; kafka.Out != got {
					t.Errorf("kafka out %d packets, want every packet not dropped at a ring (%d)", kafka.Out, got)
				}
			case "drop":
				if len(msgs) != 0 || kafka.Drops[DropSinkFull] != kafka.In || kafka.ReportsDropped != kafka.In {
					t.Errorf("policy drop with a closed sink: %d messages, sink_full %d of %d in, %d reports dropped",
						len(msgs), kafka.Drops[DropSinkFull], kafka.In, kafka.ReportsDropped)
				}
			}
		})
	}
}
