package consume

import (
	"fmt"
	"io"
)

// SeqResult counts what the per-key sequence numbers tell.
type SeqResult struct {
	Streams     int    // (topic, producer id, key) streams seen
	Messages    int    // messages with a sequence number
	Gaps        uint64 // messages missing according to the sequence numbers
	Repeats     int    // messages whose sequence number was not above the last one
	LostReports uint64 // reports missing according to ReportBatch.report_offset
}

// OK reports whether no gap and no repeat was seen.
func (s *SeqResult) OK() bool { return s.Gaps == 0 && s.Repeats == 0 && s.LostReports == 0 }

// Write prints s in one line.
func (s *SeqResult) Write(w io.Writer) {
	fmt.Fprintf(w, "sequence: %d streams, %d messages, %d missing messages (gaps), %d repeated, %d missing reports (report_offset)\n",
		s.Streams, s.Messages, s.Gaps, s.Repeats, s.LostReports)
}

type stream struct {
	last    uint64 // last sequence number
	reports uint64 // reports seen (report batches)
}

// SeqTracker follows the per-key sequence numbers (w2k-seq, or the one in
// the value) of consumed messages: a stream is (topic, producer id, key)
// and must count 1, 2, 3... Read partitions from the beginning, or the
// first number of a stream counts as a gap. Not safe for concurrent use.
type SeqTracker struct {
	streams map[string]*stream
	res     SeqResult
}

// NewSeqTracker returns an empty tracker.
func NewSeqTracker() *SeqTracker { return &SeqTracker{streams: map[string]*stream{}} }

// Add follows the sequence number of one message.
func (t *SeqTracker) Add(m *Message, d *Decoded) {
	seq := d.HdrSeq
	if !d.Headers {
		seq = d.Sequence()
	}
	if seq == 0 {
		return
	}
	t.res.Messages++
	id := m.Topic + "\x00" + d.ProducerID() + "\x00" + string(m.Key)
	s := t.streams[id]
	if s == nil {
		s = &stream{}
		t.streams[id] = s
		t.res.Streams++
	}
	switch {
	case seq <= s.last:
		t.res.Repeats++
		return
	case seq > s.last+1:
		t.res.Gaps += seq - s.last - 1
	}
	s.last = seq
	if d.Batch != nil {
		if off := d.Batch.ReportOffset; off > s.reports {
			t.res.LostReports += off - s.reports
			s.reports = off
		}
		s.reports += uint64(len(d.Batch.Reports))
	}
}

// Result returns the counts so far.
func (t *SeqTracker) Result() SeqResult { return t.res }
