package pipeline

import (
	"hash/maphash"

	"wire2kafka/kafkaout"
	"wire2kafka/report"
)

// slot is one open message of a Kafka worker: the batch being filled for
// one (rule, payload type, key).
type slot struct {
	used    bool
	rule    uint32
	typ     kafkaout.PayloadType
	hash    uint64
	idx     int32 // this slot's index in batchTable.slots
	prev    int32 // the open slot opened before this one, -1 for the first
	next    int32 // the open slot opened after this one, -1 for the last
	limit   uint32
	topic   string
	key     []byte         // the message key as written (FlowKey bytes or the rule's name)
	fk      report.FlowKey // the report key in its fixed form (hasFK)
	hasFK   bool
	msg     *kafkaout.Message // the pooled message being filled (acquired when the slot opened)
	buf     []byte            // msg.Value as filled: entries (ReportBatch/PacketBatch field 1) or one Report/Histogram
	count   uint32            // items in buf
	packets uint64            // packets accounted to this slot (queued until flushed)
	first   uint64            // receive time of the first item, ns
	last    uint64            // receive time of the last item, ns
	opened  int64             // monotonic ns when the first item went in
	ks      *keyState
}

// batchTable is a Kafka worker's open messages: a fixed open-addressing
// table, so steady state allocates nothing. A key that finds every probed
// slot taken by other keys evicts (flushes) the first one.
type batchTable struct {
	slots []slot
	mask  uint64
	// The open slots in the order they opened (a list through
	// slot.prev/next): linger expiry looks only at the oldest.
	head, tail int32
	keys       keyStates // per (payload type, key): sequence numbers, bounded
}

const probeLimit = 4

func newBatchTable(size, keyStates int) batchTable {
	n := 1
	for n < size {
		n <<= 1
	}
	t := batchTable{slots: make([]slot, n), mask: uint64(n - 1), head: -1, tail: -1, keys: newKeyStates(keyStates)}
	// Every slot's key buffer holds any encoded FlowKey (at most 70
	// bytes) from the start: a slot that a new flow opens for the first
	// time does not allocate (found by bench case 7, flow churn).
	keys := make([]byte, n*keyStateKeyBytes)
	for j := range t.slots {
		t.slots[j].idx = int32(j)
		t.slots[j].key = keys[j*keyStateKeyBytes : j*keyStateKeyBytes : (j+1)*keyStateKeyBytes]
	}
	return t
}

// msgKey is the key of a message being looked up: a report's FlowKey in
// its fixed form (encoded only when a message opens) or the raw bytes of a
// rule-name key, with its hash.
type msgKey struct {
	fk  *report.FlowKey
	raw []byte
	h   uint64
}

// rawKeySeed seeds the hash of rule-name keys.
var rawKeySeed = maphash.MakeSeed()

// reportKey returns the msgKey of a report key under (rule, typ): the
// FlowKey's own hash (its fixed form) mixed with rule and type.
func reportKey(fk *report.FlowKey, rule uint32, typ kafkaout.PayloadType) msgKey {
	return msgKey{fk: fk, h: mixKey(fk.Hash(), rule, typ)}
}

// rawKey returns the msgKey of a rule-name key under (rule, typ).
func rawKey(key []byte, rule uint32, typ kafkaout.PayloadType) msgKey {
	return msgKey{raw: key, h: mixKey(maphash.Bytes(rawKeySeed, key), rule, typ)}
}

// mixKey folds rule and payload type into a key hash.
func mixKey(h uint64, rule uint32, typ kafkaout.PayloadType) uint64 {
	h ^= (uint64(rule)<<8 | uint64(typ)) * 0x9e3779b97f4a7c15
	return h ^ h>>29
}

// same reports whether open slot s holds key k.
func (s *slot) same(k *msgKey, rule uint32, typ kafkaout.PayloadType) bool {
	if s.hash != k.h || s.rule != rule || s.typ != typ {
		return false
	}
	if k.fk != nil {
		return s.hasFK && s.fk == *k.fk
	}
	return !s.hasFK && string(s.key) == string(k.raw)
}

// find returns the slot index for (rule, typ, key): the open one, or a free
// one (opened with key), or -1 and the victim to evict first.
func (t *batchTable) find(rule uint32, typ kafkaout.PayloadType, k *msgKey) (idx, victim int) {
	first := -1
	h := k.h
	for i := range uint64(probeLimit) {
		j := int((h + i) & t.mask)
		s := &t.slots[j]
		if !s.used {
			if first < 0 {
				first = j
			}
			continue
		}
		if s.same(k, rule, typ) {
			return j, -1
		}
	}
	if first >= 0 {
		return first, -1
	}
	return -1, int(h & t.mask)
}

// open marks slot j used for (rule, typ, key), to be filled into m's value,
// and returns it.
func (t *batchTable) open(j int, rule uint32, typ kafkaout.PayloadType, k *msgKey, topic string, limit uint32, now int64, m *kafkaout.Message) *slot {
	s := &t.slots[j]
	s.msg, s.buf = m, m.Value[:0]
	s.used, s.rule, s.typ, s.hash, s.topic, s.limit, s.opened = true, rule, typ, k.h, topic, limit, now
	if k.fk != nil {
		s.fk, s.hasFK = *k.fk, true
		s.key = report.AppendFlowKey(s.key[:0], k.fk) // once per message
	} else {
		s.hasFK = false
		s.key = append(s.key[:0], k.raw...)
	}
	s.count, s.packets, s.first, s.last = 0, 0, 0, 0
	s.ks = t.keys.get(typ, s.key, k.h, now)
	s.prev, s.next = t.tail, -1
	if t.tail >= 0 {
		t.slots[t.tail].next = int32(j)
	} else {
		t.head = int32(j)
	}
	t.tail = int32(j)
	return s
}

// close marks slot j free; its message went to the sink or back to it.
func (t *batchTable) close(j int) {
	s := &t.slots[j]
	s.used, s.msg, s.buf = false, nil, nil
	t.keys.unpin(s.ks)
	s.ks = nil
	if s.prev >= 0 {
		t.slots[s.prev].next = s.next
	} else {
		t.head = s.next
	}
	if s.next >= 0 {
		t.slots[s.next].prev = s.prev
	} else {
		t.tail = s.prev
	}
	s.prev, s.next = -1, -1
}
