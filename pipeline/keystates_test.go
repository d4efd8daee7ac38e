package pipeline

import (
	"encoding/binary"
	"runtime"
	"testing"
	"unsafe"

	"wire2kafka/kafkaout"
)

// TestKeyStatesChurn: 1,000,000 distinct flow keys pass through a Kafka
// worker's batch table (a message opened and closed for each) after a
// warm-up: no allocation, the table's memory unchanged, and a key that
// keeps coming back between them keeps its sequence (B2: the per-key map
// gained an entry, and three allocations, for every key ever seen).
func TestKeyStatesChurn(t *testing.T) {
	const states, flows = 4096, 1_000_000
	tbl := newBatchTable(1024, states, 1<<16)
	key := make([]byte, 19)
	hot := []byte("the hot flow's key")
	var now int64
	use := func(k []byte) *keyState {
		now++
		mk := rawKey(k, 1, kafkaout.PayloadReportBatch)
		j, victim := tbl.find(1, kafkaout.PayloadReportBatch, &mk)
		if j < 0 {
			j = victim
		}
		s := tbl.open(j, 1, kafkaout.PayloadReportBatch, &mk, "t", 1, now)
		s.ks.seq++ // what a flush does
		ks := s.ks
		tbl.close(j)
		return ks
	}
	flow := 0
	churn := func(n int) {
		for range n {
			binary.BigEndian.PutUint64(key, uint64(flow))
			binary.BigEndian.PutUint64(key[8:], uint64(flow)*0x9e3779b97f4a7c15)
			flow++
			use(key)
			if flow%100 == 0 {
				use(hot)
			}
		}
	}
	churn(10 * states) // warm-up: every state used and evicted
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	allocs := testing.AllocsPerRun(1, func() { churn(flows) })
	runtime.ReadMemStats(&after)
	if allocs != 0 {
		t.Errorf("%v allocations for %d new keys, want 0", allocs, flows)
	}
	if len(tbl.keys.entries) != states {
		t.Errorf("%d states, want %d", len(tbl.keys.entries), states)
	}
	if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 1<<20 {
		t.Errorf("heap in use grew by %d bytes over %d keys", grew, flows)
	}
	hotState := use(hot)
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
