package pipeline

import (
	"wire2kafka/report/intdecode"
)

// Reason says why a worker dropped a packet. Reasons are dense so a worker
// counts them in an array indexed by Reason.
type Reason uint8

// Drop reasons. Every packet a worker takes in leaves it as out, as a drop
// with one of these reasons, or is still queued inside it.
const (
	DropRingFull   Reason = iota // the next stage's ring was full
	DropNoRule                   // no ACL rule matched
	DropNotIP                    // an IPv6 packet: the ACL classifies IPv4 only
	DropParseError               // the 5-tuple (ACL) or INT (Kafka worker) did not parse; by reason in ParseErrors
	DropSampledOut               // sampling kept another packet of the 1:N
	DropRuleDrop                 // the rule's service function is drop
	DropSummarized               // absorbed into a histogram (the histogram goes out)
	DropSinkFull                 // the Kafka sink's bounded queue was full
	DropTooLarge                 // one report or packet larger than a message may be
	DropSplit                    // N:M: a copy of a group split by flow carried no report for this worker
	NumReasons
)

var reasonNames = [NumReasons]string{"ring_full", "no_rule", "not_ip", "parse_error", "sampled_out",
	"rule_drop", "summarized", "sink_full", "too_large", "split"}

// String returns the metric label of the reason, e.g. "ring_full".
func (r Reason) String() string {
	if r < NumReasons {
		return reasonNames[r]
	}
	return "unknown"
}

// Counters are one worker's counters. The worker is the only writer
// (Counter: plain stores, no LOCK prefix); any goroutine may read them at
// any time (atomic loads, no locks). Updates are per burst, not per packet. The struct is padded so two workers' counters
// never share a cache line.
type Counters struct {
	In     Counter // packets taken in
	Out    Counter // packets passed on
	Queued Counter // packets inside the worker (open batches, pending bursts)
	Drops  [NumReasons]Counter
	// ParseErrors splits DropParseError by decoder reason.
	ParseErrors [intdecode.NumReasons]Counter
	// ReportErrors counts individual INT reports a Kafka worker's decoder
	// dropped inside packets that gave other reports (a Telemetry Report
	// group loses only its bad reports), by decoder reason. These are
	// reports, not packets: the packet is counted out.
	ReportErrors [intdecode.NumReasons]Counter
	// PartialStacks counts reports whose embedded INT stack was cut by the
	// reporting switch's truncation (complete hops kept).
	PartialStacks Counter
	// KeyStatesEvicted counts per-key states a Kafka worker evicted to
	// make room for new keys (kafka.batch.key_states): an evicted key's
	// sequence numbers restart at 1 if it returns.
	KeyStatesEvicted Counter
	// Copies counts the extra copies of packets an ACL worker made: a
	// Telemetry Report group whose reports belong to flows of several of
	// an N:M rule's workers goes to each of them, and each emits its own
	// flows' reports. A worker balances as in + copies = out + drops +
	// queued.
	Copies Counter
	// Extra counters of some kinds of worker.
	Reports  Counter // Kafka worker: reports written into submitted messages
	Messages Counter // Kafka worker: messages submitted to the sink
	// ReportsDropped counts reports in messages a Kafka worker dropped
	// (sink_full); their packets are in Drops[DropSinkFull].
	ReportsDropped Counter
	Bytes          Counter // Kafka worker: value bytes submitted; RX: bytes received
	Histograms     Counter // flow worker: histogram records emitted
	// HistogramsLost counts histogram records a flow worker could not emit
	// (no mbuf, too large for one, or the Kafka ring full).
	HistogramsLost Counter
	Polls          Counter // Poll calls
	BusyPolls      Counter // Poll calls that found work
	_              [64]byte
}

// DropTotal returns the sum of all drops.
func (c *Counters) DropTotal() uint64 {
	var n uint64
	for i := range c.Drops {
		n += c.Drops[i].Load()
	}
	return n
}

// Snapshot is a plain copy of Counters at one moment.
type Snapshot struct {
	In, Out, Queued                                                                        uint64
	Drops                                                                                  [NumReasons]uint64
	ParseErrors                                                                            [intdecode.NumReasons]uint64
	ReportErrors                                                                           [intdecode.NumReasons]uint64
	PartialStacks                                                                          uint64
	KeyStatesEvicted                                                                       uint64
	Copies                                                                                 uint64
	Reports, ReportsDropped, Messages, Bytes, Histograms, HistogramsLost, Polls, BusyPolls uint64
}

// Snapshot reads all counters. Counters written during the read may be
// seen half updated; after the worker stopped the snapshot is exact.
func (c *Counters) Snapshot() Snapshot {
	s := Snapshot{In: c.In.Load(), Out: c.Out.Load(), Queued: c.Queued.Load(),
		Reports: c.Reports.Load(), ReportsDropped: c.ReportsDropped.Load(), Messages: c.Messages.Load(), Bytes: c.Bytes.Load(),
		Histograms: c.Histograms.Load(), HistogramsLost: c.HistogramsLost.Load(), Polls: c.Polls.Load(), BusyPolls: c.BusyPolls.Load()}
	for i := range c.Drops {
		s.Drops[i] = c.Drops[i].Load()
	}
	for i := range c.ParseErrors {
		s.ParseErrors[i] = c.ParseErrors[i].Load()
		s.ReportErrors[i] = c.ReportErrors[i].Load()
	}
	s.PartialStacks = c.PartialStacks.Load()
	s.KeyStatesEvicted = c.KeyStatesEvicted.Load()
	s.Copies = c.Copies.Load()
	return s
}

// DropTotal returns the sum of all drops of the snapshot.
func (s *Snapshot) DropTotal() uint64 {
	var n uint64
	for _, d := range s.Drops {
		n += d
	}
	return n
}

// Balanced reports whether in + copies = out + drops + queued.
func (s *Snapshot) Balanced() bool { return s.In+s.Copies == s.Out+s.DropTotal()+s.Queued }
