package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "a.pcap")
	var stdout, stderr bytes.Buffer
	args := []string{"-o", out, "-format", "idint", "-packets", "20", "-flows", "2", "-malformed", "0.5", "-seed", "7", "-md", "0x82,0x4d"}
	if err := gen(args, &stdout, &stderr); err != nil {
		t.Fatalf("gen: %v (%s)", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "20 packets") {
		t.Errorf("summary %q", stdout.String())
	}
	first, err := os.ReadFile(filepath.Join(dir, "a.truth.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(first), `"type":"malformed"`) || !strings.Contains(string(first), `"format":"idint"`) {
		t.Errorf("truth file lacks malformed lines or header")
	}
	// Same flags, same seed: identical files.
	out2 := filepath.Join(dir, "b.pcap")
	args[1] = out2
	if err := gen(args, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(out2)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("captures differ for equal seeds (%d vs %d bytes)", len(a), len(b))
	}
}

func TestGenCommandErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{}, "-o FILE is required"},
		{[]string{"-o", "x.pcap", "-md", "zz"}, "-md"},
		{[]string{"-o", "x.pcap", "-report-ports", "0"}, "port 0"},
		{[]string{"-o", "x.pcap", "-format", "nope"}, "format"},
		{[]string{"-o", "x.pcap", "-start", "yesterday"}, "-start"},
		{[]string{"-o", "x.pcap", "extra"}, "unexpected arguments"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		for i, a := range tt.args {
			if a == "x.pcap" {
				tt.args[i] = filepath.Join(dir, a)
			}
		}
		var stdout, stderr bytes.Buffer
		err := gen(tt.args, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("gen %v: error %v, want %q", tt.args, err, tt.want)
		}
	}
	var stdout, stderr bytes.Buffer
	if err := gen([]string{"--help"}, &stdout, &stderr); err != nil || !strings.Contains(stderr.String(), "Usage: wire2kafka gen") {
		t.Errorf("--help: %v, %q", err, stderr.String())
	}
}
