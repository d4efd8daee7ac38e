package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"wire2kafka/report/intdecode"

	"wire2kafka/config"
	"wire2kafka/kafkaout/kafkatest"
	"wire2kafka/report/intgen"
	"wire2kafka/report/pcap"
)

// The end-to-end tests run the real binary: capture -> `wire2kafka run` on
// DPDK net_pcap -> real Kafka -> `wire2kafka consume --verify`.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binary builds the wire2kafka binary once per test binary.
func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wire2kafka-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "wire2kafka")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// e2eConfig writes a config reading capture (optionally replayed for
// ever) into topic with the given output mode.
func e2eConfig(t *testing.T, capture, topic, output string, infinite bool) string {
	t.Helper()
	return e2eConfigProducer(t, capture, topic, output, infinite, map[string]string{"bootstrap.servers": kafkatest.Bootstrap(t)})
}

// e2eConfigProducer is e2eConfig with the given kafka.producer settings.
func e2eConfigProducer(t *testing.T, capture, topic, output string, infinite bool, producer map[string]string) string {
	t.Helper()
	keys := make([]string, 0, len(producer))
	for k := range producer {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var prod []string
	for _, k := range keys {
		prod = append(prod, fmt.Sprintf("%q: %q", k, producer[k]))
	}
	devargs := "rx_pcap=" + capture
	if infinite {
		devargs += ",infinite_rx=1"
	}
	y := fmt.Sprintf(`eal: {lcores: "0-1", memory_mb: 256, file_prefix: %q}
ports: [{name: net_pcap0, devargs: %q}]
mempool: {mbufs: 4095, cache: 64}
idle: {policy: sleep, sleep_us: 50}
kafka:
  queue: {messages: 2048, policy: block, block_timeout: 10s}
  batch: {max_reports: 100, linger: 5ms}
  create_topics: {enabled: true, partitions: 3}
  flush_timeout: 30s
  producer: {%s}
metrics: {listen: "127.0.0.1:0", table_interval: 0s}
pipelines:
  - name: p0
    rx: [{port: net_pcap0, lcore: 1}]
    acl_workers: [{lcore: 1}]
    flow_workers: [{lcore: 1}]
    kafka_workers: [{lcore: 1}]
rules:
  - name: reports
    protocol: udp
    dst_port: 32766
    kafka_topic: %q
    output: %s
`, "w2k-e2e-"+strconv.Itoa(os.Getpid()), devargs, strings.Join(prod, ", "), topic, output)
	path := filepath.Join(t.TempDir(), "e2e.yaml")
	if err := os.WriteFile(path, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func genCapture(t *testing.T, opts intgen.Options) (capture, truth string) {
	t.Helper()
	dir := t.TempDir()
	capture, truth = filepath.Join(dir, "int.pcap"), filepath.Join(dir, "int.truth.jsonl")
	cf, err := os.Create(capture)
	if err != nil {
		t.Fatal(err)
	}
	tf, err := os.Create(truth)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := intgen.Generate(opts, cf, tf); err != nil {
		t.Fatal(err)
	}
	cf.Close()
	tf.Close()
	return capture, truth
}

var (
	deliveredRE = regexp.MustCompile(`\[kafka-conn\] submitted (\d+) messages \((\d+) reports\): delivered (\d+) \((\d+) reports, \d+ bytes\), failed (\d+)`)
	accountRE   = regexp.MustCompile(`accounting: (\d+) (?:\(\+ \d+ copies of groups split by flow\) )?received = (\d+) into Kafka messages \+ (\d+) dropped .* \+ 0 queued; every worker balances`)
)

// checkRunOutput checks the final lines of `wire2kafka run`: every message
// delivered, none failed, every worker balanced. It returns the number of
// messages and reports delivered and packets received.
func checkRunOutput(t *testing.T, out string) (messages, reports, received int) {
	t.Helper()
	d := deliveredRE.FindStringSubmatch(out)
	a := accountRE.FindStringSubmatch(out)
	if d == nil || a == nil {
		t.Fatalf("run output lacks the delivery or a balanced accounting line:\n%s", out)
	}
	if d[1] != d[3] || d[2] != d[4] || d[5] != "0" {
		t.Fatalf("not everything submitted was delivered: %s\ndaemon log (last 60 lines):\n%s", d[0], tailLines(out, 60))
	}
	messages, _ = strconv.Atoi(d[3])
	reports, _ = strconv.Atoi(d[4])
	received, _ = strconv.Atoi(a[1])
	return messages, reports, received
}

// TestRunIntoKafka: every report of a generated capture arrives in Kafka
// exactly once, equal to the truth, in per-flow order, in batch and single
// mode; raw mode carries every packet; kcat sees the same messages.
func TestRunIntoKafka(t *testing.T) {
	bin := binary(t)
	bootstrap := kafkatest.Bootstrap(t)
	capture, truth := genCapture(t, intgen.Options{Format: intgen.FormatTR, Flows: 8, Packets: 4000, Malformed: 0.01, Seed: 11, Micro: true})
	// Raw mode carries packets as they are, but only those the ACL can
	// classify: its capture has no malformed packets.
	rawCapture, _ := genCapture(t, intgen.Options{Format: intgen.FormatTR, Flows: 8, Packets: 4000, Seed: 13, Micro: true})
	for _, output := range []string{"batch", "single", "raw"} {
		t.Run(output, func(t *testing.T) {
			capture := capture
			if output == "raw" {
				capture = rawCapture
			}
			topic := kafkatest.TopicName(t)
			cfg := e2eConfig(t, capture, topic, output, false)
			out, err := exec.Command(bin, "run", "-c", cfg, "--exit-when-idle", "1s", "--quiet").CombinedOutput()
			if err != nil {
				t.Fatalf("run: %v\n%s", err, out)
			}
			t.Cleanup(func() { kafkatest.DeleteTopic(t, topic) })
			messages, reports, received := checkRunOutput(t, string(out))
			if received != 4000 {
				t.Errorf("received %d packets, capture has 4000", received)
			}
			if output == "raw" {
				if reports != 4000 {
					t.Errorf("raw: %d packets delivered, want 4000", reports)
				}
				got := filepath.Join(t.TempDir(), "out.pcap")
				if out, err := exec.Command(bin, "consume", "-b", bootstrap, "-t", topic, "-e", "--pcap", got, "--format", "none").CombinedOutput(); err != nil {
					t.Fatalf("consume --pcap: %v\n%s", err, out)
				}
				comparePcaps(t, capture, got)
				return
			}
			verify, err := exec.Command(bin, "consume", "-b", bootstrap, "-t", topic, "-e", "--verify", truth).CombinedOutput()
			if err != nil {
				t.Fatalf("consume --verify: %v\n%s", err, verify)
			}
			kcat, err := exec.Command("kcat", "-b", bootstrap, "-C", "-t", topic, "-e", "-q", "-f", "%p/%o\n").Output()
			if err != nil {
				t.Fatalf("kcat: %v", err)
			}
			if n := bytes.Count(kcat, []byte("\n")); n != messages {
				t.Errorf("kcat read %d messages, wire2kafka delivered %d", n, messages)
			}
			if output == "single" && messages != reports {
				t.Errorf("single mode: %d messages for %d reports", messages, reports)
			}
		})
	}
}

// comparePcaps checks that two captures hold the same packets in the same
// order with the same timestamps.
func comparePcaps(t *testing.T, want, got string) {
	t.Helper()
	read := func(path string) (ts []uint64, data [][]byte) {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r, err := pcap.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		for {
			tsn, d, _, err := r.Next()
			if err != nil {
				return ts, data
			}
			ts, data = append(ts, tsn), append(data, append([]byte(nil), d...))
		}
	}
	wt, wd := read(want)
	gt, gd := read(got)
	if len(wd) != len(gd) {
		t.Fatalf("pcap from Kafka has %d packets, capture %d", len(gd), len(wd))
	}
	for i := range wd {
		if !bytes.Equal(wd[i], gd[i]) || wt[i] != gt[i] {
			t.Fatalf("packet %d differs (time %d vs %d)", i, gt[i], wt[i])
		}
	}
}

// TestRunSIGTERMUnderLoad: SIGHUP reloads (or refuses) rules while
// net_pcap replays a capture for ever, then SIGTERM: the daemon drains,
// everything received is accounted for and everything submitted is
// delivered before it exits 0.
func TestRunSIGTERMUnderLoad(t *testing.T) {
	bin := binary(t)
	capture, _ := genCapture(t, intgen.Options{Format: intgen.FormatTR, Flows: 8, Packets: 500, Seed: 12, Micro: true})
	topic := kafkatest.TopicName(t)
	cfg := e2eConfig(t, capture, topic, "batch", true)
	cmd := exec.Command(bin, "run", "-c", cfg, "--quiet")
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kafkatest.DeleteTopic(t, topic) })
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(out.String(), "pipeline started") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(time.Second)
	// SIGHUP with a rule change applies it; with a change that needs a
	// restart it is refused and the running rules stay.
	orig, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// A file that does not validate (an unknown service function, a YAML
	// syntax error) is refused with its file:line and the rules stay.
	steps := []struct{ from, to, want string }{
		{"dst_port: 32766", "dst_port: 32766\n    priority: 7", "reload applied"},
		{"mbufs: 4095", "mbufs: 8191", "reload refused"},
		{"dst_port: 32766", "dst_port: 32766\n    service_function: teleport", "reload refused"},
		{"dst_port: 32766", "dst_port: [32766", "reload refused"},
	}
	kafkaIn := func() uint64 { return kafkaWorkersIn(t, out.String()) }
	for i, st := range steps {
		if err := os.WriteFile(cfg, bytes.Replace(orig, []byte(st.from), []byte(st.to), 1), 0o644); err != nil {
			t.Fatal(err)
		}
		before := strings.Count(out.String(), st.want)
		cmd.Process.Signal(syscall.SIGHUP)
		deadline := time.Now().Add(10 * time.Second)
		for strings.Count(out.String(), st.want) == before && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if strings.Count(out.String(), st.want) == before {
			t.Fatalf("SIGHUP %d after %q -> %q: no new %q in the log:\n%s", i, st.from, st.to, st.want, out.String())
		}
		// The pipeline keeps delivering after every reload, applied or not.
		n0 := kafkaIn()
		deadline = time.Now().Add(10 * time.Second)
		for kafkaIn() <= n0 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if kafkaIn() <= n0 {
			t.Fatalf("SIGHUP %d (%q): the Kafka workers took no packet in 10 s afterwards:\n%s", i, st.want, out.String())
		}
	}
	log := out.String()
	if !strings.Contains(log, "teleport") || !strings.Contains(log, cfg+":") {
		t.Errorf("the refused reloads do not name the file and the bad field:\n%s", log)
	}
	time.Sleep(time.Second)
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("run after SIGTERM: %v\n%s", err, out.String())
	}
	_, reports, received := checkRunOutput(t, out.String())
	if received == 0 || reports == 0 {
		t.Fatalf("nothing went through under load:\n%s", out.String())
	}
	t.Logf("under load: %d packets received, %d reports delivered", received, reports)
}

