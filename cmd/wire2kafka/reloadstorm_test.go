package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"wire2kafka/kafkaout/kafkatest"
	"wire2kafka/report/intgen"
)

// TestRunReloadStorm: 100 SIGHUPs per second for 20 s while net_pcap
// replays a capture for ever, the config file switching between two valid
// rule sets (a rule inserted before the running one and its priority
// changed, or not) and two invalid files (a bad field, broken YAML). The
// daemon keeps delivering through the storm, counts every reload it ran as
// applied or refused (wire2kafka_config_reloads_total), its memory does not
// grow with the reloads, and after SIGTERM everything received is
// accounted for and everything submitted is delivered.
func TestRunReloadStorm(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the reload storm takes about 30 s")
	}
	bin := binary(t)
	capture, _ := genCapture(t, intgen.Options{Format: intgen.FormatTR, Flows: 8, Packets: 500, Seed: 23, Micro: true})
	topic := kafkatest.TopicName(t)
	cfg := e2eConfig(t, capture, topic, "batch", true)
	orig, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	variants := [][]byte{
		orig,
		bytes.Replace(orig, []byte("rules:\n  - name: reports\n    protocol: udp\n    dst_port: 32766\n"),
			[]byte("rules:\n  - {name: discard9, protocol: udp, dst_port: 9, service_function: drop}\n  - name: reports\n    protocol: udp\n    dst_port: 32766\n    priority: 7\n"), 1),
		bytes.Replace(orig, []byte("dst_port: 32766"), []byte("dst_port: 32766\n    service_function: teleport"), 1),
		bytes.Replace(orig, []byte("dst_port: 32766"), []byte("dst_port: [32766"), 1),
	}
	if bytes.Equal(variants[1], orig) {
		t.Fatal("the test's rule insertion did not apply to e2eConfig's rules")
	}
	cmd := exec.Command(bin, "run", "-c", cfg, "--quiet")
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); kafkatest.DeleteTopic(t, topic) })
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(out.String(), "pipeline started") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	metricsURL := metricsURLOf(t, out)
	time.Sleep(2 * time.Second)
	rss0 := rssMiB(cmd.Process.Pid)
	in0 := kafkaWorkersIn(t, out.String())

	const storm, rate = 20 * time.Second, 100
	tmp := cfg + ".next"
	tick := time.NewTicker(time.Second / rate)
	sent, sentMid := 0, 0
	var rssMid int
	for start := time.Now(); time.Since(start) < storm; sent++ {
		<-tick.C
		// Replace the file atomically, as an editor or config manager
		// would: a reload never reads half a file.
		if err := os.WriteFile(tmp, variants[sent%len(variants)], 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, cfg); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
			t.Fatalf("SIGHUP %d: %v (the daemon died?)\n%s", sent, err, tailLines(out.String(), 40))
		}
		if rssMid == 0 && time.Since(start) >= storm/2 {
			rssMid, sentMid = rssMiB(cmd.Process.Pid), sent
		}
	}
	tick.Stop()
	rss1 := rssMiB(cmd.Process.Pid)
	in1 := kafkaWorkersIn(t, out.String())
	ok := scrapeCounter(t, metricsURL, `wire2kafka_config_reloads_total{result="success"}`)
	ko := scrapeCounter(t, metricsURL, `wire2kafka_config_reloads_total{result="failure"}`)
	t.Logf("%d SIGHUPs in %v: %v reloads applied, %v refused (signals that arrive during a reload coalesce); Kafka workers took %d packets during the storm; RSS %d MiB before, %d MiB halfway, %d MiB after",
		sent, storm, ok, ko, in1-in0, rss0, rssMid, rss1)
	if ok < 50 || ko < 50 {
		t.Errorf("only %v reloads applied and %v refused of %d SIGHUPs", ok, ko, sent)
	}
	if in1 <= in0 {
		t.Errorf("the Kafka workers took no packet during the storm")
	}
	// The second half of the storm runs as many reloads as the first: a
	// leak per reload would show there.
	if rss1-rssMid > 16 {
		t.Errorf("RSS grew by %d MiB over the second half of the storm (%d SIGHUPs): a leak", rss1-rssMid, sent-sentMid)
	}
	if err := os.WriteFile(cfg, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("run after SIGTERM: %v\n%s", err, tailLines(out.String(), 60))
	}
	_, reports, received := checkRunOutput(t, out.String())
	t.Logf("%d packets received, %d reports delivered, every worker balanced", received, reports)
}
