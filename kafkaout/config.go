package kafkaout

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Header names of every message the Producer writes. Values are ASCII
// decimal numbers, except HeaderType (PayloadType.String()). See README.md.
const (
	HeaderType  = "w2k-type"  // payload type: report, report-batch, packet-batch, histogram
	HeaderCount = "w2k-count" // reports (or packets, or 1 for a histogram) in the value
	HeaderSeq   = "w2k-seq"   // per-key sequence number (Message.Sequence)
)

// DefaultLibrdkafka holds the librdkafka settings the Producer uses unless
// ProducerConfig.Librdkafka overrides them.
var DefaultLibrdkafka = map[string]string{
	"acks":               "all",
	"enable.idempotence": "true",
	// One produce request in flight per broker connection: with more, a
	// partition's first batch can fail while the next is written, and
	// librdkafka reports the first delivered (README.md, known problems).
	"max.in.flight.requests.per.connection": "1",
	"compression.type":                      "lz4",
	"linger.ms":                             "5",
	"partitioner":                           "murmur2_random", // same partition as the Java client for a key
	"statistics.interval.ms":                "5000",
	"queue.buffering.max.kbytes":            "65536", // 64 MiB per connection (librdkafka's default is 1 GiB)
}

// ProducerConfig configures a Producer. The zero value of a field means its
// default.
type ProducerConfig struct {
	// Librdkafka holds librdkafka settings passed as they are
	// ("bootstrap.servers", "security.protocol", "sasl.*", "ssl.*", ...);
	// each overrides the default of DefaultLibrdkafka. "bootstrap.servers"
	// is required. Keys starting with "go." are refused: the Producer sets
	// those itself.
	Librdkafka map[string]string
	// Connections is the number of librdkafka producers, each owned by
	// one connection goroutine. Messages are spread by key, so one key
	// always takes the same connection (order). Default 1.
	Connections int
	// PoolMessages is the number of messages between the Kafka workers
	// and the connections (the Pool size): the bound on memory and the
	// point where back-pressure starts (Acquire returns nil). Default
	// 10000.
	PoolMessages int
	// onDelivered, set by tests only, gets every delivery report with the
	// partition and offset the broker gave the message (acked_test.go).
	onDelivered func(topic string, partition int32, offset int64, key []byte, seq uint64, err error)
	// MessageBytes is the initial capacity of a pooled message value;
	// values grow to the largest message and keep that size. Default 64 KiB.
	MessageBytes int
	// CPUs, when not empty, is the CPU set librdkafka's threads (rdk:main,
	// rdk:broker*) run on: each producer is created from a thread pinned
	// to these CPUs, and threads inherit the affinity of their creator.
	// Use the housekeeping CPUs, never a polling lcore. Default: inherit
	// (the affinity of whatever thread runs the Go code creating it).
	CPUs []int
	// Topics are checked (and created when CreateTopics is set) before
	// NewProducer returns; a missing one is an error. Topics first seen
	// at run time are checked the same way when their first message comes.
	Topics []string
	// CreateTopics creates missing topics through the AdminClient with
	// Partitions and ReplicationFactor. Default off.
	CreateTopics bool
	// Partitions of a created topic. Default 1.
	Partitions int
	// ReplicationFactor of a created topic. Default 1.
	ReplicationFactor int
	// QueueFullTimeout bounds how long a connection retries a message
	// librdkafka refuses with a full queue (ErrQueueFull) before it
	// counts it failed (_QUEUE_FULL). Default 5 minutes (librdkafka's
	// message.timeout.ms default).
	QueueFullTimeout time.Duration
	// TopicTimeout bounds a topic check or creation. Default 10 s.
	TopicTimeout time.Duration
	// OnDelivered, when set, is called for every message the broker
	// acknowledged that carries a receive time, with its wire-to-delivery
	// latency (delivery report time minus the receive time of its first,
	// oldest report) and its report count. It runs on the connection
	// goroutine, once per message (never on a polling lcore): keep it
	// short. The bench uses it for exact latency percentiles; the
	// exported histogram has fixed buckets.
	OnDelivered func(latency time.Duration, reports int)
}

// ErrConfig is wrapped by every configuration error of NewProducer.
var ErrConfig = errors.New("kafkaout: bad producer config")

// withDefaults returns c with defaults filled in, or an error.
func (c ProducerConfig) withDefaults() (ProducerConfig, error) {
	if c.Librdkafka["bootstrap.servers"] == "" {
		return c, fmt.Errorf("%w: librdkafka bootstrap.servers is required", ErrConfig)
	}
	for k := range c.Librdkafka {
		if strings.HasPrefix(k, "go.") {
			return c, fmt.Errorf("%w: %q is set by the producer itself", ErrConfig, k)
		}
	}
	if c.Connections <= 0 {
		c.Connections = 1
	}
	if c.PoolMessages <= 0 {
		c.PoolMessages = 10000
	}
	if c.MessageBytes <= 0 {
		c.MessageBytes = 64 << 10
	}
	if c.Partitions <= 0 {
		c.Partitions = 1
	}
	if c.ReplicationFactor <= 0 {
		c.ReplicationFactor = 1
	}
	if c.QueueFullTimeout <= 0 {
		c.QueueFullTimeout = 5 * time.Minute
	}
	if c.TopicTimeout <= 0 {
		c.TopicTimeout = 10 * time.Second
	}
	for _, cpu := range c.CPUs {
		if cpu < 0 || cpu >= 1024 {
			return c, fmt.Errorf("%w: cpu %d out of range", ErrConfig, cpu)
		}
	}
	return c, nil
}

// librdkafkaSettings merges the defaults with the passthrough settings.
func (c *ProducerConfig) librdkafkaSettings() map[string]string {
	m := make(map[string]string, len(DefaultLibrdkafka)+len(c.Librdkafka))
	for k, v := range DefaultLibrdkafka {
		m[k] = v
	}
	for k, v := range c.Librdkafka {
		m[k] = v
	}
	return m
}
