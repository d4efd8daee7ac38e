package kafkaout

import (
	"testing"
	"time"
)

func TestAdmissionPolicies(t *testing.T) {
	d := NewDiscard(1, 1<<10)
	held := d.Acquire()
	drop := Admission{Policy: PolicyDrop}
	if m := drop.Acquire(d); m != nil {
		t.Fatal("drop policy returned a message from an empty pool")
	}
	drop.Dropped(7)
	if c := drop.Counters(); c.Drops != 1 || c.DroppedReports != 7 || c.Waits != 0 {
		t.Fatalf("drop counters %+v", c)
	}

	block := Admission{Policy: PolicyBlock, Timeout: 30 * time.Millisecond}
	start := time.Now()
	if m := block.Acquire(d); m != nil {
		t.Fatal("block policy returned a message from an empty pool")
	}
	if el := time.Since(start); el < 30*time.Millisecond {
		t.Fatalf("block gave up after %v, want at least the 30 ms timeout", el)
	}
	if c := block.Counters(); c.Waits != 1 || c.Timeouts != 1 || c.Waited < 30*time.Millisecond {
		t.Fatalf("block counters %+v", c)
	}

	block.Timeout = 5 * time.Second
	go func() {
		time.Sleep(20 * time.Millisecond)
		d.Release(held)
	}()
	if m := block.Acquire(d); m != held {
		t.Fatalf("block did not get the released message: %v", m)
	}
	d.Release(held)
	if c := block.Counters(); c.Waits != 2 || c.Timeouts != 1 {
		t.Fatalf("block counters after success %+v", c)
	}
	allocs := testing.AllocsPerRun(100, func() {
		m := block.Acquire(d)
		d.Submit(m)
	})
	if allocs != 0 {
		t.Errorf("Acquire allocates %v times", allocs)
	}
}

func TestLibrdkafkaStatsAndNames(t *testing.T) {
	const js = `{"name":"p#producer-1","msg_cnt":12,"msg_size":3400,"txmsgs":99,"txmsg_bytes":12345,
	"brokers":{"GroupCoordinator":{"source":"internal","state":"UP","rtt":{"avg":999999}},
	"127.0.0.1:9092/1":{"source":"learned","state":"UP","txerrs":2,"rxerrs":1,"txretries":3,"req_timeouts":4,"rtt":{"avg":1500,"p99":4000}},
	"127.0.0.1:9093/2":{"source":"learned","state":"DOWN","txerrs":1,"rtt":{"avg":700,"p99":9000}}}}`
	var l libStats
	if err := l.parse(js, 3); err != nil {
		t.Fatal(err)
	}
	want := LibrdkafkaStats{Events: 3, QueueMsgs: 12, QueueBytes: 3400, BrokersUp: 1, RTTAvgMicros: 1500, RTTP99Micros: 9000,
		TxErrors: 3, RxErrors: 1, ReqTimeouts: 4, TxRetries: 3, TxMessages: 99, TxBytes: 12345}
	if got := l.load(); got != want {
		t.Fatalf("stats %+v, want %+v", got, want)
	}
	if err := l.parse("{", 4); err == nil {
		t.Fatal("bad JSON accepted")
	}
	for code, name := range map[int]string{-192: "_MSG_TIMED_OUT", -184: "_QUEUE_FULL", 10: "MSG_SIZE_TOO_LARGE", 999: "OTHER"} {
		if got := errName(code); got != name {
			t.Errorf("errName(%d) = %q, want %q", code, got, name)
		}
	}
	var c connCounters
	for _, n := range []uint32{1, 3, 256, 257, 5000} {
		c.observeBatch(n)
	}
	if b := c.snapshot().Batch; b[0] != 1 || b[2] != 1 || b[8] != 1 || b[9] != 1 || b[len(BatchBounds)] != 1 {
		t.Fatalf("batch buckets %v", b)
	}
	c.observeLatency(100 * time.Microsecond)
	c.observeLatency(3 * time.Millisecond)
	c.observeLatency(time.Hour)
	s := c.snapshot()
	if s.Latency[0] != 1 || s.Latency[4] != 1 || s.Latency[len(LatencyBounds)] != 1 {
		t.Errorf("latency buckets %v", s.Latency)
	}
}
