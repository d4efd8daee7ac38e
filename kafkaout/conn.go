package kafkaout

import (
	"errors"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// Retry backoff after ErrQueueFull, and the extra wait for purge reports
// at close.
const (
	minBackoff = 500 * time.Microsecond
	maxBackoff = 50 * time.Millisecond
	purgeWait  = 5 * time.Second
	errLogGap  = 10 * time.Second
)

// inflight is what a delivery report needs to know about its message; it
// travels as the librdkafka message's opaque and is reused.
type inflight struct {
	firstRx int64
	reports uint32
	bytes   uint32
	seq     uint64 // Message.Sequence, kept only for a test's onDelivered
	key     []byte // Message.Key, kept only for a test's onDelivered
}

// conn is one connection worker: a librdkafka producer and the goroutine
// that owns it. Only that goroutine touches the fields below counters,
// except pending (read by Counters).
type conn struct {
	idx    int
	p      *kafka.Producer
	prod   *Producer
	in     chan *Message // holds the whole pool: Submit never blocks
	c      connCounters
	quit   chan struct{} // closed by Close, after deadline is set
	done   chan struct{} // closed when run returns
	log    *slog.Logger
	inRepo atomic.Int64 // reports in flight (for close accounting)

	deadline         time.Time
	closeLost        uint64 // messages counted failed at close for lack of time
	closeLostReports uint64

	pending      atomic.Bool // a message waits for a retry after ErrQueueFull
	known        map[string]bool
	km           kafka.Message
	topic        string // km.TopicPartition.Topic points here
	hdr          [3]kafka.Header
	hval         [3][]byte
	free         []*inflight
	statsEvents  uint64
	lastErr      kafka.ErrorCode
	lastErrLog   time.Time
	lastFailCode kafka.ErrorCode
	lastFailLog  time.Time
}

func newConn(idx int, kp *kafka.Producer, prod *Producer) *conn {
	c := &conn{
		idx: idx, p: kp, prod: prod,
		in:    make(chan *Message, prod.pool.Size()),
		quit:  make(chan struct{}),
		done:  make(chan struct{}),
		log:   prod.log.With("conn", idx),
		known: map[string]bool{},
	}
	c.km.TopicPartition = kafka.TopicPartition{Topic: &c.topic, Partition: kafka.PartitionAny}
	for i, k := range [...]string{HeaderType, HeaderCount, HeaderSeq} {
		c.hdr[i].Key = k
		c.hval[i] = make([]byte, 0, 24)
	}
	c.km.Headers = c.hdr[:]
	return c
}

// run is the connection goroutine.
func (c *conn) run() {
	defer close(c.done)
	events := c.p.Events()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var pending *Message
	var since time.Time
	backoff := minBackoff
	for {
		in, retry := c.in, (<-chan time.Time)(nil)
		if pending != nil {
			in, retry = nil, timer.C
		}
		select {
		case m := <-in:
			if !c.offer(m, time.Now()) {
				pending, since, backoff = m, time.Now(), minBackoff
				c.pending.Store(true)
				timer.Reset(backoff)
			}
		case <-retry:
			if c.offer(pending, since) {
				pending = nil
				c.pending.Store(false)
			} else {
				backoff = min(2*backoff, maxBackoff)
				timer.Reset(backoff)
			}
		case ev := <-events:
			c.handle(ev)
		case <-c.quit:
			timer.Stop()
			c.shutdown(pending, since)
			return
		}
	}
}

// offer tries to hand m to librdkafka. It returns false when librdkafka's
// queue is full and m must be retried (m stays with the caller); otherwise
// m went back to the pool, produced or counted failed. since is when m was
// first refused, for QueueFullTimeout.
func (c *conn) offer(m *Message, since time.Time) bool {
	if !c.known[m.Topic] {
		if err := c.prod.topics.ensure(m.Topic); errors.Is(err, errNoAnswer) {
			// Brokers unreachable: librdkafka keeps the message until
			// message.timeout.ms, as for any other topic.
			c.log.Warn("topic not checked; producing anyway", "topic", m.Topic, "err", err)
		} else if err != nil {
			c.failMessage(m, kafka.ErrUnknownTopic, err)
			return true
		}
		c.known[m.Topic] = true
	}
	inf := c.getInflight()
	inf.firstRx, inf.reports, inf.bytes = m.FirstRx, m.Count, uint32(len(m.Key)+len(m.Value))
	if c.prod.cfg.onDelivered != nil {
		inf.seq, inf.key = m.Sequence, append(inf.key[:0], m.Key...)
	}
	c.topic = m.Topic
	c.km.Key, c.km.Value = m.Key, m.Value
	c.hval[0] = append(c.hval[0][:0], m.Type.String()...)
	c.hval[1] = strconv.AppendUint(c.hval[1][:0], uint64(m.Count), 10)
	c.hval[2] = strconv.AppendUint(c.hval[2][:0], m.Sequence, 10)
	for i := range c.hdr {
		c.hdr[i].Value = c.hval[i]
	}
	c.km.Opaque = inf
	err := c.p.Produce(&c.km, nil)
	c.km.Key, c.km.Value, c.km.Opaque = nil, nil, nil
	if err == nil {
		c.c.produced.Add(1)
		c.c.inFlight.Add(1)
		c.inRepo.Add(int64(m.Count))
		c.prod.pool.Put(m)
		return true
	}
	c.putInflight(inf)
	code := kafka.ErrFail
	if ke, ok := err.(kafka.Error); ok {
		code = ke.Code()
	}
	if code == kafka.ErrQueueFull && time.Since(since) < c.prod.cfg.QueueFullTimeout {
		c.c.queueFullRetries.Add(1)
		return false
	}
	c.failMessage(m, code, err)
	return true
}

// failMessage counts m failed with code and returns it to the pool.
func (c *conn) failMessage(m *Message, code kafka.ErrorCode, err error) {
	c.countFailed(code, 1, uint64(m.Count))
	c.logFailure(code, err)
	c.prod.pool.Put(m)
}

func (c *conn) countFailed(code kafka.ErrorCode, msgs, reports uint64) {
	c.c.failed.Add(msgs)
	c.c.failedReports.Add(reports)
	c.c.failedBy[codeSlot(int(code))].Add(msgs)
}

func (c *conn) logFailure(code kafka.ErrorCode, err error) {
	if code != c.lastFailCode || time.Since(c.lastFailLog) > errLogGap {
		c.lastFailCode, c.lastFailLog = code, time.Now()
		c.log.Warn("message failed", "reason", errName(int(code)), "err", err)
	}
}

func (c *conn) getInflight() *inflight {
	if n := len(c.free); n > 0 {
		inf := c.free[n-1]
		c.free = c.free[:n-1]
		return inf
	}
	return new(inflight)
}

func (c *conn) putInflight(inf *inflight) { c.free = append(c.free, inf) }
