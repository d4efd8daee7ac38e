package kafkaout

import "sync/atomic"

// Discard is a sink that counts messages, reports and bytes and drops them:
// the end of the pipeline in benchmarks. Safe for concurrent use.
type Discard struct {
	pool     *Pool
	messages atomic.Uint64
	reports  atomic.Uint64
	bytes    atomic.Uint64
}

// NewDiscard returns a discard sink with a pool of n messages of
// valueBytes each (size it to kafka.batch.max_bytes).
func NewDiscard(n, valueBytes int) *Discard { return &Discard{pool: NewPool(n, valueBytes)} }

// Pool returns the discard sink's message pool.
func (d *Discard) Pool() *Pool { return d.pool }

// Acquire implements Sink.
func (d *Discard) Acquire() *Message { return d.pool.Get() }

// Submit implements Sink: it counts m and returns it to the pool.
func (d *Discard) Submit(m *Message) {
	d.messages.Add(1)
	d.reports.Add(uint64(m.Count))
	d.bytes.Add(uint64(len(m.Key) + len(m.Value)))
	d.pool.Put(m)
}

// Release implements Sink.
func (d *Discard) Release(m *Message) { d.pool.Put(m) }

// Counts returns the messages, reports and bytes submitted so far.
func (d *Discard) Counts() (messages, reports, bytes uint64) {
	return d.messages.Load(), d.reports.Load(), d.bytes.Load()
}
