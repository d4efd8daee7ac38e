package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"wire2kafka/config"
)

// TestSystemdUnit: deploy/systemd/wire2kafka.service passes `systemd-analyze
// verify` without a warning (with the binary and config paths pointed at
// this build and a test config), its ExecStartPre and ExecStart command
// lines run, it stops with SIGTERM after longer than any example config's
// kafka.flush_timeout, reloads with SIGHUP, and lifts the memlock limit.
func TestSystemdUnit(t *testing.T) {
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Fatalf("systemd-analyze: %v (make deps installs systemd)", err)
	}
	unit, err := os.ReadFile("../../deploy/systemd/wire2kafka.service")
	if err != nil {
		t.Fatal(err)
	}
	bin := binary(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "wire2kafka.yaml")
	// A pipeline that needs no NIC and no broker: net_null into the
	// discard sink.
	if err := os.WriteFile(cfg, []byte(`eal: {lcores: "0-1", memory_mb: 128, file_prefix: w2k-systemd, hugepages: off}
ports: [{name: net_null0, devargs: "size=128"}]
mempool: {mbufs: 2047, cache: 64}
idle: {policy: sleep, sleep_us: 50}
kafka: {sink: discard}
metrics: {listen: "127.0.0.1:0", table_interval: 0s}
pipelines:
  - {name: p0, rx: [{port: net_null0, lcore: 1}], acl_workers: [{lcore: 1}], flow_workers: [{lcore: 1}], kafka_workers: [{lcore: 1}]}
rules:
  - {name: all, output: raw, kafka_topic: x}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	s := strings.ReplaceAll(string(unit), "/usr/bin/wire2kafka", bin)
	s = strings.ReplaceAll(s, "/etc/wire2kafka/wire2kafka.yaml", cfg)
	path := filepath.Join(dir, "wire2kafka.service")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(sa, "verify", path).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) != 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}

	directive := func(name string) []string {
		var vs []string
		for _, m := range regexp.MustCompile(`(?m)^`+name+`=(.*)$`).FindAllStringSubmatch(s, -1) {
			vs = append(vs, m[1])
		}
		return vs
	}
	for name, want := range map[string]string{"KillSignal": "SIGTERM", "ExecReload": "/bin/kill -HUP $MAINPID", "LimitMEMLOCK": "infinity"} {
		if got := directive(name); len(got) != 1 || got[0] != want {
			t.Errorf("%s=%v, want %s", name, got, want)
		}
	}
	stop, err := time.ParseDuration(strings.Join(directive("TimeoutStopSec"), "") + "s")
	if err != nil {
		t.Fatalf("TimeoutStopSec: %v", err)
	}
	flush := time.Duration(config.DefaultFlushTimeout)
	examples, _ := filepath.Glob("../../deploy/config/*.yaml")
	for _, f := range append(examples, "../../deploy/demo/demo.yaml") {
		c, err := config.Load(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		flush = max(flush, time.Duration(c.Kafka.FlushTimeout))
	}
	if stop <= flush+10*time.Second {
		t.Errorf("TimeoutStopSec %v does not leave the drain and a %v kafka.flush_timeout time before SIGKILL", stop, flush)
	}

	// The unit's own command lines, as systemd would run them.
	for _, d := range []string{"ExecStartPre", "ExecStart"} {
		args := strings.Fields(strings.Join(directive(d), ""))
		if d == "ExecStart" {
			args = append(args, "--duration", "2s")
		}
		out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
		if err != nil {
			t.Errorf("%s %v: %v\n%s", d, args, err, tailLines(string(out), 20))
		}
	}
}
