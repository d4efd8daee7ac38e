package pipeline

import (
	"wire2kafka/dpdk"
	"wire2kafka/kafkaout"
	"wire2kafka/report"
	"wire2kafka/report/intdecode"
)

// maxEntryOverhead bounds the trailer a batch gets at flush.
const maxEntryOverhead = 128

// kafkaWorker decodes INT (the only stage that does), packs reports into one
// open message per (rule, flow key) and hands finished messages to the sink.
// A message closes on max_reports, max_bytes or linger. When the sink's pool
// is empty, policy drop drops the message (sink_full, and the key's
// sequence number skips so consumers see the gap); policy block stops
// dequeuing (back-pressure into the ring) until room appears or
// block_timeout passes, then drops.
//
// Packet accounting: each packet is accounted to the open message of its
// first report; it is queued while that message is open, out when it was
// submitted, and dropped otherwise.
type kafkaWorker struct {
	c      *Counters
	ctl    *control
	worker uint16 // number among all Kafka workers (Message.Worker)
	index  int    // within the pipeline
	in     *dpdk.Ring
	arr    *dpdk.MbufArray
	free   *dpdk.MbufArray
	burst  int
	pos, n int // unprocessed part of arr (kept while blocked)
	dec    *intdecode.Decoder
	sink   kafkaout.Sink

	maxReports   uint32
	maxBytes     int
	linger       int64 // ns
	policyDrop   bool
	blockTimeout int64 // ns
	producerID   string

	table     batchTable
	queued    uint64              // packets in open slots
	blocked   bool                // waiting for the sink (policy block): the packet at pos waits
	waitSince int64               // monotonic ns since the packet at pos began to wait, 0 if not
	giveUp    bool                // block_timeout passed: the packet at pos goes on without waiting
	spares    []*kafkaout.Message // messages reserved for slots about to open
	skipKey   []byte              // the key of reports dropped for lack of a message (skip)
	rs        *ruleSet
	now       int64
	clk       tscClock
	// drops and parse errors of the current burst (publish adds them)
	drops     [NumReasons]uint64
	parseErrs [intdecode.NumReasons]uint64
	dropped   bool
	evicted   uint64   // table.keys.evicted as last published
	mkeys     []msgKey // keys of the reports of one packet
	enc       []byte
	entry     report.PacketEntry
	trailer   report.BatchTrailer
	ptrail    report.PacketBatchTrailer
}

func (w *kafkaWorker) clock() int64 { return w.clk.ns() }

// Poll handles one burst, or retries the blocked flushes.
func (w *kafkaWorker) Poll() int {
	w.now = w.clock()
	w.rs = w.ctl.rules.Load()
	work := 0
	if w.blocked {
		// Messages come back as the sink delivers; lingering ones still go.
		work += w.lingerScan(w.ctl.phase.Load() >= phaseFlush)
		if !w.unblock() {
			w.publish()
			return work
		}
	}
	if w.pos == w.n {
		w.pos, w.n = 0, 0
		n, _ := w.in.DequeueBurst(w.arr, w.burst)
		if n > 0 {
			w.n = n
			w.c.In.Add(uint64(n))
		}
	}
	nfree := 0
	for w.pos < w.n && !w.blocked {
		m := w.arr.At(w.pos)
		if !w.handle(m) {
			break // blocked before taking m; retried on a later poll
		}
		w.waitSince, w.giveUp = 0, false
		w.free.Set(nfree, m)
		nfree++
		w.pos++
		work++
	}
	if nfree > 0 {
		dpdk.FreeBulk(w.free, 0, nfree)
	}
	if !w.blocked {
		work += w.lingerScan(w.ctl.phase.Load() >= phaseFlush)
	}
	w.publish()
	return work
}

// publish adds the burst's drops to the counters and stores the queued
// figure: open messages plus the unprocessed part of the burst.
func (w *kafkaWorker) publish() {
	if w.dropped {
		for r, n := range w.drops {
			if n > 0 {
				w.c.Drops[r].Add(n)
				w.drops[r] = 0
			}
		}
		for r, n := range w.parseErrs {
			if n > 0 {
				w.c.ParseErrors[r].Add(n)
				w.parseErrs[r] = 0
			}
		}
		w.dropped = false
	}
	w.c.Queued.Store(w.queued + uint64(w.n-w.pos))
	if ev := w.table.keys.evicted; ev != w.evicted { // rare: only under key churn
		w.c.KeyStatesEvicted.Store(ev)
		w.evicted = ev
	}
}

// drop counts one packet dropped for r, added to the counters per burst.
func (w *kafkaWorker) drop(r Reason) {
	w.drops[r]++
	w.dropped = true
}

