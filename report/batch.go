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
//
// A report with a Stack is written in one pass: its length goes before it
// in as many bytes as its upper bound needs, and the report moves down by
// a byte in the rare case it came out shorter than 128 bytes while its
// bound was not.
func AppendBatchEntry(b []byte, r *Report) []byte {
	var hs hopSizes
	n := sizeReport(r, &hs)
	if r.Stack.N == 0 {
		b, i := grow(b, sizeBytesField(n))
		b[i] = fBatchReports<<3 | 2
		i = putVarint(b, i+1, uint64(n))
		putReport(b, i, r, &hs)
		return b
	}
	bound := n + r.Stack.bound()
	lb := varintLen(uint64(bound))
	b, i := grow(b, sizeTag+lb+bound+stackSlack)
	b[i] = fBatchReports<<3 | 2
	end := putReport(b, i+sizeTag+lb, r, &hs)
	return b[:putLength(b, i+sizeTag, lb, end)]
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
