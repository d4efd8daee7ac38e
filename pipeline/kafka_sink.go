package pipeline

import (
	"wire2kafka/kafkaout"
	"wire2kafka/report"
)

// The Kafka worker's sink policy. A slot is filled straight into a pooled
// message taken from the sink when the slot opens, so a flush hands the
// message over without copying it. When the sink's bounded queue is empty
// a packet that needs a new message waits (kafka.queue.policy block, up to
// block_timeout) or loses the reports that found no message (drop), counted
// as sink_full.

// flush submits slot j's message.
func (w *kafkaWorker) flush(j int) {
	s := &w.table.slots[j]
	if !s.used {
		return
	}
	m := s.msg
	s.ks.seq++
	m.Topic, m.Type, m.Count, m.Sequence, m.FirstRx, m.Worker = s.topic, s.typ, s.count, s.ks.seq, int64(s.first), w.worker
	m.Key = append(m.Key[:0], s.key...)
	m.Value = s.buf
	switch s.typ {
	case kafkaout.PayloadReportBatch:
		w.trailer = report.BatchTrailer{Sequence: s.ks.seq, ProducerID: w.producerID, FirstTime: s.first, LastTime: s.last, ReportOffset: s.ks.items}
		m.Value = report.AppendBatchTrailer(m.Value, &w.trailer)
	case kafkaout.PayloadPacketBatch:
		w.ptrail = report.PacketBatchTrailer{Sequence: s.ks.seq, ProducerID: w.producerID, FirstTime: s.first, LastTime: s.last, PacketOffset: s.ks.items}
		m.Value = report.AppendPacketBatchTrailer(m.Value, &w.ptrail)
	}
	s.ks.items += uint64(s.count)
	w.c.Bytes.Add(uint64(len(m.Value)))
	w.sink.Submit(m)
	w.c.Out.Add(s.packets)
	w.c.Reports.Add(uint64(s.count))
	w.c.Messages.Add(1)
	w.queued -= s.packets
	w.table.close(j)
}

// reserve makes sure n messages are at hand for slots about to open. It
// returns false when the sink has too few.
func (w *kafkaWorker) reserve(n int) bool {
	for len(w.spares) < n {
		m := w.sink.Acquire()
		if m == nil {
			return false
		}
		w.spares = append(w.spares, m)
	}
	return true
}

// takeSpare returns a message for a slot about to open: a reserved one, or
// one acquired now; nil when the sink has none.
func (w *kafkaWorker) takeSpare() *kafkaout.Message {
	if n := len(w.spares); n > 0 {
		m := w.spares[n-1]
		w.spares = w.spares[:n-1]
		return m
	}
	return w.sink.Acquire()
}

// waitForRoom records that the packet at hand needs n messages the sink
// does not have. With policy drop, or once block_timeout has passed since
// the packet began to wait, it returns true: the packet goes on and its
// reports that find no message are dropped. Otherwise the worker blocks
// (the packet stays in the burst) and it returns false.
func (w *kafkaWorker) waitForRoom() bool {
	if w.policyDrop || w.giveUp {
		return true
	}
	if w.waitSince == 0 {
		w.waitSince = w.now
	}
	w.blocked = true
	return false
}

// unblock is polled while blocked: a message coming back from the sink, or
// block_timeout passing, lets the waiting packet be tried again.
func (w *kafkaWorker) unblock() bool {
	if w.now-w.waitSince >= w.blockTimeout {
		w.giveUp, w.blocked = true, false
		return true
	}
	if m := w.sink.Acquire(); m != nil {
		if len(w.spares) < cap(w.spares) {
			w.spares = append(w.spares, m)
		} else {
			w.sink.Release(m)
		}
		w.blocked = false
		return true
	}
	return false
}

// skip records reports dropped for lack of a message under key k: the
// key's sequence number skips one and its item offset moves past them, so
// a consumer sees the gap in-band as for a dropped message.
func (w *kafkaWorker) skip(typ kafkaout.PayloadType, k *msgKey, items uint64) {
	if k.fk != nil {
		w.skipKey = report.AppendFlowKey(w.skipKey[:0], k.fk)
	} else {
		w.skipKey = append(w.skipKey[:0], k.raw...)
	}
	ks := w.table.keys.get(typ, w.skipKey, k.h, w.now)
	ks.seq++
	ks.items += items
	w.table.keys.unpin(ks)
}

// releaseMessages returns the messages of open slots and the reserved
// ones to the sink (pipeline close, after the drain).
func (w *kafkaWorker) releaseMessages() {
	for j := range w.table.slots {
		if s := &w.table.slots[j]; s.used {
			w.sink.Release(s.msg)
			w.table.close(j)
		}
	}
	for _, m := range w.spares {
		w.sink.Release(m)
	}
	w.spares = w.spares[:0]
}
