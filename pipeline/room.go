package pipeline

import "wire2kafka/dpdk"

// room is a stage's view of one output ring: it enqueues, and with
// rings.when_full "wait" it tells the stage whether the ring can take a
// burst before the stage takes one off its input. The free count is a
// lower bound kept from the last enqueue (the consumer only adds room), so
// the check costs a cgo call only when that bound is below a burst. On a
// ring with several producers the bound can be stale the other way; what
// the ring then refuses is freed and counted ring_full, as with "drop".
type room struct {
	r    *dpdk.Ring
	free int
	wait bool // rings.when_full == wait
}

func newRoom(r *dpdk.Ring, wait bool) room { return room{r: r, wait: wait} }

// has reports whether the stage may take n more packets: always with
// "drop", with "wait" when the ring has room for n.
func (o *room) has(n int) bool {
	if !o.wait || o.free >= n {
		return true
	}
	o.free = o.r.FreeCount()
	return o.free >= n
}

// enqueue enqueues entries [off, off+n) of a, as many as fit, and returns
// how many (the caller still owns the others).
func (o *room) enqueue(a *dpdk.MbufArray, off, n int) int {
	enq, free := o.r.EnqueueBurst(a, off, n)
	o.free = free
	return enq
}

// rooms returns a room for each ring.
func rooms(rs []*dpdk.Ring, wait bool) []room {
	out := make([]room, len(rs))
	for i, r := range rs {
		out[i] = newRoom(r, wait)
	}
	return out
}
