package report

import "google.golang.org/protobuf/encoding/protowire"

// Field numbers of ReportBatch.
const (
	fBatchReports      = 1
	fBatchSequence     = 2
	fBatchProducerID   = 3
	fBatchSinkID       = 4
	fBatchFirstTime    = 5
	fBatchLastTime     = 6
	fBatchReportOffset = 7
)

// BatchTrailer holds the ReportBatch fields other than the reports. The
// Kafka worker fills it when it flushes a batch.
type BatchTrailer struct {
	Sequence     uint64 // per-key batch sequence number, from 1
	ProducerID   string // producing instance
	SinkID       uint32 // INT sink id within its AS
	FirstTime    uint64 // receive time of the first report (ns)
	LastTime     uint64 // receive time of the last report (ns)
	ReportOffset uint64 // reports written under this key before this batch
}

// AppendBatchEntry appends r as one element of ReportBatch.reports (field
// 1, length-delimited) to b.
func AppendBatchEntry(b []byte, r *Report) []byte {
	var hs hopSizes
	n := sizeReport(r, &hs)
	b, i := grow(b, sizeBytesField(n))
	b[i] = fBatchReports<<3 | 2
	i = putVarint(b, i+1, uint64(n))
	putReport(b, i, r, &hs)
	return b
}

// AppendBatchEntryBytes appends an already encoded Report (AppendReport's
// output) as one element of ReportBatch.reports to b.
func AppendBatchEntryBytes(b, encoded []byte) []byte {
	b = protowire.AppendTag(b, fBatchReports, protowire.BytesType)
	return protowire.AppendBytes(b, encoded)
}

// AppendBatchTrailer appends the non-report fields of a ReportBatch to b.
// Protobuf accepts fields in any order, so the trailer follows the entries.
func AppendBatchTrailer(b []byte, t *BatchTrailer) []byte {
	b = appendVarintField(b, fBatchSequence, t.Sequence)
	if t.ProducerID != "" {
		b = protowire.AppendTag(b, fBatchProducerID, protowire.BytesType)
		b = protowire.AppendString(b, t.ProducerID)
	}
	b = appendVarintField(b, fBatchSinkID, uint64(t.SinkID))
	b = appendFixed64Field(b, fBatchFirstTime, t.FirstTime)
	b = appendFixed64Field(b, fBatchLastTime, t.LastTime)
	b = appendVarintField(b, fBatchReportOffset, t.ReportOffset)
	return b
}

// BatchBuilder accumulates one ReportBatch in a reused buffer. Typical use
// by a Kafka worker, one builder per (topic, key):
//
//	bb.Add(r)                       // per report, no allocation once Buf has grown
//	msg := bb.Finish(&trailer)      // at flush; hand msg to the producer
//	bb.Reset()                      // after the producer copied msg
//
// Not safe for concurrent use.
type BatchBuilder struct {
	Buf       []byte // encoded batch so far
	Count     int    // reports added since Reset
	FirstTime uint64 // ReceiveTime of the first report added
	LastTime  uint64 // ReceiveTime of the last report added
}

// Add appends r to the batch.
func (bb *BatchBuilder) Add(r *Report) {
	bb.Buf = AppendBatchEntry(bb.Buf, r)
	bb.note(r.ReceiveTime)
}

// AddEncoded appends a report already encoded by AppendReport, received at
// receiveTime (ns).
func (bb *BatchBuilder) AddEncoded(encoded []byte, receiveTime uint64) {
	bb.Buf = AppendBatchEntryBytes(bb.Buf, encoded)
	bb.note(receiveTime)
}

func (bb *BatchBuilder) note(t uint64) {
	if bb.Count == 0 {
		bb.FirstTime = t
	}
	bb.LastTime = t
	bb.Count++
}

// Len returns the encoded size of the entries so far in bytes.
func (bb *BatchBuilder) Len() int { return len(bb.Buf) }

// Finish appends the trailer and returns the complete ReportBatch message.
// FirstTime and LastTime of t are taken from the builder when zero. The
// result aliases Buf: copy it or wait for delivery before Reset.
func (bb *BatchBuilder) Finish(t *BatchTrailer) []byte {
	tr := *t
	if tr.FirstTime == 0 {
		tr.FirstTime = bb.FirstTime
	}
	if tr.LastTime == 0 {
		tr.LastTime = bb.LastTime
	}
	bb.Buf = AppendBatchTrailer(bb.Buf, &tr)
	return bb.Buf
}

// Reset empties the builder, keeping the buffer's capacity.
func (bb *BatchBuilder) Reset() {
	bb.Buf = bb.Buf[:0]
	bb.Count = 0
	bb.FirstTime, bb.LastTime = 0, 0
}
