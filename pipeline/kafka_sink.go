package pipeline

import (
	"wire2kafka/kafkaout"
	"wire2kafka/report"
)

// The Kafka worker's sink policy: flushing a slot into a pooled message,
// and what happens when the sink is full (kafka.queue.policy drop or block).

// flush submits slot j's message. It returns false if the sink had no room:
// with policy drop the message is dropped and counted; with policy block it
// stays and the worker blocks.
func (w *kafkaWorker) flush(j int) bool {
	s := &w.table.slots[j]
	if !s.used {
		return true
	}
	m := w.sink.Acquire()
	if m == nil {
		if w.policyDrop {
			w.dropSlot(j)
			return false
		}
		if w.blocked == 0 {
			w.blocked = w.now
		}
		w.addStuck(j)
		return false
	}
	s.ks.seq++
	m.Topic, m.Type, m.Count, m.Sequence, m.FirstRx, m.Worker = s.topic, s.typ, s.count, s.ks.seq, int64(s.first), w.worker
	m.Key = append(m.Key[:0], s.key...)
	m.Value = append(m.Value[:0], s.buf...)
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
	return true
}

// dropSlot drops slot j's message: its packets count as sink_full and the
// key's sequence number skips one, so consumers see the gap.
func (w *kafkaWorker) dropSlot(j int) {
	s := &w.table.slots[j]
	if !s.used {
		return
	}
	s.ks.seq++
	s.ks.items += uint64(s.count)
	w.c.Drops[DropSinkFull].Add(s.packets)
	w.c.ReportsDropped.Add(uint64(s.count))
	w.queued -= s.packets
	w.table.close(j)
}

func (w *kafkaWorker) addStuck(j int) {
	for _, k := range w.stuck {
		if k == j {
			return
		}
	}
	w.stuck = append(w.stuck, j)
}

// retryStuck retries the blocked flushes; past block_timeout it drops
// them. It returns true when the worker is no longer blocked.
func (w *kafkaWorker) retryStuck() bool {
	start := w.blocked
	timedOut := w.now-start >= w.blockTimeout
	w.blocked = 0
	w.stuck, w.retry = w.retry[:0], w.stuck
	for _, j := range w.retry {
		if timedOut {
			w.dropSlot(j)
		} else {
			w.flush(j) // on failure it puts j back on w.stuck and blocks again
		}
	}
	if w.blocked != 0 {
		w.blocked = start // the block goes on since it began
		return false
	}
	return true
}
