package kafkaout

import (
	"os"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"wire2kafka/kafkaout/kafkatest"
	"wire2kafka/report"
)

func TestMain(m *testing.M) { os.Exit(kafkatest.Run(m)) }

// testFlow returns the flow key of flow i.
func testFlow(i int) report.FlowKey {
	k := report.FlowKey{DstAS: 0xff00_0000_0100 + uint64(i%7), SrcAS: 0xff00_0000_0001, FlowID: uint32(i),
		DstPort: uint16(1000 + i), SrcPort: 40000, Protocol: report.ProtoUDP}
	k.SrcIP.SetIPv4([]byte{10, 1, 0, byte(i)})
	k.DstIP.SetIPv4([]byte{10, 2, 0, byte(i)})
	return k
}

// testReport fills r as report number n of flow key k.
func testReport(r *report.Report, k report.FlowKey, n uint64) {
	r.Reset()
	r.Key = k
	r.PacketType = report.PacketIPv4
	r.ReceiveTime = uint64(time.Now().UnixNano())
	r.SourceTime = n
	for h := range 3 {
		hop := r.NewHop()
		hop.ASN, hop.NodeID = 0xff00_0000_0001, uint32(h+1)
		hop.Add(2, []byte{0, 0, byte(n >> 8), byte(n)})
	}
}

// fillBatch makes m a ReportBatch of reports reports of flow i with batch
// sequence seq, the first report numbered first; r is scratch.
func fillBatch(m *Message, topic string, i int, seq uint64, first uint64, reports int, r *report.Report) {
	k := testFlow(i)
	m.Value = m.Value[:0]
	var t0, t1 uint64
	for j := range reports {
		testReport(r, k, first+uint64(j))
		if j == 0 {
			t0 = r.ReceiveTime
		}
		t1 = r.ReceiveTime
		m.Value = report.AppendBatchEntry(m.Value, r)
	}
	m.Value = report.AppendBatchTrailer(m.Value, &report.BatchTrailer{Sequence: seq, ProducerID: "test", FirstTime: t0, LastTime: t1, ReportOffset: first})
	m.Key = report.AppendFlowKey(m.Key[:0], &k)
	m.Topic, m.Type, m.Count, m.Sequence = topic, PayloadReportBatch, uint32(reports), seq
	m.FirstRx = int64(t0)
}

// readAll reads n messages of topic from the beginning (all partitions),
// failing the test after timeout.
func readAll(t *testing.T, bootstrap, topic string, n int, timeout time.Duration) []*kafka.Message {
	t.Helper()
	return readAllWith(t, map[string]string{"bootstrap.servers": bootstrap}, topic, n, timeout)
}

// readAllWith is readAll with librdkafka settings (brokers, security).
func readAllWith(t *testing.T, settings map[string]string, topic string, n int, timeout time.Duration) []*kafka.Message {
	t.Helper()
	// Every partition assigned from its first offset: no consumer group,
	// so no rebalance or committed offset can hide a message.
	cm := kafka.ConfigMap{"group.id": topic + "-reader", "enable.auto.commit": false}
	for k, v := range settings {
		cm[k] = v
	}
	c, err := kafka.NewConsumer(&cm)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	md, err := c.GetMetadata(&topic, false, 10_000)
	if err != nil || md.Topics[topic].Error.Code() != kafka.ErrNoError {
		t.Fatalf("metadata of %s: %v %v", topic, err, md)
	}
	var tps []kafka.TopicPartition
	for _, p := range md.Topics[topic].Partitions {
		tps = append(tps, kafka.TopicPartition{Topic: &topic, Partition: p.ID, Offset: kafka.OffsetBeginning})
	}
	if err := c.Assign(tps); err != nil {
		t.Fatal(err)
	}
	var out []*kafka.Message
	deadline := time.Now().Add(timeout)
	for len(out) < n && time.Now().Before(deadline) {
		m, err := c.ReadMessage(500 * time.Millisecond)
		if err != nil {
			if ke, ok := err.(kafka.Error); ok && ke.IsTimeout() {
				continue
			}
			t.Fatalf("consume %s: %v", topic, err)
		}
		out = append(out, m)
	}
	// Anything beyond n is a duplicate: give it a moment to show up.
	for {
		m, err := c.ReadMessage(300 * time.Millisecond)
		if err != nil {
			break
		}
		out = append(out, m)
	}
	return out
}

// header returns the value of header k of m.
func header(m *kafka.Message, k string) string {
	for _, h := range m.Headers {
		if h.Key == k {
			return string(h.Value)
		}
	}
	return ""
}

// acquireWait takes a message from p, waiting up to timeout for one (what
// a Kafka worker does with queue policy block).
func acquireWait(p *Producer, timeout time.Duration) *Message {
	deadline := time.Now().Add(timeout)
	for {
		if m := p.Acquire(); m != nil {
			return m
		}
		if time.Now().After(deadline) {
			return nil
		}
		time.Sleep(100 * time.Microsecond)
	}
}
