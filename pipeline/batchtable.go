package pipeline

import (
	"syscall"

	"wire2kafka/kafkaout"
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
	key     []byte
	buf     []byte // encoded entries (ReportBatch/PacketBatch field 1) or one Report/Histogram
	home    []byte // buf's place in the table's arena (len 0, cap kafka.batch.max_bytes)
	count   uint32 // items in buf
	packets uint64 // packets accounted to this slot (queued until flushed)
	first   uint64 // receive time of the first item, ns
	last    uint64 // receive time of the last item, ns
	opened  int64  // monotonic ns when the first item went in
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
	arena      []byte    // the slots' buffers, outside the Go heap
}

const probeLimit = 4

func newBatchTable(size, keyStates, valueBytes int) batchTable {
	n := 1
	for n < size {
		n <<= 1
	}
	t := batchTable{slots: make([]slot, n), mask: uint64(n - 1), head: -1, tail: -1, keys: newKeyStates(keyStates)}
	for j := range t.slots {
		t.slots[j].idx = int32(j)
	}
	// Each slot's buffer is valueBytes (kafka.batch.max_bytes: a message is
	// flushed before it would pass that) in one anonymous mapping: nothing
	// is allocated when slots fill, the collector neither scans nor counts
	// it, and a page is resident only once a message reached it.
	arena, err := syscall.Mmap(-1, 0, n*valueBytes, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_ANON|syscall.MAP_PRIVATE|syscall.MAP_NORESERVE)
	if err == nil && valueBytes > 0 {
		t.arena = arena
		for j := range t.slots {
			t.slots[j].home = arena[j*valueBytes : j*valueBytes : (j+1)*valueBytes]
			t.slots[j].buf = t.slots[j].home
		}
	}
	return t
}

// release unmaps the slots' buffers; the table must not be used after.
func (t *batchTable) release() {
	if t.arena != nil {
		syscall.Munmap(t.arena)
		t.arena = nil
		for j := range t.slots {
			t.slots[j].home, t.slots[j].buf = nil, nil
		}
	}
}

// keyHash is FNV-1a over the key, the rule and the payload type.
func keyHash(rule uint32, typ kafkaout.PayloadType, key []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, b := range key {
		h ^= uint64(b)
		h *= 1099511628211
	}
	h ^= uint64(rule)<<8 | uint64(typ)
	h *= 1099511628211
	return h
}

// find returns the slot index for (rule, typ, key): the open one, or a free
// one (opened with key), or -1 and the victim to evict first.
func (t *batchTable) find(rule uint32, typ kafkaout.PayloadType, key []byte, h uint64) (idx, victim int) {
	first := -1
	for i := range uint64(probeLimit) {
		j := int((h + i) & t.mask)
		s := &t.slots[j]
		if !s.used {
			if first < 0 {
				first = j
			}
			continue
		}
		if s.hash == h && s.rule == rule && s.typ == typ && string(s.key) == string(key) {
			return j, -1
		}
	}
	if first >= 0 {
		return first, -1
	}
	return -1, int(h & t.mask)
}

// open marks slot j used for (rule, typ, key) and returns it.
func (t *batchTable) open(j int, rule uint32, typ kafkaout.PayloadType, key []byte, h uint64, topic string, limit uint32, now int64) *slot {
	s := &t.slots[j]
	s.used, s.rule, s.typ, s.hash, s.topic, s.limit, s.opened = true, rule, typ, h, topic, limit, now
	s.key = append(s.key[:0], key...)
	s.buf = s.buf[:0]
	if s.home != nil {
		s.buf = s.home // a buffer that outgrew its place (one item above max_bytes) goes back to it
	}
	s.count, s.packets, s.first, s.last = 0, 0, 0, 0
	s.ks = t.keys.get(typ, key, h, now)
	s.prev, s.next = t.tail, -1
	if t.tail >= 0 {
		t.slots[t.tail].next = int32(j)
	} else {
		t.head = int32(j)
	}
	t.tail = int32(j)
	return s
}

// close marks slot j free, keeping its buffers.
func (t *batchTable) close(j int) {
	s := &t.slots[j]
	s.used = false
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
