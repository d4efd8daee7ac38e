package config

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MDDSCP is int.md_dscp: the DSCP value and mask that mark an inner packet
// of a Telemetry Report as carrying INT-MD after its L4 header (INT v2.1
// section 5.7.2, option 2), or off. Written `{value: 0x17, mask: 0x3f}` or
// `off`; the default (key absent) is value 0x17, mask 0x3f.
type MDDSCP struct {
	Value, Mask int
	Off         bool
	set         bool // the key was given
}

// UnmarshalYAML accepts `off` or a mapping with value and mask (0-63).
func (m *MDDSCP) UnmarshalYAML(n *yaml.Node) error {
	m.set = true
	if n.Kind == yaml.ScalarNode {
		if n.Value == "off" || n.Value == "false" {
			m.Off = true
			return nil
		}
		return fmt.Errorf("must be off or {value: V, mask: M}, got %q", n.Value)
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("must be off or {value: V, mask: M}")
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var dst *int
		switch k.Value {
		case "value":
			dst = &m.Value
		case "mask":
			dst = &m.Mask
		default:
			return fmt.Errorf("line %d: unknown key %q (known: value, mask)", k.Line, k.Value)
		}
		if seen[k.Value] {
			return fmt.Errorf("line %d: duplicate key %q", k.Line, k.Value)
		}
		seen[k.Value] = true
		x, err := strconv.ParseInt(strings.ReplaceAll(v.Value, "_", ""), 0, 64)
		if err != nil || v.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: %s must be an integer, got %q", v.Line, k.Value, v.Value)
		}
		*dst = int(x)
	}
	if !seen["value"] || !seen["mask"] {
		return fmt.Errorf("needs both value and mask, e.g. {value: 0x17, mask: 0x3f}")
	}
	return nil
}

// String prints the setting as it is written in the config.
func (m MDDSCP) String() string {
	if m.Off {
		return "off"
	}
	return fmt.Sprintf("{value: %#x, mask: %#x}", m.Value, m.Mask)
}

// SourceOnlyMD is one entry of int.source_only_md: the size of the
// 'source-only' domain-specific metadata INT sources of one domain add
// below the stack (INT v2.1 section 5.8).
type SourceOnlyMD struct {
	// DomainID is the INT-MD Domain Specific ID, 1-65535.
	DomainID int `yaml:"domain_id"`
	// Bytes is the metadata length, a multiple of 4, 4-1020.
	Bytes int `yaml:"bytes"`
}

// mdDetection validates and defaults int.md_dscp, int.md_udp_ports and
// int.source_only_md.
func (v *validator) mdDetection() {
	in := &v.cfg.INT
	d := &in.MDDSCP
	switch {
	case !v.given("int.md_dscp", !d.set):
		d.Value, d.Mask = DefaultMDDSCP, DefaultMDDSCPMask
	case d.Off:
	default:
		if d.Value < 0 || d.Value > 63 || d.Mask < 0 || d.Mask > 63 {
			v.c.errf("int.md_dscp", "value and mask are 6-bit DSCPs (0-63), got %#x/%#x", d.Value, d.Mask)
		} else if d.Value&^d.Mask != 0 {
			v.c.errf("int.md_dscp", "value %#x has bits outside mask %#x", d.Value, d.Mask)
		} else if d.Mask == 0 {
			v.c.errf("int.md_dscp", "mask 0 would match every packet; write md_dscp: off to disable DSCP detection")
		}
	}
	for i, p := range in.MDUDPPorts {
		if p < 1 || p > 65535 {
			v.c.errf(fmt.Sprintf("int.md_udp_ports[%d]", i), "must be a UDP port 1-65535, got %d", p)
		}
		for j := 0; j < i; j++ {
			if in.MDUDPPorts[j] == p {
				v.c.errf(fmt.Sprintf("int.md_udp_ports[%d]", i), "port %d is already listed at int.md_udp_ports[%d]", p, j)
			}
		}
	}
	for i, s := range in.SourceOnlyMD {
		path := fmt.Sprintf("int.source_only_md[%d]", i)
		if s.DomainID < 1 || s.DomainID > 65535 {
			v.c.errf(path+".domain_id", "must be 1-65535 (0 is the default domain, which has no source-only metadata), got %d", s.DomainID)
		}
		if s.Bytes < 4 || s.Bytes > 1020 || s.Bytes%4 != 0 {
			v.c.errf(path+".bytes", "must be a multiple of 4 in 4-1020, got %d", s.Bytes)
		}
	}
}

// Defaults of int.md_dscp: the INT v2.1 examples' DSCP 0x17, one code point.
const (
	DefaultMDDSCP     = 0x17
	DefaultMDDSCPMask = 0x3f
)
