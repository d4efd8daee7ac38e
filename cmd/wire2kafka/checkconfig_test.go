package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckConfigExamples runs check-config on every example config in
// deploy/config and checks a few facts of each resolved graph.
func TestCheckConfigExamples(t *testing.T) {
	examples := map[string][]string{
		"laptop.yaml": {
			"--vdev=net_pcap0,rx_pcap=",
			"lcore 1   p0/rx-worker-00 p0/acl-worker-00 p0/flow-worker-00 p0/flow-worker-01 p0/kafka-worker-00",
			"ASff00_0_1-1 ", "sampling 1:100",
		},
		"server-16core.yaml": {
			"-a 0000:3b:00.0 -a 0000:3b:00.1",
			"lcore 5   p0/flow-worker-02 p0/kafka-worker-02", "lcore 10  p1/flow-worker-02 p1/kafka-worker-02",
			"by flow hash: p0/flow-worker-00,p0/flow-worker-01,p0/flow-worker-02",
			"connection 1 (kafka)", "histogram 100ns x128 every 1s",
		},
		"raw-capture.yaml": {
			"-a 0000:3b:00.0", "capture/flow-worker-00", "pcap", "raw",
		},
	}
	files, err := filepath.Glob("../../deploy/config/*.yaml")
	if err != nil || len(files) < len(examples) {
		t.Fatalf("examples: %v %v", files, err)
	}
	files = append(files, "../../deploy/demo/demo.yaml") // make demo's pipeline
	examples["demo.yaml"] = []string{"net_pcap0", "net_pcap1"}
	for _, f := range files {
		var out, errb bytes.Buffer
		if err := checkConfig([]string{f}, &out, &errb); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if !strings.HasPrefix(out.String(), f+": ok\n") {
			t.Errorf("%s: output starts %q", f, out.String()[:min(80, out.Len())])
		}
		for _, want := range examples[filepath.Base(f)] {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: output lacks %q:\n%s", f, want, out.String())
			}
		}
		delete(examples, filepath.Base(f))
	}
	for name := range examples {
		t.Errorf("example %s is missing", name)
	}
}

func TestCheckConfigErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	data, err := os.ReadFile("../../deploy/config/laptop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	y := strings.Replace(string(data), "burst: 32", "burst: 300\nbrust: 32", 1)
	y = strings.Replace(y, "sampling_rate: 100", "sampling_rate: 0", 1)
	if err := os.WriteFile(bad, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	err = checkConfig([]string{bad}, &out, &errb)
	if err == nil {
		t.Fatal("bad config accepted")
	}
	msg := err.Error()
	lineOf := func(prefix string) int { // 1-based line of the first line starting with prefix
		for i, l := range strings.Split(y, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), prefix) {
				return i + 1
			}
		}
		t.Fatalf("no line %q", prefix)
		return 0
	}
	for _, want := range []string{
		"3 problem(s) in " + bad,
		fmt.Sprintf("%s:%d: burst: must be between 32 and 256, got 300", bad, lineOf("burst:")),
		fmt.Sprintf("%s:%d: brust: unknown key", bad, lineOf("brust:")),
		fmt.Sprintf("%s:%d: rules[2].sampling_rate: must be >= 1 for service_function sampling, got 0", bad, lineOf("sampling_rate: 0")),
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if out.Len() != 0 {
		t.Errorf("printed a plan for a bad config: %s", out.String())
	}
	// Through dispatch: exit code 1, errors on stderr.
	out.Reset()
	errb.Reset()
	if code := dispatch([]string{"check-config", "-q", "../../deploy/config/laptop.yaml"}, &out, &errb); code != 0 {
		t.Errorf("check-config -q of a good file: exit %d", code)
	}
	if err := checkConfig([]string{"-q", "../../deploy/config/laptop.yaml"}, &out, &errb); err != nil || out.Len() != 0 {
		t.Errorf("-q: err %v, output %q", err, out.String())
	}
	if err := checkConfig(nil, &out, &errb); err == nil {
		t.Error("no file accepted")
	}
	if err := checkConfig([]string{filepath.Join(dir, "nosuch.yaml")}, &out, &errb); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
}
