package kafkaout

// Pool is a fixed set of reusable messages: the bound on the memory and on
// the number of messages between the Kafka workers and a sink. Get and Put
// never block and do not allocate. Safe for concurrent use.
type Pool struct {
	free chan *Message
	size int
}

// NewPool returns a pool of n messages whose values start with capacity
// valueCap bytes (they grow to the largest message and stay there).
func NewPool(n, valueCap int) *Pool {
	if n < 1 {
		n = 1
	}
	p := &Pool{free: make(chan *Message, n), size: n}
	for range n {
		p.free <- &Message{Key: make([]byte, 0, 64), Value: make([]byte, 0, valueCap), pool: p}
	}
	return p
}

// Get returns a free message, or nil when all are in use.
func (p *Pool) Get() *Message {
	select {
	case m := <-p.free:
		return m
	default:
		return nil
	}
}

// Put returns a message to the pool it came from, reset.
func (p *Pool) Put(m *Message) {
	m.Reset()
	select {
	case p.free <- m:
	default:
		panic("kafkaout: message returned to a full pool (double Put)")
	}
}

// Size is the number of messages of the pool.
func (p *Pool) Size() int { return p.size }

// Free is the number of messages not in use right now.
func (p *Pool) Free() int { return len(p.free) }
