package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"wire2kafka/config"
	"wire2kafka/kafkaout/kafkatest"
	"wire2kafka/report/intgen"
)

// editConfig rewrites the config file at path with the replacements (old,
// new pairs; each old must occur).
func editConfig(t *testing.T, path string, pairs ...string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("config lacks %q:\n%s", pairs[i], s)
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRunStartFaults: faults found at start stop the daemon with exit
// status 1 and a message naming the setting and the fix, before any packet
// is received: a missing capture, the metrics port in use, too few
// hugepages with eal.hugepages on, and a broker that does not answer. The
// time to the refusal is logged (docs/reliability.md).
func TestRunStartFaults(t *testing.T) {
	bin := binary(t)
	capture, _ := genCapture(t, intgen.Options{Format: intgen.FormatTR, Flows: 2, Packets: 50, Seed: 17})
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dead, err := net.Listen("tcp", "127.0.0.1:0") // a port nobody listens on once closed
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.Addr().String()
	dead.Close()
	for _, tt := range []struct {
		name  string
		edit  []string
		want  []string
		limit time.Duration
	}{
		{"missing capture", []string{"rx_pcap=" + capture, "rx_pcap=/nonexistent/int.pcap"},
			[]string{"ports[0] net_pcap0: rx_pcap:", "/nonexistent/int.pcap: no such file or directory"}, 15 * time.Second},
		{"metrics port in use", []string{`listen: "127.0.0.1:0"`, fmt.Sprintf("listen: %q", busy.Addr().String())},
			[]string{"metrics.listen " + busy.Addr().String(), "address already in use"}, 30 * time.Second},
		{"hugepages exhausted", []string{"memory_mb: 256", fmt.Sprintf("memory_mb: %d, hugepages: on", config.HugepagesFreeMB()+256)},
			[]string{"eal.hugepages on: eal.memory_mb is", "of hugepages are free"}, 15 * time.Second},
		{"broker unreachable", []string{kafkatest.Bootstrap(t), deadAddr},
			[]string{"no metadata", deadAddr}, 40 * time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			topic := kafkatest.TopicName(t)
			cfg := e2eConfig(t, capture, topic, "batch", false)
			editConfig(t, cfg, tt.edit...)
			start := time.Now()
			cmd := exec.Command(bin, "run", "-c", cfg, "--quiet")
			out, err := cmd.CombinedOutput()
			took := time.Since(start)
			if err == nil || cmd.ProcessState.ExitCode() != 1 {
				t.Fatalf("run: %v, want exit status 1:\n%s", err, tailLines(string(out), 20))
			}
			for _, w := range tt.want {
				if !strings.Contains(lastLine(string(out)), w) {
					t.Fatalf("last line %q lacks %q; output:\n%s", lastLine(string(out)), w, tailLines(string(out), 20))
				}
			}
			if strings.Contains(string(out), "pipeline started") {
				t.Errorf("the pipeline started before the refusal:\n%s", tailLines(string(out), 20))
			}
			if took > tt.limit {
				t.Errorf("refused after %v, want within %v", took, tt.limit)
			}
			t.Logf("refused in %v: %s", took.Round(time.Millisecond), lastLine(string(out)))
		})
	}
}
