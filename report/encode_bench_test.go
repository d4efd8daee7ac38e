package report

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"google.golang.org/protobuf/proto"

	"wire2kafka/report/reportpb"
)

// benchReports returns n random reports with 2-6 hops, a typical shape.
func benchReports(n int) []Report {
	rng := rand.New(rand.NewPCG(42, 43))
	rs := make([]Report, n)
	for i := range rs {
		for rs[i].NumHops < 2 || rs[i].NumHops > 6 {
			randomReport(rng, &rs[i])
		}
	}
	return rs
}

// BenchmarkEncode compares AppendReport with proto.Marshal of the
// generated struct and prints the ratio.
func BenchmarkEncode(b *testing.B) {
	rs := benchReports(64)
	pbs := make([]*reportpb.Report, len(rs))
	for i := range rs {
		pbs[i] = rs[i].Proto()
	}
	var appendNs, marshalNs float64
	b.Run("append", func(b *testing.B) {
		buf := make([]byte, 0, 1<<16)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			buf = AppendReport(buf[:0], &rs[i%len(rs)])
		}
		appendNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(appendNs, "ns/report")
	})
	b.Run("proto.Marshal", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := proto.Marshal(pbs[i%len(pbs)]); err != nil {
				b.Fatal(err)
			}
		}
		marshalNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(marshalNs, "ns/report")
	})
	if appendNs > 0 {
		fmt.Printf("BenchmarkEncode: proto.Marshal / AppendReport = %.1fx (%.0f ns vs %.0f ns per report)\n", marshalNs/appendNs, marshalNs, appendNs)
	}
}

// BenchmarkBatch measures AppendBatchEntry per report, 256 per batch.
func BenchmarkBatch(b *testing.B) {
	rs := benchReports(64)
	buf := make([]byte, 0, 1<<20)
	tr := BatchTrailer{Sequence: 1, ProducerID: "bench"}
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		buf = AppendBatchEntry(buf, &rs[i%len(rs)])
		if n++; n == 256 {
			buf = AppendBatchTrailer(buf, &tr)[:0]
			n = 0
		}
	}
}
