// Command benchreport turns the runs of deploy/bench/bench.sh (one JSON
// object per line: case, who, round, result) into the bench's table: median
// and spread (min-max) of every figure per competitor, per-round ratios with
// their targets, out/bench/results.json, the PNG charts and, with -docs,
// docs/benchmarks.md.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// run is one line of runs.jsonl.
type run struct {
	Case   string         `json:"case"`
	Who    string         `json:"who"`
	Round  int            `json:"round"`
	Result map[string]any `json:"result"`
}

// Stat is the median and spread of one figure over the rounds.
type Stat struct {
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	N      int     `json:"n"`
}

// Ratio is a headline ratio, computed per round and summarised.
type Ratio struct {
	Name   string  `json:"name"`
	Stat   Stat    `json:"stat"`
	Target float64 `json:"target,omitempty"`
	Met    *bool   `json:"met,omitempty"`
}

// Goal is an absolute target for one figure, with its verdict.
type Goal struct {
	Name   string  `json:"name"`
	Stat   Stat    `json:"stat"`
	Target float64 `json:"target"`
	AtMost bool    `json:"at_most"` // the figure must not exceed Target (else it must reach it)
	Met    bool    `json:"met"`
}

// Results is out/bench/results.json.
type Results struct {
	Machine  map[string]string          `json:"machine"`
	Settings map[string]any             `json:"settings"`
	Figures  map[string]map[string]Stat `json:"figures"` // "case/who" -> field -> stat
	Ratios   []Ratio                    `json:"ratios"`
	Goals    []Goal                     `json:"goals"`
	Soak     map[string]any             `json:"soak,omitempty"`
	Runs     []run                      `json:"runs"`
}

