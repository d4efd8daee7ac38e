package pipeline

import (
	"testing"
	"time"

	"wire2kafka/config"
	"wire2kafka/kafkaout"
)

// TestStopUnderLoad: Stop while net_pcap replays a capture for ever (what
// SIGTERM does in `wire2kafka run`): after the drain nothing is queued and
// every packet received is accounted for.
func TestStopUnderLoad(t *testing.T) {
	c := captures["infinite"]
	plan := testPlan(t, c, twoLcores, 1024, "", sprintf(trRule, "batch"))
	sink := kafkaout.NewDiscard(256, 1<<16)
	p := startPipeline(t, plan, sink, "underload")
	time.Sleep(300 * time.Millisecond)
	if err := p.Stop(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	r := finalResult(p)
	rx := r.sum(config.KindRX)
	if rx.In < uint64(c.packets) {
		t.Fatalf("only %d packets received under load", rx.In)
	}
	r.checkAccounting(t, int(rx.In))
	kafka := r.sum(config.KindKafka)
	_, reports, _ := sink.Counts()
	if reports != kafka.Reports {
		t.Errorf("sink has %d reports, Kafka workers submitted %d", reports, kafka.Reports)
	}
	t.Logf("%s", Accounting(r.stats))
}
