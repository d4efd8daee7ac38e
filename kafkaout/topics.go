package kafkaout

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// ErrNoTopic is wrapped by the error for a topic that does not exist while
// topic creation is off.
var ErrNoTopic = errors.New("topic does not exist")

// errNoAnswer marks a topic check that got no answer from the brokers (as
// opposed to a definite "no such topic").
var errNoAnswer = errors.New("kafkaout: no metadata")

// topicRecheck is how long a failed topic check is remembered: messages
// for that topic fail at once (_UNKNOWN_TOPIC) until it expires.
const topicRecheck = 5 * time.Second

// topicState is the result of one topic check.
type topicState struct {
	err     error
	checked time.Time
}

// topics checks (and creates) topics once, for all connections. Safe for
// concurrent use; called when a connection first sees a topic, never per
// message after that.
type topics struct {
	cfg   *ProducerConfig
	p     *kafka.Producer // metadata requests go through the first producer
	admin *kafka.AdminClient

	mu    sync.Mutex
	state map[string]topicState
}

func newTopics(cfg *ProducerConfig, p *kafka.Producer) (*topics, error) {
	t := &topics{cfg: cfg, p: p, state: map[string]topicState{}}
	if cfg.CreateTopics {
		a, err := kafka.NewAdminClientFromProducer(p)
		if err != nil {
			return nil, fmt.Errorf("kafkaout: admin client: %w", err)
		}
		t.admin = a
	}
	return t, nil
}

func (t *topics) close() {
	if t.admin != nil {
		t.admin.Close()
	}
}

// ensure returns nil when topic exists (creating it if configured to). It
// remembers successes for good and failures for topicRecheck.
func (t *topics) ensure(topic string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s, ok := t.state[topic]; ok && (s.err == nil || time.Since(s.checked) < topicRecheck) {
		return s.err
	}
	err := t.check(topic)
	t.state[topic] = topicState{err: err, checked: time.Now()}
	return err
}

// check asks the broker about topic and creates it when it is missing and
// creation is on.
func (t *topics) check(topic string) error {
	code, err := t.lookup(topic)
	if err != nil {
		return err
	}
	if code == kafka.ErrNoError {
		return nil
	}
	if t.admin == nil {
		return fmt.Errorf("kafkaout: topic %q: %w on %s and topic creation is off (create it, or turn create_topics on)",
			topic, ErrNoTopic, t.cfg.Librdkafka["bootstrap.servers"])
	}
	ctx, cancel := context.WithTimeout(context.Background(), t.cfg.TopicTimeout)
	defer cancel()
	res, err := t.admin.CreateTopics(ctx, []kafka.TopicSpecification{{
		Topic: topic, NumPartitions: t.cfg.Partitions, ReplicationFactor: t.cfg.ReplicationFactor,
	}}, kafka.SetAdminOperationTimeout(t.cfg.TopicTimeout))
	if err != nil {
		return fmt.Errorf("kafkaout: create topic %q: %w", topic, err)
	}
	for _, r := range res {
		if c := r.Error.Code(); c != kafka.ErrNoError && c != kafka.ErrTopicAlreadyExists {
			return fmt.Errorf("kafkaout: create topic %q (%d partitions, replication %d): %w",
				topic, t.cfg.Partitions, t.cfg.ReplicationFactor, r.Error)
		} else if c == kafka.ErrTopicAlreadyExists {
			return nil // someone else's topic, of any partition count
		}
	}
	return t.waitWritable(ctx, topic)
}

// waitWritable waits until the leader of every partition of a topic just
// created answers ListOffsets, i.e. has created the partition's log. The
// metadata names the leader earlier (seconds earlier on a loaded broker);
// producing then makes an idempotent producer's first batch fail while the
// next one is written (the broker takes any first sequence number from a
// producer it has no state for), and librdkafka reports the first batch
// delivered, implied by the second: acknowledged messages that are not in
// the log.
func (t *topics) waitWritable(ctx context.Context, topic string) error {
	req := map[kafka.TopicPartition]kafka.OffsetSpec{}
	for p := range t.cfg.Partitions {
		req[kafka.TopicPartition{Topic: &topic, Partition: int32(p)}] = kafka.LatestOffsetSpec
	}
	var last error
	for {
		res, err := t.admin.ListOffsets(ctx, req)
		last = err
		if err == nil {
			ok := len(res.ResultInfos) == len(req)
			for _, r := range res.ResultInfos {
				if r.Error.Code() != kafka.ErrNoError {
					ok, last = false, r.Error
				}
			}
			if ok {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("kafkaout: topic %q created, but its partitions not writable within %v: %v", topic, t.cfg.TopicTimeout, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// topicSettle is how long a topic the broker does not know is asked about
// again before it counts as missing: a topic created a moment ago may not
// be in every broker's metadata yet.
const topicSettle = 2 * time.Second

// lookup asks the brokers for topic's metadata. It returns ErrNoError when
// the topic exists, ErrUnknownTopicOrPart when it does not (after
// topicSettle), and an error wrapping errNoAnswer when no broker answered.
func (t *topics) lookup(topic string) (kafka.ErrorCode, error) {
	timeout := int(t.cfg.TopicTimeout.Milliseconds())
	settle := time.Now().Add(min(topicSettle, t.cfg.TopicTimeout))
	for {
		md, err := t.p.GetMetadata(&topic, false, timeout)
		if err != nil {
			return 0, fmt.Errorf("%w: topic %q: metadata from %s: %w", errNoAnswer, topic, t.cfg.Librdkafka["bootstrap.servers"], err)
		}
		tm, ok := md.Topics[topic]
		code := kafka.ErrUnknownTopicOrPart
		if ok {
			code = tm.Error.Code()
			if code == kafka.ErrNoError && len(tm.Partitions) == 0 {
				code = kafka.ErrUnknownTopicOrPart
			}
		}
		switch {
		case code == kafka.ErrNoError:
			return code, nil
		case code != kafka.ErrUnknownTopicOrPart && code != kafka.ErrUnknownTopic && code != kafka.ErrLeaderNotAvailable:
			return code, fmt.Errorf("kafkaout: topic %q: %w", topic, tm.Error)
		case time.Now().After(settle):
			return kafka.ErrUnknownTopicOrPart, nil
		}
		time.Sleep(200 * time.Millisecond)
	}
}
