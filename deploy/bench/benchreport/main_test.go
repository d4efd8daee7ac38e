package main

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestStat(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want Stat
	}{
		{[]float64{3, 1, 2}, Stat{Median: 2, Min: 1, Max: 3, N: 3}},
		{[]float64{4, 1, 2, 3}, Stat{Median: 2.5, Min: 1, Max: 4, N: 4}},
		{nil, Stat{}},
	} {
		if got := stat(c.in); got != c.want {
			t.Errorf("stat(%v) = %+v, want %+v", c.in, got, c.want)
		}
	}
}

// Ratios pair the competitors round by round and compare with the target.
func TestSummariseRatios(t *testing.T) {
	runs := []run{
		{Case: "1", Who: "pipeline-1lc", Round: 1, Result: map[string]any{"mpps": 8.0}},
		{Case: "1", Who: "c-1lc", Round: 1, Result: map[string]any{"mpps": 10.0}},
		{Case: "1", Who: "pipeline-1lc", Round: 2, Result: map[string]any{"mpps": 3.0}},
		{Case: "1", Who: "c-1lc", Round: 2, Result: map[string]any{"mpps": 6.0}},
		{Case: "1", Who: "pipeline-1lc", Round: 3, Result: map[string]any{"mpps": 6.0}},
		{Case: "1", Who: "c-1lc", Round: 3, Result: map[string]any{"mpps": 10.0}},
	}
	res := summarise(runs)
	if s := res.Figures["1/pipeline-1lc"]["mpps"]; s.Median != 6 || s.Min != 3 || s.Max != 8 {
		t.Errorf("pipeline figures %+v", s)
	}
	if len(res.Ratios) != 1 {
		t.Fatalf("ratios %+v, want one", res.Ratios)
	}
	r := res.Ratios[0]
	if r.Stat.Median != 0.6 || r.Stat.Min != 0.5 || r.Stat.Max != 0.8 || r.Met == nil || *r.Met {
		t.Errorf("ratio %+v (met %v), want median 0.6 (0.5-0.8), missed", r.Stat, r.Met)
	}
}

// Case 4 rows give a latency-vs-load chart: one point per load for each
// percentile, drawn from the median of the rounds.
func TestLatencyChart(t *testing.T) {
	var runs []run
	for r := 1; r <= 3; r++ {
		for i, pct := range []string{"10", "50", "90"} {
			runs = append(runs, run{Case: "4", Who: "load-" + pct + "pct", Round: r, Result: map[string]any{
				"latency_p50_ms": float64(5 + i), "latency_p99_ms": float64(8 + i + r), "latency_p999_ms": float64(20 + 10*i)}})
		}
	}
	res := summarise(runs)
	if s := res.Figures["4/load-90pct"]["latency_p99_ms"]; s.Median != 12 || s.Min != 11 || s.Max != 13 {
		t.Errorf("p99 at 90%%: %+v, want median 12 (11-13)", s)
	}
	dir := t.TempDir()
	names, err := writeCharts(dir, res)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || names[0] != "bench-case4-latency.png" {
		t.Fatalf("charts %v, want the latency chart only", names)
	}
	f, err := os.Open(filepath.Join(dir, names[0]))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < 400 || b.Dy() < 200 {
		t.Errorf("chart is %v", b)
	}
}
