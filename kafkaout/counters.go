package kafkaout

import (
	"sync/atomic"
	"time"
)

// Error codes of librdkafka fall in [minCode, maxCode); others share the
// last slot. Counting into a fixed array keeps the counters lock-free.
const (
	minCode   = -200
	maxCode   = 200
	codeSlots = maxCode - minCode + 1
)

func codeSlot(code int) int {
	if code < minCode || code >= maxCode {
		return codeSlots - 1
	}
	return code - minCode
}

func slotCode(slot int) int { return slot + minCode }

// LatencyBounds are the upper bounds of the wire-to-delivery latency
// histogram buckets (a last, unbounded bucket follows). Read only.
var LatencyBounds = [...]time.Duration{
	250 * time.Microsecond, 500 * time.Microsecond, time.Millisecond, 2500 * time.Microsecond,
	5 * time.Millisecond, 10 * time.Millisecond, 25 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond, time.Second,
	2500 * time.Millisecond, 5 * time.Second, 10 * time.Second, 30 * time.Second, time.Minute,
}

// BatchBounds are the upper bounds (reports per message) of the buckets of
// the delivered batch size histogram (a last, unbounded bucket follows).
// Read only.
var BatchBounds = [...]uint32{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096}

// connCounters are the counters of one connection. The connection
// goroutine writes them (Submit writes the submitted ones); anyone reads
// them with atomic loads (see Counters).
type connCounters struct {
	submitted, submittedReports, submittedBytes atomic.Uint64
	produced, queueFullRetries                  atomic.Uint64
	inFlight                                    atomic.Int64
	delivered, deliveredReports, deliveredBytes atomic.Uint64
	failed, failedReports                       atomic.Uint64
	dropped, droppedReports                     atomic.Uint64
	failedBy                                    [codeSlots]atomic.Uint64
	clientErrors                                [codeSlots]atomic.Uint64
	latency                                     [len(LatencyBounds) + 1]atomic.Uint64
	latencySumNs                                atomic.Uint64
	batch                                       [len(BatchBounds) + 1]atomic.Uint64
	stats                                       libStats
}

// bucketOf returns the histogram bucket of v over ascending upper bounds
// (len(bounds) for the last, unbounded bucket).
func bucketOf[T time.Duration | uint32](v T, bounds []T) int {
	i := 0
	for i < len(bounds) && v > bounds[i] {
		i++
	}
	return i
}

func (c *connCounters) observeLatency(d time.Duration) {
	c.latency[bucketOf(d, LatencyBounds[:])].Add(1)
	if d > 0 {
		c.latencySumNs.Add(uint64(d))
	}
}

func (c *connCounters) observeBatch(reports uint32) {
	c.batch[bucketOf(reports, BatchBounds[:])].Add(1)
}

// Counters is a snapshot of the counters of one connection (or their sum).
// After Close: Submitted = Delivered + Failed + Dropped, for messages and
// for reports alike.
type Counters struct {
	Submitted, SubmittedReports, SubmittedBytes uint64 // handed to Submit
	Produced                                    uint64 // accepted by librdkafka (Produce returned nil)
	QueueFullRetries                            uint64 // Produce attempts refused with ErrQueueFull, then retried
	InFlight                                    int64  // accepted by librdkafka, no delivery report yet
	Queued                                      int    // waiting in the connection's input queue (or for a retry)
	Delivered, DeliveredReports, DeliveredBytes uint64 // acknowledged by the broker
	Failed, FailedReports                       uint64 // failed, by reason in FailedBy
	Dropped, DroppedReports                     uint64 // submitted after Close: never produced
	// FailedBy counts failed messages by librdkafka error name
	// ("_MSG_TIMED_OUT", "MSG_SIZE_TOO_LARGE", "_QUEUE_FULL", ...).
	FailedBy map[string]uint64
	// ClientErrors counts librdkafka client-level error events (broker
	// down, transport failures) by name; they fail no message by themselves.
	ClientErrors map[string]uint64
	// Latency counts delivered messages by wire-to-delivery latency
	// (delivery report time minus Message.FirstRx) into the buckets of
	// LatencyBounds plus one last bucket; LatencySum is their sum.
	Latency    []uint64
	LatencySum time.Duration
	// Batch counts delivered messages by reports per message into the
	// buckets of BatchBounds plus one last bucket (their sum is
	// DeliveredReports).
	Batch []uint64
	// Librdkafka holds the figures of the last statistics event.
	Librdkafka LibrdkafkaStats
}

func (c *connCounters) snapshot() Counters {
	s := Counters{
		Submitted: c.submitted.Load(), SubmittedReports: c.submittedReports.Load(), SubmittedBytes: c.submittedBytes.Load(),
		Produced: c.produced.Load(), QueueFullRetries: c.queueFullRetries.Load(), InFlight: c.inFlight.Load(),
		Delivered: c.delivered.Load(), DeliveredReports: c.deliveredReports.Load(), DeliveredBytes: c.deliveredBytes.Load(),
		Failed: c.failed.Load(), FailedReports: c.failedReports.Load(),
		Dropped: c.dropped.Load(), DroppedReports: c.droppedReports.Load(),
		FailedBy: map[string]uint64{}, ClientErrors: map[string]uint64{},
		Latency:    make([]uint64, len(c.latency)),
		LatencySum: time.Duration(c.latencySumNs.Load()),
		Batch:      make([]uint64, len(c.batch)),
		Librdkafka: c.stats.load(),
	}
	for i := range c.failedBy {
		if n := c.failedBy[i].Load(); n > 0 {
			s.FailedBy[errName(slotCode(i))] += n
		}
		if n := c.clientErrors[i].Load(); n > 0 {
			s.ClientErrors[errName(slotCode(i))] += n
		}
	}
	for i := range c.latency {
		s.Latency[i] = c.latency[i].Load()
	}
	for i := range c.batch {
		s.Batch[i] = c.batch[i].Load()
	}
	return s
}

// add adds o to s (for totals over connections).
func (s *Counters) add(o Counters) {
	s.Submitted += o.Submitted
	s.SubmittedReports += o.SubmittedReports
	s.SubmittedBytes += o.SubmittedBytes
	s.Produced += o.Produced
	s.QueueFullRetries += o.QueueFullRetries
	s.InFlight += o.InFlight
	s.Queued += o.Queued
	s.Delivered += o.Delivered
	s.DeliveredReports += o.DeliveredReports
	s.DeliveredBytes += o.DeliveredBytes
	s.Failed += o.Failed
	s.FailedReports += o.FailedReports
	s.Dropped += o.Dropped
	s.DroppedReports += o.DroppedReports
	if s.FailedBy == nil {
		s.FailedBy, s.ClientErrors = map[string]uint64{}, map[string]uint64{}
	}
	for k, v := range o.FailedBy {
		s.FailedBy[k] += v
	}
	for k, v := range o.ClientErrors {
		s.ClientErrors[k] += v
	}
	if s.Latency == nil {
		s.Latency = make([]uint64, len(o.Latency))
	}
	for i, v := range o.Latency {
		s.Latency[i] += v
	}
	s.LatencySum += o.LatencySum
	if s.Batch == nil {
		s.Batch = make([]uint64, len(o.Batch))
	}
	for i, v := range o.Batch {
		s.Batch[i] += v
	}
	s.Librdkafka.add(o.Librdkafka)
}