// handle takes one mbuf into open messages. It returns false when the sink
// is blocked before m could be taken (m stays in the burst).
func (w *kafkaWorker) handle(m *dpdk.Mbuf) bool {
	md := metaOf(m)
	var ri *ruleInfo
	if int(md.rule) < len(w.rs.rules) && md.rule != 0 {
		ri = &w.rs.rules[md.rule]
	}
	if ri == nil || ri.id == 0 || ri.kafkaWorker < 0 {
		w.drop(DropNoRule)
		return true
	}
	if md.kind == kindHistogram {
		return w.add(ri, kafkaout.PayloadHistogram, ri.keyFor(w.index), m.Data(), md.rxNs, 1)
	}
	switch ri.out {
	case outRaw:
		data := m.Data()
		if len(data) > w.maxBytes-maxEntryOverhead {
			data = data[:w.maxBytes-maxEntryOverhead]
		}
		w.entry = report.PacketEntry{Time: md.rxNs, OrigLen: uint32(m.PktLen()), Port: uint32(m.Port()), RuleID: ri.id, Data: data}
		w.enc = report.AppendPacketEntry(w.enc[:0], &w.entry)
		return w.add(ri, kafkaout.PayloadPacketBatch, ri.keyFor(w.index), w.enc, md.rxNs, 1)
	}
	reports, reason := w.dec.DecodeOuter(m.Data(), md.rxNs, md.outer)
	// N:M: a copy of a group split by flow emits only this worker's flows;
	// the copy of the first report's worker counts the packet's losses.
	split, primary, my := md.owners != 0, true, 0
	if split && w.index < len(ri.pos) {
		my = int(ri.pos[w.index])
		primary = int(md.primary) == my
	}
	if reason != intdecode.ReasonOK {
		if !primary {
			w.drop(DropSplit)
			return true
		}
		w.drop(DropParseError)
		w.parseErrs[reason]++
		return true
	}
	if st := w.dec.Stats(); primary && *st != (intdecode.Stats{}) { // rare: count off the common path
		w.countDecodeStats(st)
	}
	if split {
		n := 0
		for i := range reports {
			if dispatch(reports[i].Key.Hash(), len(ri.flowWorkers)) == my {
				if n != i {
					reports[n], reports[i] = reports[i], reports[n]
				}
				n++
			}
		}
		if n == 0 {
			w.drop(DropSplit)
			return true
		}
		reports = reports[:n]
	}
	typ := ri.payload()
	// Make room first, so that a blocked sink never leaves a packet half
	// taken: every slot this packet's reports go to must fit them.
	if len(w.mkeys) < len(reports) {
		w.mkeys = make([]msgKey, len(reports)) // sized at start for the largest group a frame holds
	}
	// An upper bound of a report's encoded size: its metadata and
	// truncated headers come from the frame, and encoding at most
	// multiplies the bytes of the smallest field (2) by 8, plus the fixed
	// fields.
	bound := 8*len(m.Data()) + 256
	need := 0
	for i := range reports {
		w.mkeys[i] = reportKey(&reports[i].Key, ri.id, typ) // hashed once, from the fixed form
		w.ensureRoom(ri, typ, &w.mkeys[i], bound, &need)
	}
	if !w.reserve(need) && !w.waitForRoom() {
		return false
	}
	for i := range reports {
		r := &reports[i]
		s := w.slotFor(ri, typ, &w.mkeys[i])
		if s == nil { // the sink had no message for it (policy drop, or block_timeout passed)
			if i == 0 {
				w.drop(DropSinkFull)
			}
			w.c.ReportsDropped.Add(1)
			w.skip(typ, &w.mkeys[i], 1)
			continue
		}
		// Encode straight into the pooled message.
		if typ == kafkaout.PayloadReport {
			r.Sequence = s.ks.seq + 1
			s.buf = report.AppendReport(s.buf, r)
		} else {
			s.buf = report.AppendBatchEntry(s.buf, r)
		}
		packets := uint64(0)
		if i == 0 {
			packets = 1
		}
		w.account(s, r.ReceiveTime, packets)
	}
	return true
}

// lingerScan flushes the messages open longer than linger, or all when
// force (shutdown). Messages are listed in the order they opened, so it
// stops at the first one still within linger: the cost is the number of
// expired messages, not of open ones. It returns the number flushed.
func (w *kafkaWorker) lingerScan(force bool) int {
	n := 0
	for j := w.table.head; j >= 0; {
		s := &w.table.slots[j]
		if !force && w.now-s.opened < w.linger {
			break
		}
		next := s.next
		w.flush(int(j))
		n++
		j = next
	}
	return n
}

// countDecodeStats adds the individual reports a packet lost and its
// partial stacks to the worker's counters.
func (w *kafkaWorker) countDecodeStats(st *intdecode.Stats) {
	for r, n := range st.Lost {
		if n > 0 {
			w.c.ReportErrors[r].Add(uint64(n))
		}
	}
	if st.PartialStacks > 0 {
		w.c.PartialStacks.Add(uint64(st.PartialStacks))
	}
}
