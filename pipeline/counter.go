package pipeline

import "sync/atomic"

// Counter is a counter with a single writer (the worker that owns it) and
// any number of readers. The writer's Add and Store are plain stores of the
// new value, without the LOCK prefix (or XCHG) of sync/atomic's Add and
// Store on amd64, which cost about as much as the rest of a burst's
// bookkeeping; readers Load it atomically. An aligned 64-bit store is
// atomic on amd64, so a reader sees the old or the new value, never a torn
// one. Other architectures use sync/atomic's Store (counter_other.go). Two
// goroutines must never write one Counter.
type Counter struct{ v uint64 }

// Add adds n. Only the owning worker may call it.
func (c *Counter) Add(n uint64) { storeRelaxed(&c.v, c.v+n) }

// Store sets the value. Only the owning worker may call it.
func (c *Counter) Store(v uint64) { storeRelaxed(&c.v, v) }

// Load returns the value; any goroutine may call it.
func (c *Counter) Load() uint64 { return atomic.LoadUint64(&c.v) }
