package config

import (
	"strings"
	"testing"
)

func TestMDDetectionKeys(t *testing.T) {
	tests := []struct {
		name, add string
		want      MDDSCP
		ports     []int
	}{
		{"default", "", MDDSCP{Value: 0x17, Mask: 0x3f}, nil},
		{"bit", "  md_dscp: {value: 0x20, mask: 0x20}\n", MDDSCP{Value: 0x20, Mask: 0x20}, nil},
		{"off with ports", "  md_dscp: off\n  md_udp_ports: [5000, 4790]\n", MDDSCP{Off: true}, []int{5000, 4790}},
	}
	for _, tt := range tests {
		y := strings.Replace(baseYAML, "  sink_index: 1\n", "  sink_index: 1\n"+tt.add, 1)
		cfg, err := Parse("cfg.yaml", []byte(y))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got := cfg.INT.MDDSCP
		if got.Value != tt.want.Value || got.Mask != tt.want.Mask || got.Off != tt.want.Off {
			t.Errorf("%s: md_dscp %s, want %s", tt.name, got, tt.want)
		}
		if len(cfg.INT.MDUDPPorts) != len(tt.ports) {
			t.Errorf("%s: md_udp_ports %v, want %v", tt.name, cfg.INT.MDUDPPorts, tt.ports)
		}
	}
}
