package kafkaout

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/prometheus/procfs"

	"wire2kafka/kafkaout/kafkatest"
	"wire2kafka/report"
)

func rssKiB() int {
	p, err := procfs.Self()
	if err != nil {
		return 0
	}
	st, err := p.Stat()
	if err != nil {
		return 0
	}
	return st.ResidentMemory() >> 10
}

// outageLoad submits messages at a steady rate and counts what it
// submitted and dropped, per key. With block > 0 it waits that long for a
// free message before dropping (queue policy block), else it drops at once
// (policy drop), as a Kafka worker does.
type outageLoad struct {
	p      *Producer
	block  time.Duration
	drops  atomic.Uint64
	topic  string
	seq    []uint64 // per flow: last sequence submitted
	sent   atomic.Uint64
	sentR  atomic.Uint64
	stop   atomic.Bool
	pause  atomic.Bool // while set, nothing is submitted
	doneCh chan struct{}
}

func (l *outageLoad) run(flows int, rate int, reports int) {
	defer close(l.doneCh)
	var r report.Report
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	for i := 0; !l.stop.Load(); i++ {
		<-tick.C
		if l.pause.Load() {
			continue
		}
		f := i % flows
		l.seq[f]++ // a dropped message leaves a gap, as a Kafka worker's would
		m := l.p.Acquire()
		if m == nil && l.block > 0 {
			m = acquireWait(l.p, l.block)
		}
		if m == nil {
			l.drops.Add(1)
			continue
		}
		fillBatch(m, l.topic, f, l.seq[f], l.seq[f]*uint64(reports), reports, &r)
		l.sent.Add(1)
		l.sentR.Add(uint64(reports))
		l.p.Submit(m)
	}
}

