package consume

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"wire2kafka/kafkaout"
)

// ReaderConfig says what Read reads, with the meanings kcat users expect.
type ReaderConfig struct {
	// Brokers is the bootstrap list ("host:port,...").
	Brokers string
	// Topics are topic names or regular expressions starting with '^'
	// (e.g. "^AS" for every SCION-INT sink topic).
	Topics []string
	// Group, when set, joins that consumer group (subscribe, committed
	// offsets); otherwise Read assigns every partition of the topics itself.
	Group string
	// Offset is where to start: "beginning" (default), "end", "stored", an
	// absolute offset N, or -N for the last N messages of each partition.
	// With Group, only beginning and end apply (auto.offset.reset) when
	// the group has no committed offset.
	Offset string
	// ExitAtEnd makes Read return once every assigned partition reached
	// its end (kcat -e).
	ExitAtEnd bool
	// MaxMessages stops Read after that many messages (0: no limit).
	MaxMessages int
	// Librdkafka holds extra consumer settings passed as they are (TLS,
	// SASL, ...), like kcat -X.
	Librdkafka map[string]string
}

// Read consumes messages and calls fn for each, in partition order, until
// ctx ends, MaxMessages were read, or (ExitAtEnd) every partition is at its
// end. An error from fn stops Read and is returned. It returns the number
// of messages read.
func Read(ctx context.Context, cfg ReaderConfig, fn func(*Message) error) (int, error) {
	if len(cfg.Topics) == 0 {
		return 0, errors.New("consume: no topic")
	}
	start, err := parseOffset(cfg.Offset)
	if err != nil {
		return 0, err
	}
	cm := kafka.ConfigMap{
		"bootstrap.servers":    cfg.Brokers,
		"enable.partition.eof": true,
		"enable.auto.commit":   cfg.Group != "",
		"auto.offset.reset":    "earliest",
		"group.id":             cfg.Group,
	}
	if start == kafka.OffsetEnd {
		cm["auto.offset.reset"] = "latest"
	}
	if cfg.Group == "" {
		cm["group.id"] = fmt.Sprintf("wire2kafka-consume-%d", os.Getpid()) // required by the client, never committed
	}
	for k, v := range cfg.Librdkafka {
		cm[k] = v
	}
	c, err := kafka.NewConsumer(&cm)
	if err != nil {
		return 0, fmt.Errorf("consume: %w", err)
	}
	defer c.Close()
	if err := reachable(c, cfg.Brokers, 10*time.Second); err != nil {
		return 0, err
	}
	if cfg.Group != "" {
		if err := c.SubscribeTopics(cfg.Topics, nil); err != nil {
			return 0, fmt.Errorf("consume: subscribe %v: %w", cfg.Topics, err)
		}
	} else {
		tps, err := partitions(c, cfg.Topics, start)
		if err != nil {
			return 0, err
		}
		if err := c.Assign(tps); err != nil {
			return 0, fmt.Errorf("consume: assign: %w", err)
		}
	}
	eof := map[string]bool{}
	n := 0
	for ctx.Err() == nil {
		if cfg.MaxMessages > 0 && n >= cfg.MaxMessages {
			return n, nil
		}
		switch e := c.Poll(100).(type) {
		case *kafka.Message:
			if e.TopicPartition.Error != nil {
				return n, fmt.Errorf("consume: %v: %w", e.TopicPartition, e.TopicPartition.Error)
			}
			delete(eof, tpKey(e.TopicPartition))
			n++
			if err := fn(FromKafka(e)); err != nil {
				return n, err
			}
		case kafka.PartitionEOF:
			eof[tpKey(kafka.TopicPartition(e))] = true
			if cfg.ExitAtEnd && allAtEnd(c, eof) {
				return n, nil
			}
		case kafka.Error:
			if what := kafkaout.Permanent(e); what != "" {
				return n, fmt.Errorf("consume: brokers %s: %s: %w", cfg.Brokers, what, e)
			}
			if e.IsFatal() || e.Code() == kafka.ErrUnknownTopicOrPart || e.Code() == kafka.ErrTopicAuthorizationFailed {
				return n, fmt.Errorf("consume: %w", e)
			}
			fmt.Fprintf(os.Stderr, "consume: %v\n", e)
		}
	}
	return n, nil
}

func tpKey(tp kafka.TopicPartition) string {
	if tp.Topic == nil {
		return ""
	}
	return *tp.Topic + "/" + strconv.Itoa(int(tp.Partition))
}

// allAtEnd reports whether every partition assigned to c is in eof.
func allAtEnd(c *kafka.Consumer, eof map[string]bool) bool {
	as, err := c.Assignment()
	if err != nil || len(as) == 0 {
		return false
	}
	for _, tp := range as {
		if !eof[tpKey(tp)] {
			return false
		}
	}
	return true
}

// parseOffset parses ReaderConfig.Offset.
func parseOffset(s string) (kafka.Offset, error) {
	switch s {
	case "", "beginning":
		return kafka.OffsetBeginning, nil
	case "end":
		return kafka.OffsetEnd, nil
	case "stored":
		return kafka.OffsetStored, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("consume: offset %q: want beginning, end, stored, N or -N", s)
	}
	if n < 0 {
		return kafka.OffsetTail(kafka.Offset(-n)), nil
	}
	return kafka.Offset(n), nil
}

// partitions resolves topics (names and ^patterns) to every partition,
// starting at start. A named topic that does not exist is an error.
func partitions(c *kafka.Consumer, topics []string, start kafka.Offset) ([]kafka.TopicPartition, error) {
	md, err := c.GetMetadata(nil, true, 10000)
	if err != nil {
		return nil, fmt.Errorf("consume: metadata: %w", err)
	}
	names := map[string]bool{}
	for _, t := range topics {
		if !strings.HasPrefix(t, "^") {
			if tm, ok := md.Topics[t]; !ok || tm.Error.Code() != kafka.ErrNoError {
				return nil, fmt.Errorf("consume: topic %q does not exist on %s", t, c)
			}
			names[t] = true
			continue
		}
		re, err := regexp.Compile(t)
		if err != nil {
			return nil, fmt.Errorf("consume: topic pattern %q: %w", t, err)
		}
		for name := range md.Topics {
			if !strings.HasPrefix(name, "__") && re.MatchString(name) {
				names[name] = true
			}
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("consume: no topic matches %v", topics)
	}
	var tps []kafka.TopicPartition
	for name := range names {
		for _, p := range md.Topics[name].Partitions {
			tps = append(tps, kafka.TopicPartition{Topic: &name, Partition: p.ID, Offset: start})
		}
	}
	sort.Slice(tps, func(i, j int) bool { return tpKey(tps[i]) < tpKey(tps[j]) })
	return tps, nil
}

// reachable waits up to timeout until a broker answers c's metadata
// request, and fails at once when librdkafka reports an error no retry
// mends (kafkaout.Permanent: a wrong password, an untrusted certificate).
// A broker that does not answer in time is no error here: the reads that
// follow report it.
func reachable(c *kafka.Consumer, brokers string, timeout time.Duration) error {
	for end := time.Now().Add(timeout); time.Now().Before(end); {
		if _, err := c.GetMetadata(nil, false, 250); err == nil {
			return nil
		}
		for ev := c.Poll(0); ev != nil; ev = c.Poll(0) {
			if e, ok := ev.(kafka.Error); ok {
				if what := kafkaout.Permanent(e); what != "" {
					return fmt.Errorf("consume: brokers %s: %s: %w", brokers, what, e)
				}
			}
		}
	}
	return nil
}
