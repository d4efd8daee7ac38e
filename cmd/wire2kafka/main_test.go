package main

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

func TestDispatch(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		contains string
	}{
		{[]string{"--help"}, 0, "Commands:"},
		{[]string{"help"}, 0, "version"},
		{nil, 2, "Usage:"},
		{[]string{"nosuch"}, 2, `unknown command "nosuch"`},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := dispatch(tt.args, &out, &errb)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d", tt.args, code, tt.code)
		}
		if got := out.String() + errb.String(); !strings.Contains(got, tt.contains) {
			t.Errorf("%v: output %q lacks %q", tt.args, got, tt.contains)
		}
	}
}

// TestVersion: the built binary names its version and the pinned
// dependencies it was linked with.
func TestVersion(t *testing.T) {
	out, err := exec.Command(binary(t), "version").CombinedOutput()
	if err != nil {
		t.Fatalf("wire2kafka version: %v\n%s", err, out)
	}
	for _, want := range []string{"wire2kafka ", "github.com/confluentinc/confluent-kafka-go/v2 v2.15.0", "google.golang.org/protobuf v", "github.com/prometheus/client_golang v1."} {
		if !strings.Contains(string(out), want) {
			t.Errorf("version output lacks %q:\n%s", want, out)
		}
	}
}