func main() {
	runsPath := flag.String("runs", "out/bench/runs.jsonl", "runs of bench.sh")
	out := flag.String("out", "out/bench", "output directory (results.json, charts)")
	docs := flag.String("docs", "", "also write DIR/benchmarks.md and DIR/bench-*.png")
	pprofPath := flag.String("pprof", "", "pprof -top output of the pipeline, for the doc")
	kafkaPath := flag.String("kafka", "", "JSON with the Kafka version")
	kafkaPprof := flag.String("kafka-pprof", "", "pprof -top -cum output of case 2a, for the doc")
	seconds := flag.Float64("seconds", 0, "measured seconds per run")
	rounds := flag.Int("rounds", 0, "rounds")
	soak := flag.Float64("soak", 0, "seconds of the case 5 run")
	model := flag.String("model", "deploy/config/server-16core.yaml", "config of the 16-core model")
	flag.Parse()
	runs, err := readRuns(*runsPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
	res := summarise(runs)
	res.Machine = machine(*kafkaPath)
	res.Settings = map[string]any{"seconds": *seconds, "rounds": *rounds, "soak_seconds": *soak}
	table(os.Stdout, res)
	if err := writeJSON(filepath.Join(*out, "results.json"), res); err != nil {
		fail(err)
	}
	chartDir := *out
	if *docs != "" {
		chartDir = *docs
	}
	charts, err := writeCharts(chartDir, res)
	if err != nil {
		fail(err)
	}
	if *docs != "" {
		prof, _ := os.ReadFile(*pprofPath)
		kprof, _ := os.ReadFile(*kafkaPprof)
		if err := writeDoc(filepath.Join(*docs, "benchmarks.md"), res, charts, string(prof), *pprofPath, string(kprof), *model); err != nil {
			fail(err)
		}
		fmt.Printf("\nwrote %s, %s and %d charts\n", filepath.Join(*out, "results.json"), filepath.Join(*docs, "benchmarks.md"), len(charts))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchreport:", err)
	os.Exit(1)
}

func readRuns(path string) ([]run, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var runs []run
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var r run
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		runs = append(runs, r)
	}
	return runs, sc.Err()
}

func stat(v []float64) Stat {
	if len(v) == 0 {
		return Stat{}
	}
	s := slices.Clone(v)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Stat{Median: m, Min: s[0], Max: s[len(s)-1], N: len(s)}
}

func num(m map[string]any, k string) (float64, bool) {
	v, ok := m[k].(float64)
	return v, ok
}

func summarise(runs []run) *Results {
	res := &Results{Figures: map[string]map[string]Stat{}, Runs: runs}
	vals := map[string]map[string][]float64{}
	for _, r := range runs {
		addRSSFigures(r.Result)
		key := r.Case + "/" + r.Who
		if vals[key] == nil {
			vals[key] = map[string][]float64{}
		}
		for k, v := range r.Result {
			if f, ok := v.(float64); ok {
				vals[key][k] = append(vals[key][k], f)
			}
		}
		if r.Case == "5" && r.Who == "soak" {
			res.Soak = r.Result
		}
	}
	for key, fields := range vals {
		res.Figures[key] = map[string]Stat{}
		for k, v := range fields {
			res.Figures[key][k] = stat(v)
		}
	}
	ratio := func(name, c, a, b, field string, target float64, bField ...string) {
		fb := field
		if len(bField) > 0 {
			fb = bField[0]
		}
		var rs []float64
		for _, ra := range runs {
			if ra.Case != c || ra.Who != a {
				continue
			}
			for _, rb := range runs {
				if rb.Case == c && rb.Who == b && rb.Round == ra.Round {
					x, ok1 := num(ra.Result, field)
					y, ok2 := num(rb.Result, fb)
					if ok1 && ok2 && y > 0 {
						rs = append(rs, x/y)
					}
				}
			}
		}
		if len(rs) == 0 {
			return
		}
		r := Ratio{Name: name, Stat: stat(rs), Target: target}
		if target > 0 {
			met := r.Stat.Median >= target
			r.Met = &met
		}
		res.Ratios = append(res.Ratios, r)
	}
	ratio("pipeline / C rx+free, 1 lcore (Mpps)", "1", "pipeline-1lc", "c-1lc", "mpps", 0.7)
	ratio("pipeline / C rx->ring->free, 2 lcores (Mpps)", "1", "pipeline-2lc", "c-2lc", "mpps", 0.7)
	ratio("pipeline / C, 1 lcore (C CPU-ns/pkt / pipeline CPU-ns/pkt)", "1", "c-1lc", "pipeline-1lc", "cpu_ns_per_packet", 0.7)
	ratio("pipeline 2 lcores / 1 lcore (Mpps)", "1", "pipeline-2lc", "pipeline-1lc", "mpps", 0)
	ratio("one rule over 2 workers (N:M): 2 lcores / 1 lcore (Mpps)", "1", "nm-2lc", "nm-1lc", "mpps", 1.7)
	ratio("testpmd rxonly / pipeline, 1 lcore (Mpps): the machine's yardstick", "1", "testpmd-rxonly", "pipeline-1lc", "mpps", 0)
	ratio("a. wire2kafka / b. SCION-INT way (reports/s)", "2", "a-wire2kafka", "b-scionint", "reports_per_s", 20)
	ratio("a. wire2kafka / c. tcpdump|kcat (reports/s)", "2", "a-wire2kafka", "c-tcpdump-kcat", "reports_per_s", 0)
	ratio("a. wire2kafka / d. ProducerPerformance (MB/s)", "2", "a-wire2kafka", "d-producerperf", "mb_per_s", 0.8)
	ratio("proto.Marshal / appender, TR (ns/report)", "3", "tr/proto.Marshal", "tr/append", "ns_per_report", 0)
	ratio("proto.Marshal / appender, ID-INT (ns/report)", "3", "idint/proto.Marshal", "idint/append", "ns_per_report", 0)
	ratio("stack stored in hops / transcoded from the frame, TR decode + encode (ns/report)", "3", "tr/eager", "tr/decode+append", "ns_per_report", 0)
	goal := func(name, key, field string, target float64, atMost bool) {
		st, ok := res.Figures[key][field]
		if !ok {
			return
		}
		met := st.Median >= target
		if atMost {
			met = st.Median <= target
		}
		res.Goals = append(res.Goals, Goal{Name: name, Stat: st, Target: target, AtMost: atMost, Met: met})
	}
	goal("case 1: Mpps, 1 lcore, full decode + batching, discard sink (2x ESnet per core)", "1/pipeline-1lc", "mpps", 4, false)
	goal("case 3: decode + encode, ns per TR report (1+3 hops)", "3/tr/decode+append", "ns_per_report", 120, true)
	goal("case 3: decode + encode, ns per ID-INT report (3 hops)", "3/idint/decode+append", "ns_per_report", 120, true)
	goal("case 3: decode + encode, allocations per report (TR)", "3/tr/decode+append", "allocs_per_report", 0, true)
	goal("case 5: RSS growth over the last third of the run (MiB)", "5/soak", "rss_growth_last_third_mb", 5, true)
	goal("case 5: allocations on the lcores (separate run, every allocation recorded)", "5/soak-allocs", "lcore_allocs", 0, true)
	goal("case 7: allocations on the lcores under 1 M new flows", "7/churn", "lcore_allocs", 0, true)
	goal("case 7: RSS growth over the second half of the churn (MiB)", "7/churn", "rss_growth_second_half_mb", 5, true)
	return res
}

// addRSSFigures adds to a result with an RSS series (rss_mb, MiB every
// second) its first and last value and its growth over the last third and
// the second half of the series.
func addRSSFigures(r map[string]any) {
	rss, ok := r["rss_mb"].([]any)
	if !ok || len(rss) < 3 {
		return
	}
	f := func(i int) float64 { v, _ := rss[i].(float64); return v }
	n := len(rss)
	r["rss_first_mb"], r["rss_last_mb"] = f(0), f(n-1)
	r["rss_growth_last_third_mb"] = f(n-1) - f(2*n/3)
	r["rss_growth_second_half_mb"] = f(n-1) - f(n/2)
	peak := 0.0
	for i := range rss {
		peak = max(peak, f(i))
	}
	r["rss_max_mb"] = peak
}

// row is one line of the table: who and the figures shown.
type col struct{ field, head, format string }

var tableCols = map[string][]col{
	"1": {{"mpps", "Mpps", "%.3f"}, {"ns_per_packet", "lcore-ns/pkt", "%.0f"}, {"cpu_ns_per_packet", "CPU-ns/pkt", "%.0f"},
		{"allocs_per_packet", "allocs/pkt", "%.4f"}, {"rx_max_gap_ms", "max RX gap ms", "%.1f"}},
	"2": {{"reports_per_s", "reports/s", "%.0f"}, {"mb_per_s", "MB/s", "%.1f"}, {"cpu_s_per_mreports", "CPU s/M reports", "%.2f"}},
	"3": {{"ns_per_report", "ns/report", "%.0f"}, {"allocs_per_report", "allocs/report", "%.0f"}, {"bytes_per_report", "B/report", "%.0f"}},
	"4": {{"offered_per_s", "offered pkts/s", "%.0f"}, {"reports_per_s", "delivered reports/s", "%.0f"},
		{"latency_p50_ms", "p50 ms", "%.2f"}, {"latency_p99_ms", "p99 ms", "%.2f"}, {"latency_p999_ms", "p99.9 ms", "%.2f"},
		{"latency_messages", "messages", "%.0f"}},
	"5": {{"offered_per_s", "offered pkts/s", "%.0f"}, {"allocs_per_packet", "allocs/pkt", "%.4f"}, {"gc_count", "GCs", "%.0f"},
		{"gc_pause_max_us", "max GC pause us", "%.0f"}, {"rx_max_gap_ms", "max RX gap ms", "%.1f"},
		{"rss_first_mb", "RSS first MiB", "%.0f"}, {"rss_last_mb", "RSS last MiB", "%.0f"}, {"rss_growth_last_third_mb", "RSS +last third MiB", "%.1f"},
		{"lcore_allocs", "lcore allocs", "%.0f"}},
	"7": {{"rx_packets", "packets (= flows)", "%.0f"}, {"drops", "drops", "%.0f"}, {"key_states_evicted", "key states evicted", "%.0f"},
		{"messages", "messages", "%.0f"}, {"rss_first_mb", "RSS first MiB", "%.0f"}, {"rss_max_mb", "RSS max MiB", "%.0f"},
		{"rss_growth_second_half_mb", "RSS +2nd half MiB", "%.1f"}, {"heap_inuse_mb", "Go heap in use MiB", "%.1f"}, {"lcore_allocs", "lcore allocs", "%.0f"}},
}

var caseTitles = map[string]string{
	"1": "case 1: pipeline vs bare C loop (net_pcap infinite_rx, discard sink)",
	"2": "case 2: into one local Kafka broker (delivered = acknowledged / held by the broker)",
	"3": "case 3: encoding one decoded Telemetry Report / ID-INT report",
	"4": "case 4: wire (RX) to delivery report latency, per message (its oldest report), vs offered load",
	"5": "case 5: cost over time (one long run into Kafka at 50% of case 2a's rate, 1 lcore)",
	"7": "case 7: flow churn (distinct flows once each, 1 lcore, discard sink; key states 65536 per Kafka worker)",
}

func keysOf(res *Results, c string) []string {
	var ks []string
	for k := range res.Figures {
		if strings.HasPrefix(k, c+"/") {
			ks = append(ks, k)
		}
	}
	sort.Strings(ks)
	return ks
}

func fmtStat(s Stat, format string) string {
	if s.N == 0 {
		return "-"
	}
	if s.N == 1 || s.Min == s.Max {
		return fmt.Sprintf(format, s.Median)
	}
	return fmt.Sprintf(format+" ("+format+"-"+format+")", s.Median, s.Min, s.Max)
}

// table prints the bench's one table.
func table(w io.Writer, res *Results) {
	for _, c := range []string{"1", "2", "3", "4", "5", "7"} {
		ks := keysOf(res, c)
		if len(ks) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s\n", caseTitles[c])
		fmt.Fprintf(w, "  %-22s", "who")
		for _, cl := range tableCols[c] {
			fmt.Fprintf(w, " %-26s", cl.head)
		}
		fmt.Fprintln(w)
		for _, k := range ks {
			fmt.Fprintf(w, "  %-22s", strings.TrimPrefix(k, c+"/"))
			for _, cl := range tableCols[c] {
				fmt.Fprintf(w, " %-26s", fmtStat(res.Figures[k][cl.field], cl.format))
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintf(w, "\nratios (per round, median (min-max)):\n")
	for _, r := range res.Ratios {
		fmt.Fprintf(w, "  %-50s %s%s\n", r.Name, fmtStat(r.Stat, "%.3g"), verdict(r))
	}
	if len(res.Goals) > 0 {
		fmt.Fprintf(w, "\ntargets (median (min-max)):\n")
		for _, g := range res.Goals {
			fmt.Fprintf(w, "  %-76s %-24s %s\n", g.Name, fmtStat(g.Stat, "%.4g"), goalVerdict(g))
		}
	}
}

// goalVerdict says a Goal's target and whether the median met it.
func goalVerdict(g Goal) string {
	op := ">="
	if g.AtMost {
		op = "<="
	}
	if g.Met {
		return fmt.Sprintf("target %s %g: met", op, g.Target)
	}
	return fmt.Sprintf("target %s %g: MISSED", op, g.Target)
}

func verdict(r Ratio) string {
	if r.Met == nil {
		return ""
	}
	if *r.Met {
		return fmt.Sprintf("   target >= %g: met", r.Target)
	}
	return fmt.Sprintf("   target >= %g: MISSED", r.Target)
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// writeCharts draws the throughput charts and the RSS series; it returns
// the file names written.
func writeCharts(dir string, res *Results) ([]string, error) {
	var names []string
	mk := func(name, title, unit, c, field string, order []string) error {
		var bars []bar
		for _, who := range order {
			s, ok := res.Figures[c+"/"+who][field]
			if !ok {
				continue
			}
			bars = append(bars, bar{label: who, med: s.Median, min: s.Min, max: s.Max,
				highlight: strings.Contains(who, "pipeline") || strings.Contains(who, "wire2kafka") || strings.HasSuffix(who, "append")})
		}
		if len(bars) == 0 {
			return nil
		}
		names = append(names, name)
		return barChart(filepath.Join(dir, name), title, unit, bars)
	}
	if err := mk("bench-case1-mpps.png", "case 1: Mpps, pipeline vs bare C", "Mpps", "1", "mpps",
		[]string{"pipeline-1lc", "c-1lc", "pipeline-2lc", "c-2lc"}); err != nil {
		return nil, err
	}
	if err := mk("bench-case2-reports.png", "case 2: reports/s delivered to Kafka", "rep/s", "2", "reports_per_s",
		[]string{"a-wire2kafka", "b-scionint", "c-tcpdump-kcat", "d-producerperf"}); err != nil {
		return nil, err
	}
	if err := mk("bench-case3-encode.png", "case 3: ns per report (lower is better)", "ns", "3", "ns_per_report",
		[]string{"tr/append", "tr/proto.Marshal", "idint/append", "idint/proto.Marshal"}); err != nil {
		return nil, err
	}
	var xs []string
	lat := map[string][]float64{}
	for _, pct := range []string{"10", "50", "90"} {
		f, ok := res.Figures["4/load-"+pct+"pct"]
		if !ok {
			continue
		}
		xs = append(xs, pct+"%")
		for _, q := range []string{"p50", "p99", "p999"} {
			lat[q] = append(lat[q], f["latency_"+q+"_ms"].Median)
		}
	}
	if len(xs) > 0 {
		names = append(names, "bench-case4-latency.png")
		if err := seriesChart(filepath.Join(dir, "bench-case4-latency.png"), "case 4: latency vs load (log scale)",
			"ms", "load: share of case 2a's rate; median of rounds", xs, []string{"p50", "p99", "p999"}, lat); err != nil {
			return nil, err
		}
	}
	if rss, ok := res.Soak["rss_mb"].([]any); ok && len(rss) > 0 {
		var ys []float64
		for _, v := range rss {
			if f, ok := v.(float64); ok {
				ys = append(ys, f)
			}
		}
		names = append(names, "bench-case5-rss.png")
		if err := lineChart(filepath.Join(dir, "bench-case5-rss.png"), "case 5: RSS of the pipeline process, every second", "MIB", ys); err != nil {
			return nil, err
		}
	}
	return names, nil
}
