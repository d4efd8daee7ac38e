package pipeline

import (
	"encoding/binary"
	"runtime"
	"testing"
	"unsafe"

	"wire2kafka/kafkaout"
	"wire2kafka/report"
)

// TestKeyStatesChurn: 1,000,000 distinct flow keys pass through a Kafka
// worker's batch table (a message opened and closed for each) after a
// warm-up: no allocation, the table's memory unchanged, and a key that
// keeps coming back between them keeps its sequence (B2: the per-key map
// gained an entry, and three allocations, for every key ever seen). The
// warm-up sees only short IPv4 keys and the measured churn mixes in IPv6
// keys (the longest encoding): a slot's key buffer must not grow (bench
// case 7 found that it did, a few hundred times per 200,000 flows).
func TestKeyStatesChurn(t *testing.T) {
	const states, flows = 4096, 1_000_000
	tbl := newBatchTable(1024, states)
	msg := &kafkaout.Message{Value: make([]byte, 0, 1<<16)} // each slot is closed before the next opens
	var fk report.FlowKey
	hot := []byte("the hot flow's key")
	var now int64
	use := func(mk msgKey) *keyState {
		now++
		j, victim := tbl.find(1, kafkaout.PayloadReportBatch, &mk)
		if j < 0 {
			j = victim
		}
		s := tbl.open(j, 1, kafkaout.PayloadReportBatch, &mk, "t", 1, now, msg)
		s.ks.seq++ // what a flush does
		ks := s.ks
		tbl.close(j)
		return ks
	}
	flow := 0
	churn := func(n int, long bool) {
		for range n {
			fk = report.FlowKey{Protocol: report.ProtoUDP, DstPort: uint16(flow), SrcPort: 1}
			var a [16]byte
			binary.BigEndian.PutUint64(a[:], uint64(flow)*0x9e3779b97f4a7c15)
			binary.BigEndian.PutUint64(a[8:], uint64(flow)|1<<63)
			if long && flow%3 == 0 {
				fk.SrcIP.SetIPv6(a[:])
				fk.DstIP.SetIPv6(a[:])
				fk.DstAS, fk.SrcAS, fk.FlowID = 1<<47|uint64(flow), 1<<47, 1<<19
			} else {
				fk.SrcIP.SetIPv4(a[:4])
				fk.DstIP.SetIPv4(a[4:8])
			}
			flow++
			use(reportKey(&fk, 1, kafkaout.PayloadReportBatch))
			if flow%100 == 0 {
				use(rawKey(hot, 1, kafkaout.PayloadReportBatch))
			}
		}
	}
	churn(10*states, false) // warm-up: every state used and evicted
	// One measured run (testing.AllocsPerRun would warm up on the mixed
	// keys first).
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	churn(flows, true)
	runtime.ReadMemStats(&after)
	allocs := after.Mallocs - before.Mallocs
	if allocs != 0 {
		t.Errorf("%v allocations for %d new keys, want 0", allocs, flows)
	}
	if len(tbl.keys.entries) != states {
		t.Errorf("%d states, want %d", len(tbl.keys.entries), states)
	}
	if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 1<<20 {
		t.Errorf("heap in use grew by %d bytes over %d keys", grew, flows)
	}
	hotState := use(rawKey(hot, 1, kafkaout.PayloadReportBatch))
	if want := uint64(flow/100 + 1); hotState.seq != want {
		t.Errorf("the hot key's sequence is %d after %d uses, want %d (it was evicted)", hotState.seq, want, want)
	}
	if tbl.keys.evicted < uint64(flows) {
		t.Errorf("%d evictions for %d new keys in %d states", tbl.keys.evicted, flows+10*states, states)
	}
	t.Logf("%d distinct keys through %d states: %v allocations, %d evictions, hot key at sequence %d", flow, states, allocs, tbl.keys.evicted, hotState.seq)
}

// TestKeyStatesPinned: a state serving an open message is never evicted,
// whatever the churn; when its whole bucket is pinned a new key gets a
// spare state (counted) instead of taking one.
func TestKeyStatesPinned(t *testing.T) {
	ks := newKeyStates(keyStateWays) // one bucket
	var pinned []*keyState
	for i := range keyStateWays {
		e := ks.get(kafkaout.PayloadReportBatch, []byte{byte(i)}, uint64(i), int64(i))
		e.seq = 42
		pinned = append(pinned, e)
	}
	spare := ks.get(kafkaout.PayloadReportBatch, []byte{99}, 99, 100)
	if ks.full != 1 || spare != &ks.spare {
		t.Fatalf("full bucket: full %d, spare %v", ks.full, spare == &ks.spare)
	}
	for _, e := range pinned {
		if e.seq != 42 || !e.used {
			t.Fatal("a pinned state was evicted")
		}
	}
	ks.unpin(pinned[3])
	e := ks.get(kafkaout.PayloadReportBatch, []byte{100}, 100, 200)
	if e != pinned[3] || e.seq != 0 || ks.evicted != 1 {
		t.Errorf("after unpinning one state, a new key should evict exactly it (evicted %d)", ks.evicted)
	}
}

// TestKeyStateSize pins the per-state memory config/README.md states for
// kafka.batch.key_states.
func TestKeyStateSize(t *testing.T) {
	if n := unsafe.Sizeof(keyState{}); n != 136 {
		t.Errorf("keyState is %d bytes; config/README.md and config.go say 136", n)
	}
}
