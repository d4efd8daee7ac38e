// Package kafkaout turns the Kafka workers' batches into Kafka messages.
//
// A Kafka worker (on a polling lcore) never blocks and never allocates: it
// takes an empty *Message from a Sink with Acquire, fills it (copying its
// finished batch into the message's reused buffers) and hands it back with
// Submit. A nil Acquire is back-pressure: the sink's bounded pool is empty.
// The worker then keeps its batch and retries (policy block, up to a
// timeout) or drops it and counts the drop (policy drop); the choice is the
// worker's, made from the config. Memory is bounded by the pool size.
//
// Sinks: Discard (counts; benchmarks), Recorder (keeps copies; tests), and
// the librdkafka connection workers (Producer).
package kafkaout

// PayloadType names what a message value holds; it travels in the
// "w2k-type" header (see docs/formats.md).
type PayloadType uint8

// Payload types.
const (
	PayloadReport      PayloadType = iota + 1 // one telemetry.report.Report (SCION-INT compatible)
	PayloadReportBatch                        // telemetry.report.ReportBatch
	PayloadPacketBatch                        // telemetry.report.PacketBatch
	PayloadHistogram                          // telemetry.report.Histogram
	PayloadStats                              // telemetry.report.StatsRow (metrics.stats_topic)
	PayloadStatsJSON                          // a StatsRow as JSON (metrics.stats_topic, stats_format json)
)

var payloadNames = [...]string{"", "report", "report-batch", "packet-batch", "histogram", "stats", "stats-json"}

// String returns the header value of the payload type.
func (t PayloadType) String() string {
	if int(t) < len(payloadNames) && t != 0 {
		return payloadNames[t]
	}
	return "unknown"
}

// ParsePayloadType is the inverse of String.
func ParsePayloadType(s string) (PayloadType, bool) {
	for i, n := range payloadNames {
		if i > 0 && n == s {
			return PayloadType(i), true
		}
	}
	return 0, false
}

// Message is one Kafka message. Key and Value are buffers owned by the sink
// and reused: a worker appends into Key[:0] and Value[:0]. A Message is
// owned by whoever acquired it until Submit or Release.
type Message struct {
	Topic    string      // topic name (a string the worker keeps; not copied)
	Key      []byte      // FlowKey bytes for reports, so one flow is one partition
	Value    []byte      // encoded payload
	Type     PayloadType // what Value holds
	Count    uint32      // reports or packets in Value
	Sequence uint64      // per-key sequence number (also inside Value for batches)
	FirstRx  int64       // receive time (ns, Unix) of the oldest item, for latency
	Worker   uint16      // index of the Kafka worker that built it

	pool  *Pool
	home  []byte // the value's place in the pool's arena (len 0)
	hwm   int    // the longest value it has held (Pool.TouchedBytes)
	index int32  // its place in the pool
}

// Reset clears the message for reuse, keeping its buffers.
func (m *Message) Reset() {
	p, home, v, hwm, index := m.pool, m.home, m.Value[:0], m.hwm, m.index
	if home != nil && cap(v) != cap(home) {
		v = home // a value that outgrew the arena goes back to it (the grown copy is garbage)
	}
	*m = Message{Key: m.Key[:0], Value: v, pool: p, home: home, hwm: hwm, index: index}
}

// Sink receives the messages of the Kafka workers. Implementations are safe
// for concurrent use by several workers.
type Sink interface {
	// Acquire returns an empty message, or nil when the sink's bounded
	// queue is full. It never blocks and does not allocate.
	Acquire() *Message
	// Submit hands a filled message to the sink, which owns it from now on.
	// It never blocks.
	Submit(m *Message)
	// Release returns an acquired message unused.
	Release(m *Message)
}
