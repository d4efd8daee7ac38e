package pipeline

import (
	"time"

	"wire2kafka/dpdk"
)

// rxQueue is one NIC queue an RX worker polls.
type rxQueue struct {
	port  dpdk.Port
	queue uint16
	// tsScale converts the driver's RX timestamp to ns; 0 means the
	// driver's stamps are not used (their unit is a device clock).
	tsScale uint64
}

// rxWorker polls its NIC queues, stamps each packet with its receive time
// (the capture's timestamp on net_pcap, else the burst's wall clock) and
// enqueues the burst to its ACL worker's ring. With rings.when_full wait it
// does not receive while that ring lacks room for a burst; packets the ring
// still cannot take are freed and counted as ring_full.
type rxWorker struct {
	c      *Counters
	ctl    *control
	queues []rxQueue
	out    room // the ACL worker's ring
	arr    *dpdk.MbufArray
	burst  int
	ts     dpdk.RxTimestamp
	hasTS  bool
}

// Poll receives one burst from each queue. It stops receiving once the
// pipeline drains, and, with rings.when_full wait, while the ACL worker's
// ring lacks room for a burst.
func (w *rxWorker) Poll() int {
	if w.ctl.phase.Load() != phaseRun {
		return 0
	}
	total := 0
	for _, q := range w.queues {
		if !w.out.has(w.burst) {
			break // rings.when_full wait: the packets stay in the NIC
		}
		n := q.port.RxBurst(q.queue, w.arr, w.burst)
		if n == 0 {
			continue
		}
		var now uint64
		var bytes uint64
		useTS := w.hasTS && q.tsScale != 0
		for i := range n {
			m := w.arr.At(i)
			md := metaOf(m)
			md.kind, md.rule = kindPacket, 0
			t, ok := uint64(0), false
			if useTS {
				t, ok = w.ts.Get(m)
				t *= q.tsScale
			}
			if !ok {
				if now == 0 {
					now = uint64(time.Now().UnixNano())
				}
				t = now
			}
			md.rxNs = t
			bytes += uint64(m.PktLen())
		}
		enq := w.out.enqueue(w.arr, 0, n)
		if enq < n {
			dpdk.FreeBulk(w.arr, enq, n-enq)
			w.c.Drops[DropRingFull].Add(uint64(n - enq))
		}
		w.c.In.Add(uint64(n))
		w.c.Out.Add(uint64(enq))
		w.c.Bytes.Add(bytes)
		total += n
	}
	return total
}
