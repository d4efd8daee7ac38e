package intdecode_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"
	"wire2kafka/report/intdecode"

	"google.golang.org/protobuf/proto"

	"wire2kafka/report"
	"wire2kafka/report/intgen"
	"wire2kafka/report/pcap"
	"wire2kafka/report/reportpb"
)

// frames generates a capture and returns its packets.
func frames(t testing.TB, o intgen.Options) [][]byte {
	var c bytes.Buffer
	if _, err := intgen.Generate(o, &c, io.Discard); err != nil {
		t.Fatal(err)
	}
	r, err := pcap.NewReader(&c)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for {
		_, d, _, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, append([]byte(nil), d...))
	}
}

// outerFrames generates a capture and returns its packets and their outer
// headers as the ACL worker parses them.
func outerFrames(t testing.TB, o intgen.Options) ([][]byte, []intdecode.Outer) {
	fs := frames(t, o)
	outer := make([]intdecode.Outer, len(fs))
	var ft intdecode.FiveTuple
	for i, f := range fs {
		intdecode.ParseFiveTuple(f, &ft)
		outer[i] = ft.Outer()
	}
	return fs, outer
}

var allocCases = []intgen.Options{
	{Format: intgen.FormatTR, Hops: 5, ReportsPerPacket: 4, Packets: 64, Malformed: 0.3, Seed: 1},
	{Format: intgen.FormatIDINT, Hops: 5, Packets: 64, Malformed: 0.3, Seed: 2},
}

func TestDecodeDoesNotAllocate(t *testing.T) {
	d, err := intdecode.NewDecoder(intdecode.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var counts [intdecode.NumReasons]uint64
	for _, o := range allocCases {
		fs := frames(t, o)
		i := 0
		n := testing.AllocsPerRun(500, func() {
			_, why := d.Decode(fs[i%len(fs)], uint64(i))
			counts[why]++
			i++
		})
		if n != 0 {
			t.Errorf("%s: %v allocations per Decode, want 0", o.Format, n)
		}
		var ft intdecode.FiveTuple
		n = testing.AllocsPerRun(500, func() {
			f := fs[i%len(fs)]
			if intdecode.ParseFiveTuple(f, &ft) == intdecode.ReasonOK {
				d.DecodeOuter(f, uint64(i), ft.Outer())
			}
			i++
		})
		if n != 0 {
			t.Errorf("%s: %v allocations per DecodeOuter, want 0", o.Format, n)
		}
	}
	var bad uint64
	for why, c := range counts {
		if intdecode.Reason(why) != intdecode.ReasonOK {
			bad += c
		}
	}
	if counts[intdecode.ReasonOK] == 0 || bad == 0 {
		t.Errorf("alloc test did not cover both good and bad packets: %v", counts)
	}
}

// TestInFrameDoesNotAllocate: the Kafka worker's path, decode with stacks
// left in the frame and transcode into a buffer with room, never
// allocates.
func TestInFrameDoesNotAllocate(t *testing.T) {
	d, err := intdecode.NewDecoder(intdecode.Config{StackInFrame: true})
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 0, 1<<20)
	for _, o := range allocCases {
		fs := frames(t, o)
		i, stacks := 0, 0
		n := testing.AllocsPerRun(500, func() {
			rs, _ := d.Decode(fs[i%len(fs)], uint64(i))
			buf = buf[:0]
			for k := range rs {
				stacks += rs[k].Stack.N
				buf = report.AppendReport(buf, &rs[k])
				buf = report.AppendBatchEntry(buf, &rs[k])
			}
			i++
		})
		if n != 0 {
			t.Errorf("%s: %v allocations per decode and transcode, want 0", o.Format, n)
		}
		if stacks == 0 {
			t.Errorf("%s: no report had a stack in the frame", o.Format)
		}
	}
}

// BenchmarkDecode measures Decode per packet for both formats, and
// DecodeOuter after another stage's outer parse.
func BenchmarkDecode(b *testing.B) {
	for _, o := range []intgen.Options{
		{Format: intgen.FormatTR, Hops: 4, Packets: 256, Seed: 1},
		{Format: intgen.FormatIDINT, Hops: 4, Packets: 256, Seed: 2},
	} {
		b.Run(string(o.Format), func(b *testing.B) {
			d, err := intdecode.NewDecoder(intdecode.Config{})
			if err != nil {
				b.Fatal(err)
			}
			fs := frames(b, o)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, why := d.Decode(fs[i%len(fs)], 1); why != intdecode.ReasonOK {
					b.Fatal(why)
				}
			}
		})
		// The pipeline's path: the ACL worker parsed the outer headers.
		b.Run(string(o.Format)+"-outer-parsed", func(b *testing.B) {
			d, err := intdecode.NewDecoder(intdecode.Config{})
			if err != nil {
				b.Fatal(err)
			}
			fs, outer := outerFrames(b, o)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, why := d.DecodeOuter(fs[i%len(fs)], 1, outer[i%len(fs)]); why != intdecode.ReasonOK {
					b.Fatal(why)
				}
			}
		})
	}
}