// TestProducerBrokerOutage stops the broker (SIGTERM) in the middle of a
// steady load, leaves it down for 20 s, and starts it again with its data. Producer "big" has room
// for the whole outage: nothing may be lost or duplicated. Producer "small"
// has a small pool and librdkafka queue and policy drop: in = delivered +
// counted drops, exactly, and the consumer sees exactly the delivered
// messages, with sequence gaps where the drops were. RSS stays bounded.
func TestProducerBrokerOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the outage test takes about two minutes")
	}
	b := kafkatest.StartOwn(t)
	bootstrap := b.Bootstrap

	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": bootstrap})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	res, err := admin.CreateTopics(ctx, []kafka.TopicSpecification{{Topic: "big", NumPartitions: 4, ReplicationFactor: 1},
		{Topic: "small", NumPartitions: 2, ReplicationFactor: 1}})
	cancel()
	admin.Close()
	if err != nil || res[0].Error.Code() != kafka.ErrNoError || res[1].Error.Code() != kafka.ErrNoError {
		t.Fatalf("create topics: %v %v", err, res)
	}
	kafkatest.WaitLeaders(t, bootstrap, "big", 4, 0)
	kafkatest.WaitLeaders(t, bootstrap, "small", 2, 0)

	acks := &ackLog{}
	const flows, rate, reports = 16, 400, 20
	fast := map[string]string{"bootstrap.servers": bootstrap, "reconnect.backoff.max.ms": "500", "statistics.interval.ms": "1000"}
	big, err := NewProducer(ProducerConfig{Librdkafka: fast, Connections: 2, PoolMessages: 1000, Topics: []string{"big"}, onDelivered: acks.record})
	if err != nil {
		t.Fatal(err)
	}
	smallCfg := map[string]string{"queue.buffering.max.messages": "200"}
	for k, v := range fast {
		smallCfg[k] = v
	}
	small, err := NewProducer(ProducerConfig{Librdkafka: smallCfg, PoolMessages: 50, Topics: []string{"small"}, onDelivered: acks.record})
	if err != nil {
		t.Fatal(err)
	}
	loads := []*outageLoad{
		{p: big, block: 200 * time.Millisecond, topic: "big"},
		{p: small, topic: "small"},
	}
	for _, l := range loads {
		l.seq, l.doneCh = make([]uint64, flows), make(chan struct{})
		go l.run(flows, rate, reports)
	}
	var maxRSS atomic.Int64
	rss0 := rssKiB()
	var wg sync.WaitGroup
	stopRSS := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			if r := int64(rssKiB()); r > maxRSS.Load() {
				maxRSS.Store(r)
			}
			select {
			case <-stopRSS:
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()

	time.Sleep(4 * time.Second)
	t.Logf("before outage: big %+v", big.Total().Delivered)
	for i, p := range []*Producer{big, small} {
		for j, c := range p.Counters() {
			t.Logf("producer %d connection %d: idempotent producer id %d", i, j, c.Librdkafka.ProducerID)
		}
	}
	b.Stop(t)
	t.Log("broker stopped")
	time.Sleep(20 * time.Second)
	during := big.Total()
	t.Logf("after 20 s outage: big submitted %d delivered %d in flight %d queued %d; small dropped %d",
		during.Submitted, during.Delivered, during.InFlight, during.Queued, loads[1].drops.Load())
	restart := time.Now()
	b.Restart(t)
	t.Logf("broker back after %v", time.Since(restart).Round(time.Second))
	time.Sleep(4 * time.Second)
	for _, l := range loads {
		l.stop.Store(true)
		<-l.doneCh
	}
	if err := big.Close(60 * time.Second); err != nil {
		t.Error(err)
	}
	if err := small.Close(60 * time.Second); err != nil {
		t.Error(err)
	}
	close(stopRSS)
	wg.Wait()

	for i, p := range []*Producer{big, small} {
		l := loads[i]
		tot := p.Total()
		drops := l.drops.Load()
		t.Logf("%s: test submitted %d (%d reports), producer %+v; dropped %d", l.topic, l.sent.Load(), l.sentR.Load(),
			[]uint64{tot.Submitted, tot.Delivered, tot.Failed, tot.Dropped, tot.QueueFullRetries}, drops)
		if tot.Submitted != l.sent.Load() || tot.Delivered+tot.Failed+tot.Dropped != tot.Submitted ||
			tot.DeliveredReports+tot.FailedReports+tot.DroppedReports != tot.SubmittedReports {
			t.Errorf("%s: accounting does not balance: %+v", l.topic, tot)
		}
		var attempted uint64
		for _, s := range l.seq {
			attempted += s
		}
		if attempted != tot.Submitted+drops {
			t.Errorf("%s: %d messages attempted, %d submitted + %d dropped", l.topic, attempted, tot.Submitted, drops)
		}
		if tot.Failed != 0 {
			t.Errorf("%s: %d failed: %v", l.topic, tot.Failed, tot.FailedBy)
		}
		if i == 0 && (drops != 0 || tot.Delivered != tot.Submitted) {
			t.Errorf("big queue lost messages: drops %d, delivered %d of %d", drops, tot.Delivered, tot.Submitted)
		}
		if i == 1 && drops == 0 {
			t.Errorf("small queue never dropped: the outage did not fill it")
		}
		msgs := readAll(t, bootstrap, l.topic, int(tot.Delivered), 60*time.Second)
		acks.check(t, l.topic, msgs)
		if uint64(len(msgs)) != tot.Delivered {
			t.Errorf("%s: consumed %d messages, delivered %d", l.topic, len(msgs), tot.Delivered)
			logWatermarks(t, bootstrap, l.topic, msgs)
		}
		seen := map[string]map[uint64]bool{}
		var gaps uint64
		last := map[string]uint64{}
		for _, m := range msgs {
			k := string(m.Key)
			s, _ := strconv.ParseUint(header(m, HeaderSeq), 10, 64)
			if seen[k] == nil {
				seen[k] = map[uint64]bool{}
			}
			if seen[k][s] {
				t.Errorf("%s: key %x sequence %d twice", l.topic, m.Key, s)
			}
			seen[k][s] = true
			if s <= last[k] {
				t.Errorf("%s: key %x sequence %d after %d", l.topic, m.Key, s, last[k])
			}
			gaps += s - last[k] - 1
			last[k] = s
		}
		var tailDrops uint64
		for f, s := range l.seq {
			k := testFlow(f)
			tailDrops += s - last[string(report.AppendFlowKey(nil, &k))]
		}
		if gaps+tailDrops != drops {
			t.Errorf("%s: sequence gaps %d + %d at the end, want the %d counted drops", l.topic, gaps, tailDrops, drops)
			if i == 0 {
				for f, s := range l.seq {
					k := testFlow(f)
					ks := string(report.AppendFlowKey(nil, &k))
					for q := uint64(1); q <= s; q++ {
						if !seen[ks][q] {
							t.Logf("%s: flow %d sequence %d missing", l.topic, f, q)
						}
					}
				}
			}
		}
	}
	grow := (maxRSS.Load() - int64(rss0)) / 1024
	t.Logf("RSS: %d MiB at start, %d MiB at most (+%d MiB)", rss0/1024, maxRSS.Load()/1024, grow)
	if grow > 400 {
		t.Errorf("RSS grew by %d MiB during the outage", grow)
	}
}

// logWatermarks logs, per partition, the broker's low and high watermarks,
// the offsets consumed and the first offsets missing (diagnostics).
func logWatermarks(t *testing.T, bootstrap, topic string, msgs []*kafka.Message) {
	c, err := kafka.NewConsumer(&kafka.ConfigMap{"bootstrap.servers": bootstrap, "group.id": "diag"})
	if err != nil {
		t.Log(err)
		return
	}
	defer c.Close()
	got := map[int32]map[int64]bool{}
	for _, m := range msgs {
		p := m.TopicPartition.Partition
		if got[p] == nil {
			got[p] = map[int64]bool{}
		}
		got[p][int64(m.TopicPartition.Offset)] = true
	}
	for p := int32(0); p < 8; p++ {
		lo, hi, err := c.QueryWatermarkOffsets(topic, p, 5000)
		if err != nil {
			break
		}
		var missing []int64
		for o := lo; o < hi && len(missing) < 10; o++ {
			if !got[p][o] {
				missing = append(missing, o)
			}
		}
		t.Logf("%s[%d]: watermarks %d..%d, consumed %d, offsets not consumed %v", topic, p, lo, hi, len(got[p]), missing)
	}
}
