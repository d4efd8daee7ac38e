package flowworker

import (
	"testing"

	"wire2kafka/report"
)

func TestSamplerKeepsExactlyOneInN(t *testing.T) {
	for _, tt := range []struct{ n, packets, want uint64 }{
		{1, 100, 100}, {10, 100, 10}, {10, 101, 11}, {7, 1000, 143}, {1000, 999, 1}, {0, 5, 5},
	} {
		s := NewSampler(tt.n)
		var kept uint64
		for i := range tt.packets {
			if s.Keep() {
				kept++
				if tt.n > 1 && i%tt.n != 0 {
					t.Fatalf("1:%d kept packet %d", tt.n, i)
				}
			}
		}
		if kept != tt.want {
			t.Errorf("1:%d of %d kept %d, want %d", tt.n, tt.packets, kept, tt.want)
		}
	}
}

func TestHistogramBucketsAndIntervals(t *testing.T) {
	h := NewHistogram(100, 4, 1000, 0)
	// gaps: 50 (b0), 150 (b1), 250 (b2), 1000 (beyond b3: overflow), 399 (b3)
	times := []uint64{10, 60, 210, 460, 1460, 1859}
	var total [4]uint64
	var out report.Histogram
	var packets, overflow uint64
	for i, ts := range times {
		h.Add(ts)
		if i == 2 { // emit mid-stream: gaps keep counting across intervals
			h.Emit(500, &out)
			if out.Interval != 500 || out.Packets != 3 || out.StartTime != 0 {
				t.Fatalf("first interval %+v", out)
			}
			packets += out.Packets
			overflow += out.Overflow
			for b := range out.Buckets {
				total[b] += out.Buckets[b]
			}
		}
	}
	if !h.Due(1500) || h.Due(1499) {
		t.Error("Due wrong around start+interval")
	}
	h.Emit(2000, &out)
	packets += out.Packets
	overflow += out.Overflow
	for b := range out.Buckets {
		total[b] += out.Buckets[b]
	}
	if want := [4]uint64{1, 1, 1, 1}; total != want || packets != 6 || overflow != 1 {
		t.Errorf("buckets %v packets %d overflow %d, want %v 6 1", total, packets, overflow, want)
	}
}

func TestServiceFunctionsDoNotAllocate(t *testing.T) {
	s := NewSampler(10)
	h := NewHistogram(100, 64, 1e9, 0)
	var out report.Histogram
	h.Emit(1, &out)
	var ts uint64
	allocs := testing.AllocsPerRun(1000, func() {
		ts += 77
		s.Keep()
		h.Add(ts)
		if ts%7700 == 0 {
			h.Emit(ts, &out)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per packet", allocs)
	}
}

// TestFunctionsApply: each rule id gets its own function and state; ids
// without a rule are NoRule; a histogram rule that does not list this
// worker has no histogram here (its in-flight packets count as
// summarized); Apply does not allocate.
func TestFunctionsApply(t *testing.T) {
	rules := []Rule{
		{}, // id 0: no rule
		{Function: FnPassthrough, Here: true},
		{Function: FnSampling, Here: true, SamplingRate: 3},
		{Function: FnHistogram, Here: true, Resolution: 10, Buckets: 4, Interval: 1e9},
		{Function: FnDrop, Here: true},
		{Function: FnHistogram, Here: false, Resolution: 10, Buckets: 4, Interval: 1e9},
		{Function: FnPassthrough, Here: false}, // moved away by a reload: still passes
	}
	f := NewFunctions(rules, 0)
	for _, tt := range []struct {
		rule uint32
		want []Verdict
	}{
		{0, []Verdict{NoRule, NoRule}},
		{1, []Verdict{Keep, Keep, Keep}},
		{2, []Verdict{Keep, SampledOut, SampledOut, Keep, SampledOut}},
		{3, []Verdict{Summarized, Summarized}},
		{4, []Verdict{RuleDrop}},
		{5, []Verdict{Summarized}},
		{6, []Verdict{Keep}},
		{7, []Verdict{NoRule}}, // beyond the rule set
	} {
		for i, want := range tt.want {
			if got := f.Apply(tt.rule, uint64(100*(i+1))); got != want {
				t.Errorf("rule %d packet %d: %d, want %d", tt.rule, i, got, want)
			}
		}
	}
	if !f.HasHistograms() || f.Histograms()[3] == nil || f.Histograms()[3].Packets() != 2 || f.Histograms()[5] != nil {
		t.Errorf("histograms: %v", f.Histograms())
	}
	var ts uint64
	allocs := testing.AllocsPerRun(1000, func() {
		ts++
		f.Apply(uint32(ts%8), ts)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per Apply", allocs)
	}
}
