package kafkaout

import (
	"sync"
	"sync/atomic"
	"syscall"
)

// Pool is a fixed set of reusable messages: the bound on the memory and on
// the number of messages between the Kafka workers and a sink. Get and Put
// never block (beyond a short critical section, once per message, never per
// packet) and do not allocate. Safe for concurrent use.
//
// The free list is LIFO: the message returned last is handed out first, so
// a light load keeps reusing a few buffers that are warm in cache, and the
// resident memory follows the messages actually in flight instead of
// growing until every buffer of the pool has been touched once.
type Pool struct {
	mu       sync.Mutex
	free     []*Message
	size     int
	valueCap int
	grown    atomic.Uint64
	minFree  int   // fewest free messages seen (under mu)
	touched  int64 // sum over messages of the longest value each held (under mu)
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
	p := &Pool{free: make([]*Message, n), size: n, valueCap: valueCap, minFree: n}
	arena, err := syscall.Mmap(-1, 0, n*valueCap, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_ANON|syscall.MAP_PRIVATE|syscall.MAP_NORESERVE)
	if err != nil || valueCap == 0 {
		arena = nil // values start empty and grow on the Go heap, then
	}
	for i := range p.free {
		m := &Message{Key: make([]byte, 0, maxKeyBytes), pool: p}
		if arena != nil {
			m.home = arena[i*valueCap : i*valueCap : (i+1)*valueCap]
			m.Value = m.home
		}
		p.free[i] = m
	}
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
	p.mu.Lock()
	n := len(p.free)
	if n == 0 {
		p.mu.Unlock()
		return nil
	}
	m := p.free[n-1]
	p.free[n-1] = nil
	p.free = p.free[:n-1]
	p.minFree = min(p.minFree, n-1)
	p.mu.Unlock()
	return m
}

// MaxInUse is the most messages that were out of the pool at once since
// it was made: with the free list taken last-in first-out, only these
// messages' values have ever been written.
func (p *Pool) MaxInUse() int {
	p.mu.Lock()
	n := p.size - p.minFree
	p.mu.Unlock()
	return n
}

// TouchedBytes is the sum over the pool's messages of the longest value
// each has held: about the arena memory written so far (resident, in
// whole pages), which grows only when a message holds a longer value than
// before or a message never used before is taken.
func (p *Pool) TouchedBytes() int64 {
	p.mu.Lock()
	n := p.touched
	p.mu.Unlock()
	return n
}

// Put returns a message to the pool it came from, reset.
func (p *Pool) Put(m *Message) {
	if cap(m.Value) > p.valueCap {
		p.grown.Add(1)
	}
	grew := max(len(m.Value)-m.hwm, 0)
	m.hwm += grew
	m.Reset()
	p.mu.Lock()
	p.touched += int64(grew)
	if len(p.free) == p.size {
		p.mu.Unlock()
		panic("kafkaout: message returned to a full pool (double Put)")
	}
	p.free = append(p.free, m)
	p.mu.Unlock()
}

// Size is the number of messages of the pool.
func (p *Pool) Size() int { return p.size }

// Free is the number of messages not in use right now.
func (p *Pool) Free() int {
	p.mu.Lock()
	n := len(p.free)
	p.mu.Unlock()
	return n
}
