package kafkaout

import (
	"sync/atomic"
	"syscall"
)

// Pool is a fixed set of reusable messages: the bound on the memory and on
// the number of messages between the Kafka workers and a sink. Get and Put
// never block, take no lock and do not allocate (a Kafka worker's lcore
// calls Get once per message, a connection goroutine Put; a mutex there
// made a contended lcore park, and the runtime allocate a sudog for it).
// Safe for concurrent use.
//
// The free list is a LIFO stack (Treiber's, lock-free: one compare-and-swap
// of a tagged head per Get or Put): the message returned last is handed out
// first, so a light load keeps reusing a few buffers that are warm in
// cache, and the resident memory follows the messages actually in flight
// instead of growing until every buffer of the pool has been touched once.
type Pool struct {
	head     atomic.Uint64  // tag<<32 | index+1 of the top free message (0: empty); the tag defeats ABA
	next     []atomic.Int32 // per message: the index+1 of the free message below it
	msgs     []*Message
	size     int
	valueCap int
	inUse    atomic.Int64
	maxInUse atomic.Int64
	touched  atomic.Int64 // sum over messages of the longest value each held
	grown    atomic.Uint64
}

// NewPool returns a pool of n messages whose values start with capacity
// valueCap bytes (they grow to the largest message and stay there).
//
// The values' first valueCap bytes live in one anonymous mapping outside
// the Go heap, made once and kept for the life of the process: the garbage
// collector neither scans nor counts them. Counted, a 625 MiB pool (10000
// x 64 KiB) would raise the collector's heap goal by GOGC percent of it, and
// the process would carry gigabytes of other garbage between collections.
// Pages of the mapping become resident only when a message first uses them
// (MAP_NORESERVE: the mapping reserves no swap, so a large pool of large
// values costs address space, not memory, until used). Size valueCap to
// the largest message the workers build (kafka.batch.max_bytes): a value
// that outgrows it is an allocation on the Go heap by the worker's append,
// counted by Grown; the pool puts the value back into the arena when the
// message returns, so memory stays bounded by n x valueCap.
func NewPool(n, valueCap int) *Pool {
	if n < 1 {
		n = 1
	}
	p := &Pool{msgs: make([]*Message, n), next: make([]atomic.Int32, n), size: n, valueCap: valueCap}
	arena, err := syscall.Mmap(-1, 0, n*valueCap, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_ANON|syscall.MAP_PRIVATE|syscall.MAP_NORESERVE)
	if err != nil || valueCap == 0 {
		arena = nil // values start empty and grow on the Go heap, then
	}
	for i := range p.msgs {
		m := &Message{Key: make([]byte, 0, maxKeyBytes), pool: p, index: int32(i)}
		if arena != nil {
			m.home = arena[i*valueCap : i*valueCap : (i+1)*valueCap]
			m.Value = m.home
		}
		p.msgs[i] = m
		p.next[i].Store(int32(i)) // message i-1 below message i: Get hands out n-1 first
	}
	p.head.Store(uint64(n))
	return p
}

// maxKeyBytes is the pooled key capacity: a FlowKey with two IPv6
// addresses, both ASes, flow id, ports and protocol is at most 70 bytes;
// rule names (raw and histogram keys) are usually shorter.
const maxKeyBytes = 128

// ValueBytes is the capacity of every pooled value.
func (p *Pool) ValueBytes() int { return p.valueCap }

// Grown counts messages whose value outgrew ValueBytes (each one an
// allocation on the Go heap): 0 when the pool is sized to the largest
// message.
func (p *Pool) Grown() uint64 { return p.grown.Load() }

// Get returns a free message, or nil when all are in use.
func (p *Pool) Get() *Message {
	for {
		h := p.head.Load()
		top := int32(h)
		if top == 0 {
			return nil
		}
		below := p.next[top-1].Load() // may be stale if top was taken meanwhile: the tag then fails the CAS
		if p.head.CompareAndSwap(h, (h>>32+1)<<32|uint64(uint32(below))) {
			if n := p.inUse.Add(1); n > p.maxInUse.Load() {
				p.raiseMax(n)
			}
			return p.msgs[top-1]
		}
	}
}

// raiseMax lifts maxInUse to at least n.
func (p *Pool) raiseMax(n int64) {
	for {
		m := p.maxInUse.Load()
		if n <= m || p.maxInUse.CompareAndSwap(m, n) {
			return
		}
	}
}

// MaxInUse is the most messages that were out of the pool at once since
// it was made: with the free list taken last-in first-out, only these
// messages' values have ever been written.
func (p *Pool) MaxInUse() int { return int(p.maxInUse.Load()) }

// TouchedBytes is the sum over the pool's messages of the longest value
// each has held: about the arena memory written so far (resident, in
// whole pages), which grows only when a message holds a longer value than
// before or a message never used before is taken.
func (p *Pool) TouchedBytes() int64 { return p.touched.Load() }

// Put returns a message to the pool it came from, reset. It panics on a
// message returned twice.
func (p *Pool) Put(m *Message) {
	if cap(m.Value) > p.valueCap {
		p.grown.Add(1)
	}
	if grew := len(m.Value) - m.hwm; grew > 0 {
		m.hwm += grew
		p.touched.Add(int64(grew))
	}
	m.Reset()
	if p.inUse.Add(-1) < 0 {
		p.inUse.Add(1)
		panic("kafkaout: message returned to a full pool (double Put)")
	}
	i := m.index
	for {
		h := p.head.Load()
		p.next[i].Store(int32(h))
		if p.head.CompareAndSwap(h, (h>>32+1)<<32|uint64(i+1)) {
			return
		}
	}
}

// Size is the number of messages of the pool.
func (p *Pool) Size() int { return p.size }

// Free is the number of messages not in use right now.
func (p *Pool) Free() int { return p.size - int(p.inUse.Load()) }
