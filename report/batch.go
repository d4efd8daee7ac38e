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
