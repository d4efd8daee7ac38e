package pipeline

import (
	"wire2kafka/kafkaout"
)

// The Kafka worker's open messages: taking an item into the slot of its
// (rule, key), making room first, and accounting packets to slots.

// add puts one encoded item into the open message of (rule, typ, key),
// flushing first if it does not fit. False when blocked before taking it.
func (w *kafkaWorker) add(ri *ruleInfo, typ kafkaout.PayloadType, key, item []byte, t uint64, packets uint64) bool {
	if len(item) > w.maxBytes-maxEntryOverhead {
		w.c.Drops[DropTooLarge].Add(packets)
		return true
	}
	k := rawKey(key, ri.id, typ)
	need := 0
	w.ensureRoom(ri, typ, &k, len(item), &need)
	if !w.reserve(need) && !w.waitForRoom() {
		return false
	}
	s := w.slotFor(ri, typ, &k)
	if s == nil {
		w.c.Drops[DropSinkFull].Add(packets)
		w.skip(typ, &k, 1)
		return true
	}
	w.put(s, item, t, packets)
	return true
}

// put appends an item to slot s and closes the message when full.
func (w *kafkaWorker) put(s *slot, item []byte, t uint64, packets uint64) {
	s.buf = append(s.buf, item...)
	w.account(s, t, packets)
}

// account counts an item just appended to slot s (received at t, carrying
// packets packets) and closes the message when full.
func (w *kafkaWorker) account(s *slot, t uint64, packets uint64) {
	if s.count == 0 {
		s.first = t
	}
	s.count++
	s.last = t
	s.packets += packets
	w.queued += packets
	if s.count >= s.limit || len(s.buf)+maxEntryOverhead >= w.maxBytes {
		w.flush(w.slotIndex(s))
	}
}

func (w *kafkaWorker) slotIndex(s *slot) int { return int(s.idx) }

// ensureRoom flushes the open message of the key if size more bytes would
// overflow it, and evicts (flushes) a colliding one if the key has no
// slot; it counts in *need the messages the key will have to open.
func (w *kafkaWorker) ensureRoom(ri *ruleInfo, typ kafkaout.PayloadType, k *msgKey, size int, need *int) {
	j, victim := w.table.find(ri.id, typ, k)
	if j < 0 {
		w.flush(victim)
		*need++
		return
	}
	s := &w.table.slots[j]
	switch {
	case !s.used:
		*need++
	case s.count > 0 && len(s.buf)+size+maxEntryOverhead > w.maxBytes:
		w.flush(j)
		*need++
	}
}

// slotFor returns the open message of the key, opening one (evicting a
// colliding flow if needed); nil if the sink has no message for it.
func (w *kafkaWorker) slotFor(ri *ruleInfo, typ kafkaout.PayloadType, k *msgKey) *slot {
	j, victim := w.table.find(ri.id, typ, k)
	if j < 0 {
		w.flush(victim)
		j = victim
	}
	s := &w.table.slots[j]
	if s.used {
		return s
	}
	m := w.takeSpare()
	if m == nil {
		return nil
	}
	limit := w.maxReports
	if typ == kafkaout.PayloadReport || typ == kafkaout.PayloadHistogram {
		limit = 1
	}
	return w.table.open(j, ri.id, typ, k, ri.topic, limit, w.now, m)
}
