// Package bench holds `make bench` (bench.sh and its peers). This test runs
// bench.sh --smoke: every case for about a second, to prove each still
// runs and produces figures. It asserts no speed.
package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("bench smoke run (EAL, Kafka broker, veth) skipped in -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	start := time.Now()
	cmd := exec.CommandContext(ctx, "./bench.sh", "--smoke")
	cmd.Env = append(os.Environ(), "BENCH_KAFKA_PORT=19492")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bench.sh --smoke: %v\n%s", err, out)
	}
	t.Logf("bench.sh --smoke took %v\n%s", time.Since(start).Round(time.Second), out)

	f, err := os.Open(filepath.Join("..", "..", "out", "bench-smoke", "runs.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Every competitor of every case must have produced its main figure.
	want := map[string]string{
		"1/pipeline-1lc": "mpps", "1/c-1lc": "mpps", "1/pipeline-2lc": "mpps", "1/c-2lc": "mpps",
		"2/a-wire2kafka": "reports_per_s", "2/b-scionint": "reports_per_s", "2/d-producerperf": "records_per_s",
		"3/tr/append": "ns_per_report", "3/tr/proto.Marshal": "ns_per_report",
		"4/load-10pct": "latency_p50_ms", "4/load-50pct": "latency_p99_ms", "4/load-90pct": "latency_p999_ms",
		"5/soak": "mpps",
	}
	if os.Geteuid() == 0 {
		want["2/c-tcpdump-kcat"] = "reports_per_s"
	}
	got := map[string]float64{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var r struct {
			Case, Who string
			Result    map[string]any
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("runs.jsonl: %v: %s", err, sc.Bytes())
		}
		k := r.Case + "/" + r.Who
		if field, ok := want[k]; ok {
			v, _ := r.Result[field].(float64)
			got[k] = v
		}
	}
	for k, field := range want {
		if got[k] <= 0 {
			t.Errorf("%s: no positive %s in runs.jsonl", k, field)
		}
	}
	if _, err := os.Stat(filepath.Join("..", "..", "out", "bench-smoke", "results.json")); err != nil {
		t.Error(err)
	}
}
