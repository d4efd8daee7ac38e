package pipeline

import (
	"wire2kafka/kafkaout"
)

// keyState is what a Kafka worker remembers per (payload type, message
// key) across messages: the per-key sequence number and how many items went
// before.
type keyState struct {
	seq   uint64 // messages numbered so far (the next is seq+1)
	items uint64 // reports or packets written under the key so far

	hash    uint64
	lastUse int64 // monotonic ns of the last message opened under the key
	pinned  int32 // open slots using this state (never evicted while > 0)
	used    bool
	typ     kafkaout.PayloadType
	keyLen  uint16
	key     [keyStateKeyBytes]byte // the key's first bytes (all of a FlowKey)
}

// keyStateKeyBytes is how much of a key a state keeps for comparison: every
// FlowKey fits (at most 70 bytes); a longer key (a long rule name) is told
// apart by its hash, length and these first bytes.
const keyStateKeyBytes = 96

// keyStateWays is the number of states per bucket.
const keyStateWays = 8

// keyStates is a Kafka worker's per-key states in a fixed table: buckets
// of keyStateWays entries, a key's bucket chosen by its hash. A new key
// takes a free entry of its bucket or evicts the least recently used one
// that no open message pins. An evicted key starts again at sequence 1
// and report offset 0 when it returns (a consumer sees the same as for a
// restarted producer on that key). Memory is fixed at creation; nothing
// allocates afterwards, whatever the number of distinct keys.
type keyStates struct {
	entries []keyState
	mask    uint64 // buckets - 1
	spare   keyState
	evicted uint64 // states evicted (keys whose sequence restarts if they return)
	full    uint64 // keys that found their bucket fully pinned (used spare)
}

// newKeyStates returns a table of at least n states (rounded up to a
// power-of-two number of buckets).
func newKeyStates(n int) keyStates {
	buckets := 1
	for buckets*keyStateWays < n {
		buckets <<= 1
	}
	return keyStates{entries: make([]keyState, buckets*keyStateWays), mask: uint64(buckets - 1)}
}

// get returns the state of (typ, key), creating it (and evicting another)
// if needed, and pins it; unpin it when the message it serves closes.
func (t *keyStates) get(typ kafkaout.PayloadType, key []byte, h uint64, now int64) *keyState {
	b := int((h>>32^h)&t.mask) * keyStateWays
	bucket := t.entries[b : b+keyStateWays : b+keyStateWays]
	n := min(len(key), keyStateKeyBytes)
	victim := -1
	for i := range bucket {
		e := &bucket[i]
		if !e.used {
			if victim < 0 || bucket[victim].used {
				victim = i
			}
			continue
		}
		if e.hash == h && e.typ == typ && int(e.keyLen) == len(key) && string(e.key[:n]) == string(key[:n]) {
			e.lastUse = now
			e.pinned++
			return e
		}
		if e.pinned == 0 && (victim < 0 || (bucket[victim].used && e.lastUse < bucket[victim].lastUse)) {
			victim = i
		}
	}
	if victim < 0 { // every state of the bucket serves an open message
		t.full++
		t.spare = keyState{pinned: 1}
		return &t.spare
	}
	e := &bucket[victim]
	if e.used {
		t.evicted++
	}
	*e = keyState{used: true, hash: h, typ: typ, keyLen: uint16(len(key)), lastUse: now, pinned: 1}
	copy(e.key[:], key[:n])
	return e
}

// unpin releases a state taken by get.
func (t *keyStates) unpin(e *keyState) {
	if e.pinned > 0 {
		e.pinned--
	}
}
