package consume

import (
	"io"
	"strconv"
	"testing"

	"wire2kafka/kafkaout"
	"wire2kafka/report"
)

// FuzzDecode: any key, value and headers either decode or give an error
// wrapping ErrDecode, never a panic; what decodes also prints (JSON and
// text), summarises and goes through the sequence tracker.
func FuzzDecode(f *testing.F) {
	var r report.Report
	k := report.FlowKey{SrcPort: 1, DstPort: 2, Protocol: report.ProtoUDP}
	k.SrcIP.SetIPv4([]byte{10, 0, 0, 1})
	r.Key, r.ReceiveTime = k, 1_700_000_000_000_000_000
	h := r.NewHop()
	h.ASN, h.NodeID = 0xff00_0000_0001, 7
	h.Add(2, []byte{0, 0, 1, 2})
	key := report.AppendFlowKey(nil, &k)
	single := report.AppendReport(nil, &r)
	batch := report.AppendBatchEntry(nil, &r)
	batch = report.AppendBatchEntry(batch, &r)
	batch = report.AppendBatchTrailer(batch, &report.BatchTrailer{Sequence: 3, ProducerID: "fuzz", ReportOffset: 4})
	f.Add(uint8(0), "1", "1", key, single)
	f.Add(uint8(1), "2", "3", key, batch)
	f.Add(uint8(2), "1", "1", []byte("raw"), report.AppendPacketEntry(nil, &report.PacketEntry{Time: 5, OrigLen: 3, Data: []byte{1, 2, 3}}))
	f.Add(uint8(4), "", "", key, single) // no headers: SCION-INT
	f.Add(uint8(1), "2", "9", key, batch[:len(batch)-3])
	types := []string{kafkaout.PayloadReport.String(), kafkaout.PayloadReportBatch.String(), kafkaout.PayloadPacketBatch.String(), kafkaout.PayloadHistogram.String(), kafkaout.PayloadStats.String(), kafkaout.PayloadStatsJSON.String()}
	f.Fuzz(func(t *testing.T, typ uint8, count, seq string, key, value []byte) {
		m := &Message{Topic: "t", Key: key, Value: value}
		if int(typ) < len(types) {
			m.Headers = map[string]string{kafkaout.HeaderType: types[typ], kafkaout.HeaderCount: count, kafkaout.HeaderSeq: seq}
		} else if typ == 255 {
			m.Headers = map[string]string{kafkaout.HeaderType: strconv.Quote(count)}
		}
		d, err := Decode(m)
		if err != nil {
			if d != nil {
				t.Fatalf("error %v with a result", err)
			}
			return
		}
		if err := WriteJSON(io.Discard, m, d); err != nil {
			t.Fatalf("WriteJSON of a decoded message: %v", err)
		}
		if err := WriteText(io.Discard, m, d); err != nil {
			t.Fatalf("WriteText of a decoded message: %v", err)
		}
		NewSummary().Add(m, d)
		NewSeqTracker().Add(m, d)
		_ = d.Reports()
	})
}
