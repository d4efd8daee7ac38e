package main

import (
	"bytes"
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
