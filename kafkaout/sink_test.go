package kafkaout

import (
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

func TestPoolBoundsAndReuse(t *testing.T) {
	p := NewPool(3, 16)
	var got []*Message
	for m := p.Get(); m != nil; m = p.Get() {
		got = append(got, m)
	}
	if len(got) != 3 || p.Free() != 0 {
		t.Fatalf("got %d messages, free %d; want 3, 0", len(got), p.Free())
	}
	got[0].Value = append(got[0].Value, "hello"...)
	got[0].Count = 7
	p.Put(got[0])
	m := p.Get()
	if m != got[0] || len(m.Value) != 0 || m.Count != 0 || cap(m.Value) < 5 {
		t.Fatalf("reused message not reset: %+v", m)
	}
	// LIFO: the message returned last comes back first, so a light load
	// keeps reusing the same warm buffers.
	p.Put(m)
	p.Put(got[2])
	p.Put(got[1])
	if a, b, c := p.Get(), p.Get(), p.Get(); a != got[1] || b != got[2] || c != got[0] || p.Get() != nil {
		t.Errorf("pool order is not LIFO")
	}
	for _, m := range got {
		p.Put(m)
	}
	defer func() {
		if recover() == nil {
			t.Error("a Put into a full pool did not panic")
		}
	}()
	p.Put(got[0])
}

// TestPoolHighWater: MaxInUse is the most messages out at once, and
// TouchedBytes grows only with a message's longest value so far.
func TestPoolHighWater(t *testing.T) {
	p := NewPool(4, 64)
	if p.MaxInUse() != 0 || p.TouchedBytes() != 0 {
		t.Fatalf("new pool: max in use %d, touched %d", p.MaxInUse(), p.TouchedBytes())
	}
	a, b := p.Get(), p.Get()
	a.Value = append(a.Value, make([]byte, 10)...)
	b.Value = append(b.Value, make([]byte, 20)...)
	p.Put(a)
	p.Put(b)
	for range 5 { // the same message, shorter, then longer values
		m := p.Get()
		m.Value = append(m.Value, make([]byte, 5)...)
		p.Put(m)
	}
	m := p.Get() // b again (LIFO): 30 bytes, 10 more than it ever held
	m.Value = append(m.Value, make([]byte, 30)...)
	p.Put(m)
	if got := p.MaxInUse(); got != 2 {
		t.Errorf("max in use %d, want 2", got)
	}
	if got := p.TouchedBytes(); got != 40 {
		t.Errorf("touched %d bytes, want 10 + 30", got)
	}
}

func TestSinksCountAndRecord(t *testing.T) {
	d := NewDiscard(2, 1<<10)
	r := NewRecorder(2)
	for i := range 10 {
		for _, s := range []Sink{d, r} {
			m := s.Acquire()
			if m == nil {
				t.Fatal("Acquire returned nil with a free pool")
			}
			m.Topic, m.Type, m.Count = "t", PayloadReportBatch, uint32(i)
			m.Key = append(m.Key, byte(i))
			m.Value = append(m.Value, "abc"...)
			s.Submit(m)
		}
	}
	msgs, reports, bytes := d.Counts()
	if msgs != 10 || reports != 45 || bytes != 40 {
		t.Errorf("discard counts %d %d %d, want 10 45 40", msgs, reports, bytes)
	}
	rec := r.Messages()
	if len(rec) != 10 || rec[9].Key[0] != 9 || string(rec[3].Value) != "abc" || rec[4].Count != 4 {
		t.Errorf("recorder kept %+v", rec)
	}
}

func TestDiscardDoesNotAllocate(t *testing.T) {
	d := NewDiscard(1, 1<<10)
	allocs := testing.AllocsPerRun(1000, func() {
		m := d.Acquire()
		m.Value = append(m.Value, "0123456789"...)
		d.Submit(m)
	})
	if allocs != 0 {
		t.Errorf("Acquire+Submit allocates %v times", allocs)
	}
}

func TestPayloadTypeNames(t *testing.T) {
	for _, pt := range []PayloadType{PayloadReport, PayloadReportBatch, PayloadPacketBatch, PayloadHistogram, PayloadStats, PayloadStatsJSON} {
		back, ok := ParsePayloadType(pt.String())
		if !ok || back != pt {
			t.Errorf("%v does not round-trip", pt)
		}
	}
	if _, ok := ParsePayloadType("nope"); ok {
		t.Error("unknown name parsed")
	}
}

// TestPoolConcurrent: workers taking and returning messages at once never
// get a message another holds, the counts come back exact, and Get and Put
// allocate nothing under contention (a mutex there made contended callers
// park, and the runtime allocate a record for each: 2 allocations on an
// lcore in a `make bench` case 5b run, Dec 6, both under Pool.Get). Every
// allocation of the run is recorded (MemProfileRate 1) and none may have
// Pool.Get or Pool.Put on its stack; GCs run meanwhile, as they empty the
// runtime's caches of those records.
func TestPoolConcurrent(t *testing.T) {
	const workers, rounds, size = 4, 200000, 8
	defer func(r int) { runtime.MemProfileRate = r }(runtime.MemProfileRate)
	runtime.MemProfileRate = 1
	p := NewPool(size, 64)
	var held [size]atomic.Int32
	var done, bad atomic.Int32
	start := make(chan struct{})
	for w := range workers {
		go func() {
			<-start
			for r := range rounds {
				m := p.Get()
				if m == nil {
					continue // all held by the others
				}
				if !held[m.index].CompareAndSwap(0, 1) {
					bad.Add(1)
				}
				m.Value = append(m.Value, byte(w), byte(r))
				held[m.index].Store(0)
				p.Put(m)
			}
			done.Add(1)
		}()
	}
	close(start)
	for i := 0; done.Load() < workers; i++ {
		if i%1000 == 0 {
			runtime.GC()
		}
		runtime.Gosched()
	}
	if bad.Load() != 0 {
		t.Errorf("%d times a message was handed out while another worker held it", bad.Load())
	}
	if p.Free() != size || p.MaxInUse() < 1 || p.MaxInUse() > size {
		t.Errorf("after the run: %d of %d free, max in use %d", p.Free(), size, p.MaxInUse())
	}
	seen := map[*Message]bool{}
	for m := p.Get(); m != nil; m = p.Get() {
		seen[m] = true
	}
	if len(seen) != size {
		t.Errorf("%d distinct messages in the pool after the run, want %d", len(seen), size)
	}
	runtime.GC() // publishes the profile
	recs := make([]runtime.MemProfileRecord, 4096)
	n, ok := runtime.MemProfile(recs, true)
	for !ok {
		recs = make([]runtime.MemProfileRecord, n+1024)
		n, ok = runtime.MemProfile(recs, true)
	}
	for _, r := range recs[:n] {
		frames := runtime.CallersFrames(r.Stack())
		for {
			f, more := frames.Next()
			if strings.Contains(f.Function, "kafkaout.(*Pool).Get") || strings.Contains(f.Function, "kafkaout.(*Pool).Put") {
				t.Errorf("%d allocations under %s (%s:%d)", r.AllocObjects, f.Function, f.File, f.Line)
				break
			}
			if !more {
				break
			}
		}
	}
}
