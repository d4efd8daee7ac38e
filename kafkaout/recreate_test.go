package kafkaout

import (
	"os"
	"strconv"
	"testing"
	"time"

	"wire2kafka/kafkaout/kafkatest"
)

// TestProducerTopicRecreated deletes the topic a producer is writing to
// under a steady load and creates it again a few seconds later (someone
// else does both, not the Producer), several times. After each
// re-creation, every message the broker acknowledged must be in the new
// topic at its acknowledged (partition, offset): nothing acknowledged may
// be missing. Messages held while the topic was gone are delivered or
// counted failed; the accounting balances. W2K_RECREATE_CYCLES sets the
// number of cycles (default 3); W2K_RECREATE_INFLIGHT overrides
// max.in.flight.requests.per.connection (with librdkafka's 5, 4 of 15
// cycles lost acknowledged messages here; README.md, known problems).
func TestProducerTopicRecreated(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the re-creation test takes about a minute")
	}
	cycles := 3
	if s := os.Getenv("W2K_RECREATE_CYCLES"); s != "" {
		cycles, _ = strconv.Atoi(s)
	}
	bootstrap := kafkatest.Bootstrap(t)
	topic := kafkatest.TopicName(t)
	const partitions = 3
	kafkatest.CreateTopicAt(t, bootstrap, topic, partitions)
	t.Cleanup(func() { kafkatest.DeleteTopicAt(bootstrap, topic) })
	kafkatest.WaitLeaders(t, bootstrap, topic, partitions, 0)

	acks := &ackLog{}
	settings := map[string]string{"bootstrap.servers": bootstrap, "reconnect.backoff.max.ms": "500",
		"topic.metadata.refresh.interval.ms": "1000"}
	if s := os.Getenv("W2K_RECREATE_INFLIGHT"); s != "" {
		settings["max.in.flight.requests.per.connection"] = s // 5 shows the loss the default of 1 prevents
	}
	p, err := NewProducer(ProducerConfig{Librdkafka: settings, PoolMessages: 2000, Topics: []string{topic}, onDelivered: acks.record})
	if err != nil {
		t.Fatal(err)
	}
	const flows, rate, reports = 16, 500, 5
	load := &outageLoad{p: p, block: time.Second, topic: topic, seq: make([]uint64, flows), doneCh: make(chan struct{})}
	go load.run(flows, rate, reports)

	for c := range cycles {
		time.Sleep(2 * time.Second)
		if err := kafkatest.DeleteTopicAt(bootstrap, topic); err != nil {
			t.Fatal(err)
		}
		time.Sleep(3 * time.Second)
		acks.mu.Lock()
		from := len(acks.acks) // acknowledged after this are in the new topic (none while there is none)
		acks.mu.Unlock()
		kafkatest.CreateTopicAt(t, bootstrap, topic, partitions)
		created := time.Now()
		// Produce into the new topic, then pause the load and read it back
		// once everything submitted is acknowledged or failed.
		time.Sleep(3 * time.Second)
		load.pause.Store(true)
		for p.Total().InFlight > 0 || p.Total().Queued > 0 && time.Since(created) < 60*time.Second {
			time.Sleep(50 * time.Millisecond)
		}
		acks.mu.Lock()
		since := &ackLog{acks: append([]ack(nil), acks.acks[from:]...)}
		acks.mu.Unlock()
		msgs := readAll(t, bootstrap, topic, len(since.acks), 30*time.Second)
		tot := p.Total()
		t.Logf("cycle %d: %d acknowledged since the re-creation, the new topic holds %d; producer submitted %d delivered %d failed %d %v",
			c, len(since.acks), len(msgs), tot.Submitted, tot.Delivered, tot.Failed, tot.FailedBy)
		since.check(t, topic, msgs)
		if len(msgs) != len(since.acks) {
			t.Errorf("cycle %d: the new topic holds %d messages, %d were acknowledged after the re-creation", c, len(msgs), len(since.acks))
		}
		load.pause.Store(false)
	}
	load.stop.Store(true)
	<-load.doneCh
	if err := p.Close(60 * time.Second); err != nil {
		t.Error(err)
	}
	tot := p.Total()
	if tot.Submitted != load.sent.Load() || tot.Delivered+tot.Failed+tot.Dropped != tot.Submitted {
		t.Errorf("accounting does not balance: test sent %d, producer %+v", load.sent.Load(), tot)
	}
}
