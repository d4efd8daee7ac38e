package kafkaout

import "testing"

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
