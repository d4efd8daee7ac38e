package pipeline

import (
	"testing"

	"wire2kafka/kafkaout"
)

// TestFullBatchesStayInPool: batches that fill by bytes (max_bytes 128 KiB,
// about 500 reports each) fit a pool whose values are max_bytes: no value
// outgrows the pool's arena, so the Kafka workers never allocate a value
// on the Go heap. A pool of 64 KiB values (the old default, B1) is
// outgrown by the same run.
func TestFullBatchesStayInPool(t *testing.T) {
	const kafka = "{sink: discard, queue: {policy: block, block_timeout: 1s}, batch: {max_reports: 100000, max_bytes: 131072, linger: 1s}}"
	for _, tt := range []struct {
		name, capture string
		valueBytes    int
		wantGrown     bool
	}{
		{"pool sized to max_bytes", "poolsize", 131072, false},
		{"pool of 64 KiB values", "poolsize-64k", 1 << 16, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := captures[tt.capture]
			plan := testPlan(t, c, oneLcore, 4096, kafka, sprintf(trRule, "batch"))
			sink := kafkaout.NewDiscard(64, tt.valueBytes)
			r := run(t, plan, sink, c, nil)
			r.checkAccounting(t, c.packets)
			msgs, reports, bytes := sink.Counts()
			if msgs == 0 || bytes/msgs < 1<<16 {
				t.Fatalf("%d messages of %d bytes on average: the batches did not fill past 64 KiB", msgs, bytes/max(msgs, 1))
			}
			grown := sink.Pool().Grown()
			if (grown > 0) != tt.wantGrown {
				t.Errorf("%d of %d values outgrew the pool's %d bytes", grown, msgs, tt.valueBytes)
			}
			t.Logf("%d messages, %d reports, %d bytes each on average; %d values outgrew %d bytes", msgs, reports, bytes/msgs, grown, tt.valueBytes)
		})
	}
}
