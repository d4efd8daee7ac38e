package report

import (
	"math/rand/v2"
	"testing"

	"google.golang.org/protobuf/proto"

	"wire2kafka/report/reportpb"
)

func TestAppendReportMatchesProto(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var r Report
	var buf []byte
	for i := 0; i < 10000; i++ {
		randomReport(rng, &r)
		buf = AppendReport(buf[:0], &r)
		if len(buf) != ReportSize(&r) {
			t.Fatalf("report %d: ReportSize %d, encoded %d bytes", i, ReportSize(&r), len(buf))
		}
		var got reportpb.Report
		if err := proto.Unmarshal(buf, &got); err != nil {
			t.Fatalf("report %d: unmarshal: %v", i, err)
		}
		if want := r.Proto(); !proto.Equal(&got, want) {
			t.Fatalf("report %d differs:\n got %v\nwant %v", i, &got, want)
		}
		buf = AppendFlowKey(buf[:0], &r.Key)
		if len(buf) != flowKeySize(&r.Key) {
			t.Fatalf("key %d: flowKeySize %d, encoded %d", i, flowKeySize(&r.Key), len(buf))
		}
		var gk reportpb.FlowKey
		if err := proto.Unmarshal(buf, &gk); err != nil {
			t.Fatalf("key %d: unmarshal: %v", i, err)
		}
		if want := r.Key.Proto(); !proto.Equal(&gk, want) {
			t.Fatalf("key %d differs:\n got %v\nwant %v", i, &gk, want)
		}
	}
}

func TestFlowKeyDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var k FlowKey
	for i := 0; i < 1000; i++ {
		randomFlowKey(rng, &k)
		a := AppendFlowKey(nil, &k)
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(k.Proto())
		if err != nil {
			t.Fatal(err)
		}
		if string(a) != string(b) {
			t.Fatalf("key %d: appender %x, proto.Marshal %x", i, a, b)
		}
	}
}

func TestAppendBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var buf []byte
	for round := 0; round < 50; round++ {
		buf = buf[:0]
		n := rng.IntN(40)
		want := &reportpb.ReportBatch{Sequence: uint64(round + 1), ProducerId: "host-a", SinkId: 1, ReportOffset: uint64(round * 7)}
		var r Report
		for i := 0; i < n; i++ {
			randomReport(rng, &r)
			if i%2 == 0 {
				buf = AppendBatchEntry(buf, &r)
			} else {
				buf = AppendBatchEntryBytes(buf, AppendReport(nil, &r))
			}
			if i == 0 {
				want.FirstTimeNs = r.ReceiveTime
			}
			want.LastTimeNs = r.ReceiveTime
			want.Reports = append(want.Reports, r.Proto())
		}
		buf = AppendBatchTrailer(buf, &BatchTrailer{Sequence: want.Sequence, ProducerID: "host-a", SinkID: 1,
			FirstTime: want.FirstTimeNs, LastTime: want.LastTimeNs, ReportOffset: want.ReportOffset})
		var got reportpb.ReportBatch
		if err := proto.Unmarshal(buf, &got); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if !proto.Equal(&got, want) {
			t.Fatalf("round %d: batch differs", round)
		}
	}
}

func TestAppendPacketBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var buf []byte
	want := &reportpb.PacketBatch{Sequence: 3, ProducerId: "p", FirstTimeNs: 10, LastTimeNs: 20, PacketOffset: 99}
	for i := 0; i < 100; i++ {
		p := PacketEntry{Time: rnd64(rng), OrigLen: uint32(rnd64(rng)), Port: uint32(rng.IntN(3)), RuleID: uint32(rnd64(rng))}
		p.Data = make([]byte, rng.IntN(100))
		for j := range p.Data {
			p.Data[j] = byte(rng.Uint32())
		}
		buf = AppendPacketEntry(buf, &p)
		pp := &reportpb.Packet{TimeNs: p.Time, OrigLen: p.OrigLen, Port: p.Port, RuleId: p.RuleID}
		if len(p.Data) > 0 {
			pp.Data = p.Data
		}
		want.Packets = append(want.Packets, pp)
	}
	buf = AppendPacketBatchTrailer(buf, &PacketBatchTrailer{Sequence: 3, ProducerID: "p", FirstTime: 10, LastTime: 20, PacketOffset: 99})
	var got reportpb.PacketBatch
	if err := proto.Unmarshal(buf, &got); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(&got, want) {
		t.Fatalf("packet batch differs")
	}
}

func TestAppendHistogram(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for i := 0; i < 200; i++ {
		h := Histogram{RuleID: uint32(rnd64(rng)), Resolution: rnd64(rng), StartTime: rnd64(rng), Interval: rnd64(rng),
			Overflow: rnd64(rng), Packets: rnd64(rng), Sequence: rnd64(rng)}
		if i%3 == 0 {
			h.ProducerID = "prod"
		}
		want := &reportpb.Histogram{RuleId: h.RuleID, ResolutionNs: h.Resolution, StartTimeNs: h.StartTime, IntervalNs: h.Interval,
			Overflow: h.Overflow, Packets: h.Packets, Sequence: h.Sequence, ProducerId: h.ProducerID}
		if i%2 == 0 {
			h.HasFlow = true
			randomFlowKey(rng, &h.Flow)
			want.Flow = h.Flow.Proto()
		}
		for j := rng.IntN(20); j > 0; j-- {
			c := rnd64(rng)
			h.Buckets = append(h.Buckets, c)
			want.Buckets = append(want.Buckets, c)
		}
		var got reportpb.Histogram
		if err := proto.Unmarshal(AppendHistogram(nil, &h), &got); err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(&got, want) {
			t.Fatalf("histogram %d differs:\n got %v\nwant %v", i, &got, want)
		}
	}
}

func TestAppendersDoNotAllocate(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	var r Report
	randomReport(rng, &r)
	for r.NumHops < 4 {
		randomReport(rng, &r)
	}
	buf := make([]byte, 0, 1<<16)
	batch := make([]byte, 0, 1<<20)
	pe := PacketEntry{Time: 1, OrigLen: 60, Data: make([]byte, 60)}
	h := Histogram{RuleID: 1, HasFlow: true, Flow: r.Key, Buckets: make([]uint64, 16), ProducerID: "x"}
	tr := BatchTrailer{Sequence: 1, ProducerID: "x"}
	cases := map[string]func(){
		"AppendReport":     func() { buf = AppendReport(buf[:0], &r) },
		"AppendFlowKey":    func() { buf = AppendFlowKey(buf[:0], &r.Key) },
		"AppendBatchEntry": func() { batch = AppendBatchTrailer(AppendBatchEntry(batch[:0], &r), &tr) },
		"AppendPacket":     func() { buf = AppendPacketEntry(buf[:0], &pe) },
		"AppendHistogram":  func() { buf = AppendHistogram(buf[:0], &h) },
	}
	for name, f := range cases {
		if n := testing.AllocsPerRun(200, f); n != 0 {
			t.Errorf("%s: %v allocations per run, want 0", name, n)
		}
	}
}
