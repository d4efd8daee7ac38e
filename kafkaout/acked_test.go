package kafkaout

import (
	"fmt"
	"sync"
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// ackLog records every delivery report of the producers created while it
// is installed: the partition and offset the broker gave each message.
type ackLog struct {
	mu   sync.Mutex
	acks []ack
}

type ack struct {
	topic     string
	partition int32
	offset    int64
	key       string
	seq       uint64
}

// record is a ProducerConfig.onDelivered: it records what the broker
// acknowledged.
func (l *ackLog) record(topic string, p int32, off int64, key []byte, seq uint64, err error) {
	if err != nil {
		return
	}
	l.mu.Lock()
	l.acks = append(l.acks, ack{topic, p, off, string(key), seq})
	l.mu.Unlock()
}

// check reports every message of topic acknowledged at a (partition,
// offset) that, in msgs (the topic read back), is missing or holds another
// message: the broker lost an acknowledged record, or reused its offset
// (its log was truncated). A report without an offset (-1001: librdkafka
// inferred the delivery from the ack of a later batch, an "implicit ack",
// as after a request lost in the outage) only needs the message somewhere
// in its partition: the lost first batches were acknowledged that way and
// are in no partition (README, known problems). It names where the
// message is, if anywhere.
func (l *ackLog) check(t *testing.T, topic string, msgs []*kafka.Message) {
	t.Helper()
	type pos struct {
		p   int32
		off int64
	}
	at := map[pos]string{}
	where := map[string]pos{}
	for _, m := range msgs {
		id := string(m.Key) + "/" + header(m, HeaderSeq)
		k := pos{m.TopicPartition.Partition, int64(m.TopicPartition.Offset)}
		at[k] = id
		where[id] = k
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	bad := 0
	for _, a := range l.acks {
		if a.topic != topic {
			continue
		}
		id := fmt.Sprintf("%s/%d", a.key, a.seq)
		got, ok := at[pos{a.partition, a.offset}]
		if ok && got == id {
			continue
		}
		if w, found := where[id]; a.offset < 0 && found && w.p == a.partition {
			continue
		}
		bad++
		if bad <= 20 {
			w, found := where[id]
			t.Errorf("%s: key %x sequence %d acknowledged at [%d]@%d, which holds %q (present %v); the message is at %v (found %v)",
				topic, a.key, a.seq, a.partition, a.offset, got, ok, w, found)
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d acknowledged messages not at their acknowledged offset", topic, bad)
	}
}
