package pipeline

import (
	"slices"
	"time"

	"wire2kafka/dpdk"
	"wire2kafka/flowworker"
	"wire2kafka/report"
)

// flowWorker moves packets from its ring through their rules' service
// functions (package flowworker decides per packet) to its Kafka worker's
// ring, and sends the histograms that are due. Histograms leave as mbufs of kind kindHistogram carrying an
// encoded report.Histogram, so every ring has one element type.
type flowWorker struct {
	c     *Counters
	ctl   *control
	index int // within the pipeline
	in    *dpdk.Ring
	out   room // the Kafka worker's ring
	pool  *dpdk.Pool
	arr   *dpdk.MbufArray // dequeued burst
	fwd   *dpdk.MbufArray // packets going on
	drop  *dpdk.MbufArray // packets to free
	pend  *dpdk.MbufArray // rings.when_full wait: packets the Kafka ring refused, sent first next time
	npend int
	burst int

	rs         *ruleSet              // the rules fns was built for
	fns        *flowworker.Functions // the rules' service functions and their state
	rules      []flowworker.Rule     // reused to build fns
	hist       report.Histogram      // reused record
	histSeq    []uint64              // per rule
	enc        []byte                // reused encoding buffer
	producerID string
}

// adopt rebuilds the per-rule state for a new rule set (start and reload).
// Sampling counters and histograms restart with the new rules.
func (w *flowWorker) adopt(rs *ruleSet) {
	w.rules = w.rules[:0]
	for i := range rs.rules {
		ri := &rs.rules[i]
		r := ri.fn
		r.Here = ri.id != 0 && slices.Contains(ri.flowWorkers, w.index)
		w.rules = append(w.rules, r)
	}
	w.fns = flowworker.NewFunctions(w.rules, uint64(time.Now().UnixNano()))
	if len(w.histSeq) < len(rs.rules) {
		w.histSeq = append(w.histSeq, make([]uint64, len(rs.rules)-len(w.histSeq))...)
	}
	w.rs = rs
}

// Poll handles one burst from the flow ring and emits due histograms.
func (w *flowWorker) Poll() int {
	rs := w.ctl.rules.Load()
	if rs != w.rs {
		w.flushHistograms(true) // the old rules' last intervals
		w.adopt(rs)
	}
	work := 0
	if w.fns.HasHistograms() {
		work += w.flushHistograms(w.ctl.phase.Load() >= phaseFlush)
	}
	if w.npend > 0 && !w.sendPending() {
		return work // still no room: nothing more is taken in
	}
	if !w.out.has(w.burst) {
		return work // rings.when_full wait: the packets stay in the flow ring
	}
	n, _ := w.in.DequeueBurst(w.arr, w.burst)
	if n == 0 {
		return work
	}
	nf, nd := 0, 0
	var sampled, ruleDrop, summarized, noRule uint64
	for i := range n {
		m := w.arr.At(i)
		md := metaOf(m)
		switch w.fns.Apply(md.rule, md.rxNs) {
		case flowworker.Keep:
			w.fwd.Set(nf, m)
			nf++
			continue
		case flowworker.SampledOut:
			sampled++
		case flowworker.Summarized:
			summarized++
		case flowworker.RuleDrop:
			ruleDrop++
		default:
			noRule++ // the rule vanished in a reload between ACL and here
		}
		w.drop.Set(nd, m)
		nd++
	}
	if nd > 0 {
		dpdk.FreeBulk(w.drop, 0, nd)
	}
	enq := 0
	if nf > 0 {
		enq = w.out.enqueue(w.fwd, 0, nf)
		switch {
		case enq == nf:
		case w.out.wait:
			// Another flow worker filled the shared ring after this one
			// saw room: keep the rest and send it before taking more.
			for i := enq; i < nf; i++ {
				w.pend.Set(w.npend, w.fwd.At(i))
				w.npend++
			}
			w.c.Queued.Store(uint64(w.npend))
		default:
			dpdk.FreeBulk(w.fwd, enq, nf-enq)
			w.c.Drops[DropRingFull].Add(uint64(nf - enq))
		}
	}
	w.c.In.Add(uint64(n))
	w.c.Out.Add(uint64(enq))
	if sampled > 0 {
		w.c.Drops[DropSampledOut].Add(sampled)
	}
	if ruleDrop > 0 {
		w.c.Drops[DropRuleDrop].Add(ruleDrop)
	}
	if summarized > 0 {
		w.c.Drops[DropSummarized].Add(summarized)
	}
	if noRule > 0 {
		w.c.Drops[DropNoRule].Add(noRule)
	}
	return work + n
}

// sendPending enqueues the packets the Kafka ring refused before (when_full
// wait) and reports whether none is left.
func (w *flowWorker) sendPending() bool {
	enq := w.out.enqueue(w.pend, 0, w.npend)
	for i := enq; i < w.npend; i++ {
		w.pend.Set(i-enq, w.pend.At(i))
	}
	w.npend -= enq
	w.c.Out.Add(uint64(enq))
	w.c.Queued.Store(uint64(w.npend))
	return w.npend == 0
}

// flushHistograms emits every histogram whose interval ended, or all of
// them with packets when force is set (reload, shutdown). It returns the
// number emitted.
func (w *flowWorker) flushHistograms(force bool) int {
	if w.fns == nil || !w.fns.HasHistograms() {
		return 0
	}
	now := uint64(time.Now().UnixNano())
	emitted := 0
	for id, h := range w.fns.Histograms() {
		if h == nil || !(h.Due(now) || (force && h.Packets() > 0)) {
			continue
		}
		if h.Packets() == 0 && !force {
			// An empty interval: keep its time, say nothing.
			h.Emit(now, &w.hist)
			continue
		}
		h.Emit(now, &w.hist)
		w.histSeq[id]++
		w.hist.RuleID = uint32(id)
		w.hist.Sequence = w.histSeq[id]
		w.hist.ProducerID = w.producerID
		w.enc = report.AppendHistogram(w.enc[:0], &w.hist)
		m := w.pool.Alloc()
		if m == nil || !m.SetLen(len(w.enc)) {
			if m != nil {
				m.Free() // larger than an mbuf's data room
			}
			w.c.HistogramsLost.Add(1)
			continue
		}
		copy(m.Data(), w.enc)
		md := metaOf(m)
		md.kind, md.rule, md.rxNs = kindHistogram, uint32(id), w.hist.StartTime
		w.fwd.Set(0, m)
		if w.out.enqueue(w.fwd, 0, 1) == 0 {
			m.Free()
			w.c.HistogramsLost.Add(1)
			continue
		}
		w.c.Histograms.Add(1)
		emitted++
	}
	return emitted
}
