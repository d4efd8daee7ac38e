package kafkatest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

var unsafeTopicChars = regexp.MustCompile(`[^a-zA-Z0-9._-]+`)

// TopicName returns a topic name unique to this test and run.
func TopicName(tb testing.TB) string {
	var r [4]byte
	rand.Read(r[:])
	name := unsafeTopicChars.ReplaceAllString(tb.Name(), "_")
	if len(name) > 180 {
		name = name[:180]
	}
	return fmt.Sprintf("%s-%s", name, hex.EncodeToString(r[:]))
}

// NewTopic creates a topic unique to the test with the given number of
// partitions on the test broker and deletes it when the test ends.
func NewTopic(tb testing.TB, partitions int) string {
	tb.Helper()
	topic := TopicName(tb)
	CreateTopic(tb, topic, partitions)
	return topic
}

// CreateTopic creates the named topic with the given number of partitions
// (replication factor 1) and waits until the broker reports it; the topic is
// deleted when the test ends.
func CreateTopic(tb testing.TB, topic string, partitions int) {
	tb.Helper()
	CreateTopicAt(tb, Bootstrap(tb), topic, partitions)
	tb.Cleanup(func() { DeleteTopic(tb, topic) })
}

// CreateTopicAt creates the named topic with the given number of
// partitions (replication factor 1) on the broker at bootstrap, failing the
// test on error.
func CreateTopicAt(tb testing.TB, bootstrap, topic string, partitions int) {
	tb.Helper()
	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": bootstrap})
	if err != nil {
		tb.Fatalf("kafkatest: admin client: %v", err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := admin.CreateTopics(ctx, []kafka.TopicSpecification{{Topic: topic, NumPartitions: partitions, ReplicationFactor: 1}},
		kafka.SetAdminOperationTimeout(20*time.Second))
	if err != nil {
		tb.Fatalf("kafkatest: create topic %s: %v", topic, err)
	}
	for _, r := range res {
		if r.Error.Code() != kafka.ErrNoError {
			tb.Fatalf("kafkatest: create topic %s: %v", topic, r.Error)
		}
	}
}

// DeleteTopic deletes a topic, logging (not failing) on error.
func DeleteTopic(tb testing.TB, topic string) {
	if err := DeleteTopicAt(Bootstrap(tb), topic); err != nil {
		tb.Logf("kafkatest: %v", err)
	}
}

// DeleteTopicAt deletes a topic on the broker at bootstrap and waits for
// the broker's answer.
func DeleteTopicAt(bootstrap, topic string) error {
	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": bootstrap})
	if err != nil {
		return fmt.Errorf("admin client: %w", err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := admin.DeleteTopics(ctx, []string{topic}, kafka.SetAdminOperationTimeout(15*time.Second))
	if err != nil {
		return fmt.Errorf("delete topic %s: %w", topic, err)
	}
	for _, r := range res {
		if r.Error.Code() != kafka.ErrNoError {
			return fmt.Errorf("delete topic %s: %w", topic, r.Error)
		}
	}
	return nil
}

// WaitLeaders waits until the broker at bootstrap reports a leader for
// every one of the topic's partitions and each leader answers ListOffsets
// for it (it has created the partition's log), then a further settle
// period. Metadata names the leader before the broker has created the
// partition (seconds later on a loaded machine); an idempotent producer's
// first batch then fails while its next one is written, and librdkafka
// reports the first as delivered (kafkaout/README.md, known problems).
func WaitLeaders(tb testing.TB, bootstrap, topic string, partitions int, settle time.Duration) {
	tb.Helper()
	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": bootstrap})
	if err != nil {
		tb.Fatalf("kafkatest: admin client: %v", err)
	}
	defer admin.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		md, err := admin.GetMetadata(&topic, false, 5000)
		if err == nil {
			if t, ok := md.Topics[topic]; ok && t.Error.Code() == kafka.ErrNoError && len(t.Partitions) == partitions {
				led := 0
				for _, p := range t.Partitions {
					if p.Leader >= 0 && p.Error.Code() == kafka.ErrNoError {
						led++
					}
				}
				if led == partitions && writable(admin, topic, partitions) {
					break
				}
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("kafkatest: topic %s: no leader for every partition within 30 s (last error %v)", topic, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(settle)
}

// writable reports whether the leader of every partition of topic answers
// ListOffsets without an error, that is, has the partition's log.
func writable(admin *kafka.AdminClient, topic string, partitions int) bool {
	req := map[kafka.TopicPartition]kafka.OffsetSpec{}
	for p := range partitions {
		req[kafka.TopicPartition{Topic: &topic, Partition: int32(p)}] = kafka.LatestOffsetSpec
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := admin.ListOffsets(ctx, req)
	if err != nil || len(res.ResultInfos) != partitions {
		return false
	}
	for _, r := range res.ResultInfos {
		if r.Error.Code() != kafka.ErrNoError {
			return false
		}
	}
	return true
}
