package report

import (
	"errors"
	"strings"
	"testing"
)

func TestParseIA(t *testing.T) {
	tests := []struct {
		in      string
		isd     uint16
		as      uint64
		str     string
		wantErr string
	}{
		{in: "1-ff00:0:1", isd: 1, as: 0xff00_0000_0001, str: "1-ff00:0:1"},
		{in: "1-ff00_0_1", isd: 1, as: 0xff00_0000_0001, str: "1-ff00:0:1"},
		{in: "ISD1-ASff00_0_110", isd: 1, as: 0xff00_0000_0110, str: "1-ff00:0:110"},
		{in: "65535-ffff:ffff:ffff", isd: 65535, as: MaxAS, str: "65535-ffff:ffff:ffff"},
		{in: "2-64512", isd: 2, as: 64512, str: "2-64512"},
		{in: "0-0", isd: 0, as: 0, str: "0-0"},
		{in: "1-0:0:1", isd: 1, as: 1, str: "1-1"},
		{in: "", wantErr: "want ISD-AS"},
		{in: "ff00:0:1", wantErr: "want ISD-AS"},
		{in: "65536-ff00:0:1", wantErr: "ISD"},
		{in: "x-ff00:0:1", wantErr: "ISD"},
		{in: "1-", wantErr: "empty AS"},
		{in: "1-ff00:0", wantErr: "2 groups"},
		{in: "1-ff00:0:1:2", wantErr: "4 groups"},
		{in: "1-10000:0:1", wantErr: "1 to 4 hex digits"},
		{in: "1-ff00::1", wantErr: "1 to 4 hex digits"},
		{in: "1-gg00:0:1", wantErr: "not hex"},
		{in: "1-4294967296", wantErr: "above"},
		{in: "1-abc", wantErr: "neither decimal"},
	}
	for _, tt := range tests {
		ia, err := ParseIA(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrBadIA) {
				t.Errorf("ParseIA(%q) = %v, %v; want error containing %q", tt.in, ia, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseIA(%q): %v", tt.in, err)
			continue
		}
		if ia.ISD() != tt.isd || ia.AS() != tt.as || ia.String() != tt.str {
			t.Errorf("ParseIA(%q) = %d-%x (%s), want %d-%x (%s)", tt.in, ia.ISD(), ia.AS(), ia, tt.isd, tt.as, tt.str)
		}
	}
}

func TestTopic(t *testing.T) {
	tests := []struct {
		ia   string
		sink uint32
		want string
	}{
		// Expected names computed by hand from upstream's formula
		// (scion-int-p4 int.cpp: "AS" << hex(as>>32) << "_" <<
		// hex(as>>16) << "_" << hex(as) << "-" << hex(nodeID), each
		// group % 2^16).
		{"1-ff00:0:1", 1, "ASff00_0_1-1"},
		{"1-ff00:0:4", 1, "ASff00_0_4-1"},
		{"17-ffaa:1:e0f", 12, "ASffaa_1_e0f-c"},
		{"1-64512", 0, "AS0_0_fc00-0"},
		{"1-64512", 255, "AS0_0_fc00-ff"},
		{"1-ffff:ffff:ffff", 65535, "ASffff_ffff_ffff-ffff"},
	}
	for _, tt := range tests {
		ia, err := ParseIA(tt.ia)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Topic(ia, tt.sink)
		if err != nil || got != tt.want {
			t.Errorf("Topic(%s, %d) = %q, %v; want %q", tt.ia, tt.sink, got, err, tt.want)
		}
		as, sink, err := ParseTopic(got)
		if err != nil || as != ia.AS() || sink != tt.sink {
			t.Errorf("ParseTopic(%q) = %x, %d, %v", got, as, sink, err)
		}
	}
	if _, err := Topic(MakeIA(1, 0), 1); err == nil {
		t.Error("Topic of wildcard AS: want error")
	}
	for _, bad := range []string{"ff00_0_1-1", "ASff00_0_1", "ASff00_0-1", "ASff00_0_1-x", "AS64512-0", "ASff00_0_10000-1"} {
		if _, _, err := ParseTopic(bad); err == nil {
			t.Errorf("ParseTopic(%q): want error", bad)
		}
	}
}