// BenchmarkEncodeDecoded compares AppendReport with proto.Marshal on
// reports decoded from generated captures (TR: 1+3 hops with 3 metadata
// each; ID-INT: 3 hops with 7 metadata each) and prints the ratio.
func BenchmarkEncodeDecoded(b *testing.B) {
	for _, o := range []intgen.Options{
		{Format: intgen.FormatTR, Hops: 3, Packets: 64, Seed: 1},
		{Format: intgen.FormatIDINT, Hops: 3, Packets: 64, Seed: 2},
	} {
		d, err := intdecode.NewDecoder(intdecode.Config{})
		if err != nil {
			b.Fatal(err)
		}
		var rs []report.Report
		for _, f := range frames(b, o) {
			got, why := d.Decode(f, 1767225600e9)
			if why != intdecode.ReasonOK {
				b.Fatal(why)
			}
			rs = append(rs, got...) // copies the reports; Truncated still points into f
		}
		pbs := make([]*reportpb.Report, len(rs))
		for i := range rs {
			pbs[i] = rs[i].Proto()
		}
		var appendNs, marshalNs float64
		b.Run(string(o.Format)+"/append", func(b *testing.B) {
			buf := make([]byte, 0, 1<<16)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				buf = report.AppendReport(buf[:0], &rs[i%len(rs)])
			}
			appendNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		})
		b.Run(string(o.Format)+"/proto.Marshal", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := proto.Marshal(pbs[i%len(pbs)]); err != nil {
					b.Fatal(err)
				}
			}
			marshalNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		})
		if appendNs > 0 {
			fmt.Printf("BenchmarkEncodeDecoded/%s: proto.Marshal / AppendReport = %.1fx (%.0f ns vs %.0f ns per report)\n",
				o.Format, marshalNs/appendNs, marshalNs, appendNs)
		}
	}
}

// BenchmarkDecodeEncode measures what the Kafka worker does per report
// between the ring and the open message, on generated captures (TR: 1+3
// hops with 3 metadata each, one report per packet; ID-INT: 3 hops with 7
// metadata each): DecodeOuter after the ACL's outer parse, the flow key's
// hash, and AppendReport into a message buffer of 256 reports. It reports
// ns/report and allocs/report (`make bench` case 3; the target is 120 ns).
// decode+append is the worker's path (Config.StackInFrame: INT-MD and ID-INT stacks
// transcoded from the frame into the message in one pass); eager stores
// each stack hop in the Report first, and the ratio of the two is printed.
func BenchmarkDecodeEncode(b *testing.B) {
	for _, o := range []intgen.Options{
		{Format: intgen.FormatTR, Hops: 3, Packets: 256, Seed: 1},
		{Format: intgen.FormatIDINT, Hops: 3, Packets: 256, Seed: 2},
	} {
		ns := map[bool]float64{}
		for _, inFrame := range []bool{true, false} {
			name := "/decode+append"
			if !inFrame {
				name = "/eager"
			}
			b.Run(string(o.Format)+name, func(b *testing.B) {
				ns[inFrame] = decodeEncode(b, o, intdecode.Config{StackInFrame: inFrame})
			})
		}
		if ns[true] > 0 && ns[false] > 0 {
			fmt.Printf("BenchmarkDecodeEncode/%s: eager / in-frame = %.2fx (%.0f ns vs %.0f ns per report)\n",
				o.Format, ns[false]/ns[true], ns[false], ns[true])
		}
	}
}

// decodeEncode runs one BenchmarkDecodeEncode case and returns ns/report.
func decodeEncode(b *testing.B, o intgen.Options, cfg intdecode.Config) float64 {
	d, err := intdecode.NewDecoder(cfg)
	if err != nil {
		b.Fatal(err)
	}
	fs, outer := outerFrames(b, o)
	buf := make([]byte, 0, 1<<20)
	var h uint64
	reports, inMsg := 0, 0
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	for i := 0; b.Loop(); i++ {
		rs, why := d.DecodeOuter(fs[i%len(fs)], 1767225600e9, outer[i%len(fs)])
		if why != intdecode.ReasonOK {
			b.Fatal(why)
		}
		for k := range rs {
			h ^= rs[k].Key.Hash()
			buf = report.AppendReport(buf, &rs[k])
		}
		reports += len(rs)
		if inMsg += len(rs); inMsg >= 256 {
			buf, inMsg = buf[:0], 0
		}
	}
	runtime.ReadMemStats(&ms1)
	if h == 1 {
		b.Log("hash sink") // keeps the hashes live
	}
	perReport := float64(b.Elapsed().Nanoseconds()) / float64(reports)
	b.ReportMetric(perReport, "ns/report")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(reports), "allocs/report")
	return perReport
}