// kafkaWorkersIn scrapes the /metrics URL the daemon logged ("serving
// metrics") with the stats command's reader and sums what the Kafka
// workers took in.
func kafkaWorkersIn(t *testing.T, log string) uint64 {
	t.Helper()
	i := strings.Index(log, "serving metrics")
	j := strings.Index(log[max(i, 0):], "url=")
	if i < 0 || j < 0 {
		t.Fatalf("no metrics URL in the log:\n%s", log)
	}
	url := strings.Fields(log[i+j+len("url="):])[0]
	sc, err := fetchScrape(http.DefaultClient, url)
	if err != nil {
		t.Fatal(err)
	}
	var in uint64
	for _, w := range sc.workers {
		if w.Kind == config.KindKafka {
			in += w.In
		}
	}
	return in
}

// TestRunMissingTopic: with create_topics off, a topic the broker does not
// have stops `wire2kafka run` at start with an error naming the topic (not
// a stream of delivery failures), exit status non-zero.
func TestRunMissingTopic(t *testing.T) {
	bin := binary(t)
	capture, _ := genCapture(t, intgen.Options{Format: intgen.FormatTR, Flows: 2, Packets: 50, Seed: 13})
	topic := kafkatest.TopicName(t) + "-never-created"
	cfg := e2eConfig(t, capture, topic, "batch", false)
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.Replace(b, []byte("create_topics: {enabled: true, partitions: 3}"), []byte("create_topics: {enabled: false}"), 1)
	if err := os.WriteFile(cfg, b, 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	out, err := exec.Command(bin, "run", "-c", cfg, "--quiet").CombinedOutput()
	if err == nil {
		t.Fatalf("run with a missing topic and create_topics off succeeded:\n%s", out)
	}
	if !strings.Contains(string(out), topic) || !strings.Contains(string(out), "does not exist") {
		t.Errorf("the error does not name the missing topic %q:\n%s", topic, out)
	}
	if strings.Contains(string(out), "pipeline started") {
		t.Errorf("the pipeline started before the topic check:\n%s", out)
	}
	t.Logf("refused in %v: %s", time.Since(start).Round(time.Millisecond), lastLine(string(out)))
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// tailLines returns the last n lines of s.
func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestRunNtoMIntoKafka: the daemon spreads one rule over two flow workers
// and two Kafka workers (rules[].flow_workers: all) on a real broker; every
// report of a capture of every Telemetry Report variant arrives once, equal
// to the truth, in per-flow order (consume --verify), and both Kafka
// workers produced.
func TestRunNtoMIntoKafka(t *testing.T) {
	bin := binary(t)
	bootstrap := kafkatest.Bootstrap(t)
	capture, truth := genCapture(t, intgen.Options{Format: intgen.FormatTR, Mix: true, Flows: 48, Packets: 6000, Malformed: 0.01, Seed: 17, Micro: true,
		Decoder: intdecode.Config{MDUDPPorts: []uint16{intgen.DefaultMDUDPPort}}})
	topic := kafkatest.TopicName(t)
	y := fmt.Sprintf(`eal: {lcores: "0-1", memory_mb: 256, file_prefix: %q}
ports: [{name: net_pcap0, devargs: %q}]
mempool: {mbufs: 16383, cache: 64}
rings: {size: 2048}
idle: {policy: sleep, sleep_us: 50}
int: {md_udp_ports: [5000]}
kafka:
  queue: {messages: 2048, policy: block, block_timeout: 10s}
  batch: {max_reports: 100, linger: 5ms}
  create_topics: {enabled: true, partitions: 4}
  flush_timeout: 30s
  producer: {bootstrap.servers: %q}
metrics: {listen: "127.0.0.1:0", table_interval: 0s}
pipelines:
  - name: p0
    rx: [{port: net_pcap0, lcore: 1}]
    acl_workers: [{lcore: 1}]
    flow_workers: [{lcore: 1}, {lcore: 1}]
    kafka_workers: [{lcore: 1}, {lcore: 1}]
rules:
  - name: reports
    protocol: udp
    dst_port: 32766
    flow_workers: all
    kafka_topic: %q
`, "w2k-ntom-"+strconv.Itoa(os.Getpid()), "rx_pcap="+capture, bootstrap, topic)
	cfg := filepath.Join(t.TempDir(), "ntom.yaml")
	if err := os.WriteFile(cfg, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	graph, err := exec.Command(bin, "check-config", cfg).CombinedOutput()
	if err != nil || !bytes.Contains(graph, []byte("by flow hash: p0/flow-worker-00,p0/flow-worker-01")) ||
		!bytes.Contains(graph, []byte("p0/kafka-worker-00,p0/kafka-worker-01")) {
		t.Fatalf("check-config does not show the N:M graph (%v):\n%s", err, graph)
	}
	out, err := exec.Command(bin, "run", "-c", cfg, "--exit-when-idle", "1s", "--quiet").CombinedOutput()
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	t.Cleanup(func() { kafkatest.DeleteTopic(t, topic) })
	_, _, received := checkRunOutput(t, string(out))
	if received != 6000 {
		t.Errorf("received %d packets, capture has 6000", received)
	}
	for _, w := range []string{"kafka-worker-00", "kafka-worker-01"} {
		if !regexp.MustCompile(`\[p0/` + w + `\]\s+[1-9]`).Match(out) {
			t.Errorf("%s took no packet:\n%s", w, out)
		}
	}
	verify, err := exec.Command(bin, "consume", "-b", bootstrap, "-t", topic, "-e", "--verify", truth).CombinedOutput()
	if err != nil {
		t.Fatalf("consume --verify: %v\n%s", err, verify)
	}
	t.Logf("%s", bytes.TrimSpace(verify))
}
