package kafkaout

import "sync"

// Recorded is a copy of one submitted message.
type Recorded struct {
	Topic    string
	Key      []byte
	Value    []byte
	Type     PayloadType
	Count    uint32
	Sequence uint64
	FirstRx  int64
	Worker   uint16
}

// Recorder is a sink that keeps a copy of every message in submission
// order, for tests. It allocates per message. Safe for concurrent use.
type Recorder struct {
	pool *Pool
	mu   sync.Mutex
	msgs []Recorded
}

// NewRecorder returns a recording sink with a pool of n messages.
func NewRecorder(n int) *Recorder { return &Recorder{pool: NewPool(n, 4096)} }

// Acquire implements Sink.
func (r *Recorder) Acquire() *Message { return r.pool.Get() }

// Submit implements Sink: it copies m and returns it to the pool.
func (r *Recorder) Submit(m *Message) {
	rec := Recorded{
		Topic: m.Topic, Key: append([]byte(nil), m.Key...), Value: append([]byte(nil), m.Value...),
		Type: m.Type, Count: m.Count, Sequence: m.Sequence, FirstRx: m.FirstRx, Worker: m.Worker,
	}
	r.mu.Lock()
	r.msgs = append(r.msgs, rec)
	r.mu.Unlock()
	r.pool.Put(m)
}

// Release implements Sink.
func (r *Recorder) Release(m *Message) { r.pool.Put(m) }

// Messages returns a copy of the list of recorded messages.
func (r *Recorder) Messages() []Recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Recorded(nil), r.msgs...)
}
