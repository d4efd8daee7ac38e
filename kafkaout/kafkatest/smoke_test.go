package kafkatest

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

func TestMain(m *testing.M) { os.Exit(Run(m)) }

// msgHash is an order-independent fingerprint of one message.
func msgHash(key, value []byte) uint64 {
	h := fnv.New64a()
	h.Write(key)
	h.Write([]byte{0})
	h.Write(value)
	return h.Sum64()
}

// TestSmokeProduceConsume proves the broker harness with the settings the
// daemon uses: 100,000 keyed messages, acks=all, idempotence, lz4, read back
// by a consumer group with committed offsets, and by kcat.
func TestSmokeProduceConsume(t *testing.T) {
	const n, keys, partitions = 100_000, 64, 6
	bootstrap := Bootstrap(t)
	topic := NewTopic(t, partitions)
	defer func() {
		if t.Failed() {
			t.Logf("broker log tail:\n%s", LogTail(40))
		}
	}()

	p, err := kafka.NewProducer(&kafka.ConfigMap{
		"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": true,
		"compression.type": "lz4", "linger.ms": 5, "queue.buffering.max.messages": 200_000,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var sent uint64
	delivered := make(chan error, 1)
	go func() {
		var failed error
		ok := 0
		for e := range p.Events() {
			if m, isMsg := e.(*kafka.Message); isMsg {
				if m.TopicPartition.Error != nil && failed == nil {
					failed = m.TopicPartition.Error
				}
				ok++
				if ok == n {
					delivered <- failed
					return
				}
			}
		}
	}()
	seq := make([]uint32, keys)
	for i := range n {
		k := i % keys
		key := []byte(fmt.Sprintf("flow-%02d", k))
		value := make([]byte, 8, 100)
		binary.BigEndian.PutUint32(value, uint32(k))
		binary.BigEndian.PutUint32(value[4:], seq[k])
		value = append(value, bytes.Repeat([]byte{byte(i)}, 92)...)
		seq[k]++
		sent += msgHash(key, value)
		for {
			err := p.Produce(&kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny}, Key: key, Value: value}, nil)
			if err == nil {
				break
			}
			if err.(kafka.Error).Code() != kafka.ErrQueueFull {
				t.Fatalf("produce: %v", err)
			}
			time.Sleep(time.Millisecond)
		}
	}
	select {
	case err := <-delivered:
		if err != nil {
			t.Fatalf("delivery failed: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("delivery reports did not arrive within 60 s")
	}

	group := topic + "-group"
	c, err := kafka.NewConsumer(&kafka.ConfigMap{
		"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
		"enable.auto.commit": false,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Subscribe(topic, nil); err != nil {
		t.Fatal(err)
	}
	var got uint64
	count := 0
	next := make([]uint32, keys)
	deadline := time.Now().Add(60 * time.Second)
	for count < n && time.Now().Before(deadline) {
		m, err := c.ReadMessage(time.Second)
		if err != nil {
			if err.(kafka.Error).IsTimeout() {
				continue
			}
			t.Fatalf("consume: %v", err)
		}
		k := binary.BigEndian.Uint32(m.Value)
		s := binary.BigEndian.Uint32(m.Value[4:])
		if s != next[k] {
			t.Fatalf("key %d: sequence %d, want %d (per-key order broken)", k, s, next[k])
		}
		next[k]++
		got += msgHash(m.Key, m.Value)
		count++
	}
	if count != n {
		t.Fatalf("consumed %d messages, want %d", count, n)
	}
	if got != sent {
		t.Fatalf("content hash %x, want %x", got, sent)
	}
	if _, err := c.Commit(); err != nil {
		t.Fatalf("commit: %v", err)
	}
	var tps []kafka.TopicPartition
	for i := range partitions {
		tps = append(tps, kafka.TopicPartition{Topic: &topic, Partition: int32(i)})
	}
	committed, err := c.Committed(tps, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, tp := range committed {
		_, high, err := c.QueryWatermarkOffsets(topic, tp.Partition, 10_000)
		if err != nil {
			t.Fatal(err)
		}
		if int64(tp.Offset) != high {
			t.Errorf("partition %d: committed %v, high watermark %d", tp.Partition, tp.Offset, high)
		}
		total += high
	}
	if total != n {
		t.Errorf("high watermarks sum to %d, want %d", total, n)
	}

	// An independent client sees the same topic and count.
	out, err := exec.Command("kcat", "-b", bootstrap, "-L", "-t", topic).CombinedOutput()
	if err != nil || !strings.Contains(string(out), fmt.Sprintf("topic \"%s\" with %d partitions", topic, partitions)) {
		t.Fatalf("kcat -L: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err = exec.CommandContext(ctx, "kcat", "-b", bootstrap, "-C", "-t", topic, "-e", "-q", "-f", "%k\n").Output()
	if err != nil {
		t.Fatalf("kcat -C: %v", err)
	}
	if lines := bytes.Count(out, []byte("\n")); lines != n {
		t.Fatalf("kcat read %d messages, want %d", lines, n)
	}
}
