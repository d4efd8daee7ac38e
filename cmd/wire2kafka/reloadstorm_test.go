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

// TestRunReloadStorm: 100 SIGHUPs per second for 10 s while net_pcap
// replays a capture for ever, the config file switching between two valid
// rule sets (a rule inserted before the running one and its priority
// changed, or not) and two invalid files (a bad field, broken YAML). The
// daemon keeps delivering through the storm, counts every reload it ran as
// applied or refused (wire2kafka_config_reloads_total), neither the Go heap
// live after GC nor DPDK's heap (the ACL classifiers) nor the goroutines
// grow, and after SIGTERM everything received is
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
	// 1 report in 50 to Kafka: the broker keeps up with the replay, so the
	// producer's queue stays short and RSS shows what the reloads keep.
	orig = bytes.Replace(orig, []byte("dst_port: 32766\n"), []byte("dst_port: 32766\n    service_function: sampling\n    sampling_rate: 50\n"), 1)
	if err := os.WriteFile(cfg, orig, 0o644); err != nil {
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
	time.Sleep(5 * time.Second)

	// A quiet phase, then the storm, equally long: the storm's memory
	// growth beyond the quiet phase's (buffers still warming up) is what
	// the reloads kept.
	const phase, rate = 10 * time.Second, 100
	tmp := cfg + ".next"
	sent := 0
	storm := func(signal bool) (rssGrowth int, kafkaIn uint64) {
		rss0, in0 := rssMiB(cmd.Process.Pid), kafkaWorkersIn(t, out.String())
		tick := time.NewTicker(time.Second / rate)
		defer tick.Stop()
		for start := time.Now(); time.Since(start) < phase; {
			<-tick.C
			if !signal {
				continue
			}
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
			sent++
		}
		return rssMiB(cmd.Process.Pid) - rss0, kafkaWorkersIn(t, out.String()) - in0
	}
	goroutines0 := scrapeCounter(t, metricsURL, "go_goroutines")
	heap0 := scrapeCounter(t, metricsURL, "wire2kafka_dpdk_heap_allocated_bytes")
	live0 := scrapeCounter(t, metricsURL, "go_gc_heap_live_bytes")
	quietRSS, quietIn := storm(false)
	stormRSS, stormIn := storm(true)
	time.Sleep(time.Second) // the last reload finishes
	goroutines1 := scrapeCounter(t, metricsURL, "go_goroutines")
	heap1 := scrapeCounter(t, metricsURL, "wire2kafka_dpdk_heap_allocated_bytes")
	live1 := scrapeCounter(t, metricsURL, "go_gc_heap_live_bytes")
	ok := scrapeCounter(t, metricsURL, "wire2kafka_config_reloads_total", "result", "success")
	ko := scrapeCounter(t, metricsURL, "wire2kafka_config_reloads_total", "result", "failure")
	t.Logf("%d SIGHUPs in %v: %v reloads applied, %v refused (signals that arrive during a reload coalesce); Kafka workers took %d packets in the storm, %d in the quiet phase before it; RSS grew %d MiB in the storm, %d MiB in the quiet phase; goroutines %v before, %v after; DPDK heap allocated %v bytes before, %v after; Go heap live after GC %.1f MiB before, %.1f MiB after",
		sent, phase, ok, ko, stormIn, quietIn, stormRSS, quietRSS, goroutines0, goroutines1, heap0, heap1, live0/(1<<20), live1/(1<<20))
	if ok < 50 || ko < 50 {
		t.Errorf("only %v reloads applied and %v refused of %d SIGHUPs", ok, ko, sent)
	}
	if stormIn == 0 {
		t.Errorf("the Kafka workers took no packet during the storm")
	}
	// RSS carries garbage the GC has not collected yet (each reload parses
	// a config); what the Go heap keeps alive after a GC is the leak test.
	if live1 > live0+8<<20 {
		t.Errorf("Go heap live after GC: %.1f MiB after the storm, %.1f MiB before: the reloads leak", live1/(1<<20), live0/(1<<20))
	}
	// Each applied reload builds new ACL classifiers in DPDK's heap and
	// frees the old ones once every lcore has passed: the heap ends where
	// it began, give or take the size of one rule set's classifiers.
	if heap1 > heap0+1<<20 {
		t.Errorf("DPDK heap: %v bytes allocated after the storm, %v before: the reloads leak classifiers", heap1, heap0)
	}
	if goroutines1 > goroutines0+2 {
		t.Errorf("%v goroutines after the storm, %v before: the reloads leak goroutines", goroutines1, goroutines0)
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
