package main

import (
	"net"
	"os/exec"
	"strings"
	"testing"

	"wire2kafka/kafkaout/kafkatest"
	"wire2kafka/report/intgen"
)

// TestDoctorThisHost: `wire2kafka doctor` on this machine, with a config
// on net_pcap into the test broker: no check fails (hugepages and CPU
// isolation may warn here), the broker and the metrics port pass; with the
// broker unreachable and the metrics port taken it fails, naming both.
func TestDoctorThisHost(t *testing.T) {
	bin := binary(t)
	capture, _ := genCapture(t, intgen.Options{Format: intgen.FormatTR, Flows: 2, Packets: 10, Seed: 31})
	cfg := e2eConfig(t, capture, kafkatest.TopicName(t), "batch", false)
	out, err := exec.Command(bin, "doctor", "-c", cfg).CombinedOutput()
	t.Logf("doctor on this host:\n%s", out)
	if err != nil {
		t.Fatalf("doctor: %v", err)
	}
	for _, want := range []string{"skip  PCI ports", "pass  kafka ", "pass  kafka topics", "pass  metrics port", "housekeeping CPUs"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("doctor output lacks %q", want)
		}
	}

	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.Addr().String()
	dead.Close()
	editConfig(t, cfg, kafkatest.Bootstrap(t), deadAddr, `listen: "127.0.0.1:0"`, `listen: "`+busy.Addr().String()+`"`)
	out, err = exec.Command(bin, "doctor", "-c", cfg, "--kafka-timeout", "2s").CombinedOutput()
	if err == nil {
		t.Fatalf("doctor passed with the broker unreachable and the metrics port taken:\n%s", out)
	}
	for _, want := range []string{"FAIL  kafka", deadAddr, "FAIL  metrics port", "address already in use", "a check failed"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
}
