package pipeline

import (
	"sync"
	"sync/atomic"
	"testing"
)

// TestCounterSingleWriter adds from one goroutine while another reads: the
// reader sees a value that never goes back, and the final value is the sum.
func TestCounterSingleWriter(t *testing.T) {
	var c Counter
	const n = 2_000_000
	var wg sync.WaitGroup
	var done atomic.Bool
	var backwards, reads int
	wg.Add(1)
	go func() {
		defer wg.Done()
		last := uint64(0)
		for !done.Load() {
			v := c.Load()
			if v < last {
				backwards++
			}
			last = v
			reads++
		}
	}()
	for i := range n {
		c.Add(uint64(i & 3))
	}
	done.Store(true)
	wg.Wait()
	want := uint64(0)
	for i := range n {
		want += uint64(i & 3)
	}
	if got := c.Load(); got != want {
		t.Errorf("Load = %d, want %d", got, want)
	}
	if backwards > 0 {
		t.Errorf("the reader saw the counter go back %d times in %d reads", backwards, reads)
	}
	c.Store(7)
	if c.Load() != 7 {
		t.Errorf("after Store(7): %d", c.Load())
	}
}

// BenchmarkCounterAdd compares a worker's counter update: Counter.Add (a
// plain store) against sync/atomic's Add (LOCK XADD on amd64), one
// burst's worth of updates (8 counters) per op. It prints; it asserts no
// speed.
func BenchmarkCounterAdd(b *testing.B) {
	b.Run("Counter", func(b *testing.B) {
		var c Counters
		for i := 0; b.Loop(); i++ {
			n := uint64(i & 31)
			c.In.Add(n)
			c.Out.Add(n)
			c.Bytes.Add(n)
			c.Polls.Add(1)
			c.BusyPolls.Add(1)
			c.Drops[DropRingFull].Add(n)
			c.Queued.Store(n)
			c.Reports.Add(n)
		}
	})
	b.Run("atomic", func(b *testing.B) {
		var in, out, bytes, polls, busy, drops, queued, reports atomic.Uint64
		for i := 0; b.Loop(); i++ {
			n := uint64(i & 31)
			in.Add(n)
			out.Add(n)
			bytes.Add(n)
			polls.Add(1)
			busy.Add(1)
			drops.Add(n)
			queued.Store(n)
			reports.Add(n)
		}
	})
}
