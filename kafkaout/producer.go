package kafkaout

import (
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// Producer is the Sink that writes messages into Kafka: the connection
// workers. It owns a Pool (the bound on memory) and Connections librdkafka
// producers, each driven by one goroutine that produces the submitted
// messages, retries ErrQueueFull, and reads the delivery reports,
// statistics and errors of its producer.
//
// A message goes to connection hash(Key) mod Connections, so the messages
// of one key keep their order. librdkafka copies key, value and headers
// (RD_KAFKA_MSG_F_COPY), so a message returns to the pool as soon as
// librdkafka accepted it; its delivery is tracked separately.
//
// Every submitted message ends up delivered, failed (by librdkafka error
// name) or dropped (submitted after Close); see Counters.
//
// Acquire, Submit and Release are safe for concurrent use and never block;
// Counters and Total may be called at any time from any goroutine.
type Producer struct {
	cfg    ProducerConfig
	pool   *Pool
	conns  []*conn
	topics *topics
	log    *slog.Logger
	seed   maphash.Seed // route's key hash

	closed     atomic.Bool
	submitting atomic.Int64 // Submit calls between their closed check and their send
}

var errClosed = errors.New("kafkaout: producer closed")

// NewProducer creates the connections (on cfg.CPUs when set), checks that
// each can authenticate, checks (or creates) cfg.Topics, and starts the
// connection goroutines. It fails when the config is bad, a producer cannot
// be created, a broker refuses the credentials or the TLS handshake fails,
// or a topic is missing and creation is off.
func NewProducer(cfg ProducerConfig) (*Producer, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	p := &Producer{cfg: cfg, seed: maphash.MakeSeed(), log: slog.Default().With("component", "kafkaout")}
	p.pool = NewPool(cfg.PoolMessages, cfg.MessageBytes)
	settings := cfg.librdkafkaSettings()
	for i := range cfg.Connections {
		cm := kafka.ConfigMap{}
		for k, v := range settings {
			cm[k] = v
		}
		if _, ok := cm["client.id"]; !ok {
			cm["client.id"] = "wire2kafka-" + strconv.Itoa(i)
		}
		cm["go.delivery.report.fields"] = "none" // the opaque carries what we need
		cm["go.events.channel.size"] = 100000
		cm["go.produce.channel.size"] = 1   // unused: we call Produce
		cm["go.logs.channel.enable"] = true // librdkafka logs go to slog (forwardLogs)
		var kp *kafka.Producer
		err := onCPUs(cfg.CPUs, func() error {
			var err error
			kp, err = kafka.NewProducer(&cm)
			return err
		})
		if err != nil {
			p.closeProducers()
			return nil, fmt.Errorf("kafkaout: connection %d: %w", i, err)
		}
		c := newConn(i, kp, p)
		go c.forwardLogs()
		p.conns = append(p.conns, c)
	}
	if err := p.checkConnections(cfg.TopicTimeout); err != nil {
		p.closeProducers()
		return nil, err
	}
	p.topics, err = newTopics(&p.cfg, p.conns[0].p)
	if err != nil {
		p.closeProducers()
		return nil, err
	}
	for _, t := range cfg.Topics {
		if err := p.topics.ensure(t); err != nil {
			p.topics.close()
			p.closeProducers()
			return nil, err
		}
	}
	for _, c := range p.conns {
		go c.run()
	}
	return p, nil
}

func (p *Producer) closeProducers() {
	for _, c := range p.conns {
		c.p.Close()
	}
}

// Acquire implements Sink: an empty message from the pool, or nil when the
// pool is empty (back-pressure) or the producer is closed.
func (p *Producer) Acquire() *Message {
	if p.closed.Load() {
		return nil
	}
	return p.pool.Get()
}

// Release implements Sink.
func (p *Producer) Release(m *Message) { p.pool.Put(m) }

// Submit implements Sink: it queues m on its connection. It never blocks:
// each connection's queue holds the whole pool. A message submitted after
// Close is counted dropped.
func (p *Producer) Submit(m *Message) {
	c := p.conns[p.route(m)]
	c.c.submitted.Add(1)
	c.c.submittedReports.Add(uint64(m.Count))
	c.c.submittedBytes.Add(uint64(len(m.Key) + len(m.Value)))
	p.submitting.Add(1)
	if p.closed.Load() {
		p.submitting.Add(-1)
		c.c.dropped.Add(1)
		c.c.droppedReports.Add(uint64(m.Count))
		p.pool.Put(m)
		return
	}
	c.in <- m
	p.submitting.Add(-1)
}

// route picks the connection of m: a hash of the key (hash/maphash, with
// the producer's seed: one key always takes one connection, so its order
// holds), or the Kafka worker index when there is no key.
func (p *Producer) route(m *Message) int {
	n := len(p.conns)
	if n == 1 {
		return 0
	}
	if len(m.Key) == 0 {
		return int(m.Worker) % n
	}
	return int(maphash.Bytes(p.seed, m.Key) % uint64(n))
}

// Pool returns the producer's message pool (its size is the bound).
func (p *Producer) Pool() *Pool { return p.pool }

// Connections returns the number of connections.
func (p *Producer) Connections() int { return len(p.conns) }

// Counters returns a snapshot of the counters of each connection.
func (p *Producer) Counters() []Counters {
	out := make([]Counters, len(p.conns))
	for i, c := range p.conns {
		out[i] = c.c.snapshot()
		out[i].Queued = len(c.in)
		if c.pending.Load() {
			out[i].Queued++
		}
	}
	return out
}

// Total returns the sum of the counters of all connections.
func (p *Producer) Total() Counters {
	var t Counters
	for _, c := range p.Counters() {
		t.add(c)
	}
	return t
}

// Close stops accepting messages, produces what is queued, and waits up to
// timeout for the delivery reports. Messages still undelivered at the
// deadline are purged from librdkafka and counted failed (_PURGE_QUEUE,
// _PURGE_INFLIGHT, or _TIMED_OUT when not even a purge report came), so
// that afterwards Submitted = Delivered + Failed + Dropped. Close returns
// an error when some message was not delivered for that reason. Call it
// once, after the Kafka workers stopped submitting.
func (p *Producer) Close(timeout time.Duration) error {
	if !p.closed.CompareAndSwap(false, true) {
		return errClosed
	}
	for p.submitting.Load() != 0 { // a Submit that saw closed=false finishes its send
		runtime.Gosched()
	}
	deadline := time.Now().Add(timeout)
	for _, c := range p.conns {
		c.deadline = deadline
		close(c.quit)
	}
	var lost, lostReports uint64
	for _, c := range p.conns {
		<-c.done
		lost += c.closeLost
		lostReports += c.closeLostReports
	}
	p.topics.close()
	p.closeProducers()
	if lost > 0 {
		return fmt.Errorf("kafkaout: %d messages (%d reports) not delivered within %v of close; counted failed", lost, lostReports, timeout)
	}
	return nil
}
