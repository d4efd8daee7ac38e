package config

import (
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Duration is a time.Duration written as a Go duration string ("5ms", "1s",
// "250us"). A bare number other than 0 is refused: the unit is required.
type Duration time.Duration

// UnmarshalYAML parses a duration string; negative durations are refused.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return errors.New("must be a duration like 5ms or 1s")
	}
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("must be a duration like 5ms or 1s, got %q", n.Value)
	}
	if v < 0 {
		return fmt.Errorf("must not be negative, got %s", n.Value)
	}
	*d = Duration(v)
	return nil
}

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// String formats d like time.Duration does.
func (d Duration) String() string { return time.Duration(d).String() }

// PortRange is an inclusive range of TCP/UDP/SCTP ports, written as one port
// ("443") or "lo-hi" ("5000-5999"). The zero value, in a config built in Go,
// means "not given" and becomes 0-65535 in Validate.
type PortRange struct {
	Lo, Hi uint16
}

// UnmarshalYAML parses "p" or "lo-hi". lo > hi parses (Validate refuses it
// with a clearer message).
func (r *PortRange) UnmarshalYAML(n *yaml.Node) error {
	const want = "must be a port (0-65535) or a range like 5000-5999"
	if n.Kind != yaml.ScalarNode {
		return errors.New(want)
	}
	lo, hi, isRange := strings.Cut(n.Value, "-")
	l, err1 := strconv.ParseUint(strings.TrimSpace(lo), 10, 16)
	h, err2 := l, error(nil)
	if isRange {
		h, err2 = strconv.ParseUint(strings.TrimSpace(hi), 10, 16)
	}
	if err1 != nil || err2 != nil {
		return fmt.Errorf("%s, got %q", want, n.Value)
	}
	r.Lo, r.Hi = uint16(l), uint16(h)
	return nil
}

// Any reports whether r covers every port.
func (r PortRange) Any() bool { return r.Lo == 0 && r.Hi == 65535 }

// String returns "p", "lo-hi" or "any".
func (r PortRange) String() string {
	switch {
	case r.Any():
		return "any"
	case r.Lo == r.Hi:
		return strconv.Itoa(int(r.Lo))
	}
	return fmt.Sprintf("%d-%d", r.Lo, r.Hi)
}

func (r PortRange) overlaps(o PortRange) bool { return r.Lo <= o.Hi && o.Lo <= r.Hi }
func (r PortRange) covers(o PortRange) bool   { return r.Lo <= o.Lo && o.Hi <= r.Hi }

// Prefix is an IPv4 or IPv6 prefix ("192.168.25.0/24", "2001:db8::/32"); a
// bare address means a host prefix (/32 or /128). The zero value means any
// address of either family; "0.0.0.0/0" means any IPv4 address.
type Prefix struct {
	netip.Prefix
}

// UnmarshalYAML parses a prefix; prefixes with host bits set are refused.
func (p *Prefix) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return errors.New("must be an IP prefix like 192.168.25.0/24")
	}
	v, err := ParsePrefix(n.Value)
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// ParsePrefix parses an address or prefix as UnmarshalYAML does.
func ParsePrefix(s string) (Prefix, error) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return Prefix{}, fmt.Errorf("must be an IP address or prefix like 192.168.25.0/24, got %q", s)
		}
		return Prefix{netip.PrefixFrom(a, a.BitLen())}, nil
	}
	v, err := netip.ParsePrefix(s)
	if err != nil {
		return Prefix{}, fmt.Errorf("must be an IP address or prefix like 192.168.25.0/24, got %q", s)
	}
	if v.Masked() != v {
		return Prefix{}, fmt.Errorf("%s has host bits set; did you mean %s?", s, v.Masked())
	}
	return Prefix{v}, nil
}

// Any reports whether p matches every address of both families.
func (p Prefix) Any() bool { return !p.IsValid() }

// String returns the prefix, or "any".
func (p Prefix) String() string {
	if p.Any() {
		return "any"
	}
	return p.Prefix.String()
}

// family is 4, 6, or 0 for any.
func (p Prefix) family() int {
	switch {
	case p.Any():
		return 0
	case p.Addr().Is4():
		return 4
	}
	return 6
}

func (p Prefix) overlaps(o Prefix) bool {
	if p.Any() || o.Any() {
		return true
	}
	return p.Prefix.Overlaps(o.Prefix)
}

func (p Prefix) covers(o Prefix) bool {
	if p.Any() {
		return true
	}
	if o.Any() {
		return false
	}
	return p.Bits() <= o.Bits() && p.Prefix.Contains(o.Addr())
}

// IP protocol numbers with names in the config.
const (
	ProtoICMP   = 1
	ProtoTCP    = 6
	ProtoUDP    = 17
	ProtoICMPv6 = 58
	ProtoSCTP   = 132
)

var protoNames = map[string]uint8{"icmp": ProtoICMP, "tcp": ProtoTCP, "udp": ProtoUDP, "icmpv6": ProtoICMPv6, "sctp": ProtoSCTP}

// Protocol is an IP protocol to match: a name (tcp, udp, sctp, icmp, icmpv6),
// a number 0-255, or "any". The zero value, in a config built in Go, means
// "not given" and becomes any in Validate.
type Protocol struct {
	Number uint8 // protocol number; meaningless when Any
	Any    bool  // match every protocol (protocol_mask 0 in Fastcapa-ng)
}

// UnmarshalYAML parses a protocol name, number or "any".
func (p *Protocol) UnmarshalYAML(n *yaml.Node) error {
	const want = "must be tcp, udp, sctp, icmp, icmpv6, any or a number 0-255"
	if n.Kind != yaml.ScalarNode {
		return errors.New(want)
	}
	s := strings.ToLower(n.Value)
	if s == "any" {
		*p = Protocol{Any: true}
		return nil
	}
	if v, ok := protoNames[s]; ok {
		*p = Protocol{Number: v}
		return nil
	}
	v, err := strconv.ParseUint(s, 10, 8)
	if err != nil {
		return fmt.Errorf("%s, got %q", want, n.Value)
	}
	*p = Protocol{Number: uint8(v)}
	return nil
}

// HasPorts reports whether packets of this protocol carry ports.
func (p Protocol) HasPorts() bool {
	return !p.Any && (p.Number == ProtoTCP || p.Number == ProtoUDP || p.Number == ProtoSCTP)
}

// String returns the protocol's name, number or "any".
func (p Protocol) String() string {
	if p.Any {
		return "any"
	}
	for name, v := range protoNames {
		if v == p.Number {
			return name
		}
	}
	return strconv.Itoa(int(p.Number))
}

func (p Protocol) overlaps(o Protocol) bool { return p.Any || o.Any || p.Number == o.Number }
func (p Protocol) covers(o Protocol) bool   { return p.Any || (!o.Any && p.Number == o.Number) }

// MaxLcore is the number of lcore ids DPDK was built for (RTE_MAX_LCORE of
// Debian's DPDK 22.11); lcore ids run from 0 to MaxLcore-1.
const MaxLcore = 128

// LcoreSet is a sorted set of lcore ids, written as a DPDK core list
// ("0-3", "0,2,4-7"), one number, or a YAML list of numbers.
type LcoreSet []int

// UnmarshalYAML parses a core list string, number or list.
func (s *LcoreSet) UnmarshalYAML(n *yaml.Node) error {
	var parts []string
	switch n.Kind {
	case yaml.ScalarNode:
		parts = strings.Split(n.Value, ",")
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return errors.New("must be an lcore list like 0-3 or 0,2,4")
			}
			parts = append(parts, c.Value)
		}
	default:
		return errors.New("must be an lcore list like 0-3 or 0,2,4")
	}
	v, err := parseLcores(parts)
	if err != nil {
		return err
	}
	*s = v
	return nil
}

func parseLcores(parts []string) (LcoreSet, error) {
	seen := map[int]bool{}
	var out LcoreSet
	for _, part := range parts {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		l, err1 := strconv.Atoi(lo)
		h, err2 := l, error(nil)
		if isRange {
			h, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || l < 0 || h < l {
			return nil, fmt.Errorf("must be an lcore list like 0-3 or 0,2,4, got %q", part)
		}
		if h >= MaxLcore {
			return nil, fmt.Errorf("lcore %d is out of range 0-%d", h, MaxLcore-1)
		}
		for i := l; i <= h; i++ {
			if seen[i] {
				return nil, fmt.Errorf("lcore %d is listed twice", i)
			}
			seen[i] = true
			out = append(out, i)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("must name at least one lcore")
	}
	sort.Ints(out)
	return out, nil
}

// Contains reports whether id is in s.
func (s LcoreSet) Contains(id int) bool {
	i := sort.SearchInts(s, id)
	return i < len(s) && s[i] == id
}

// String returns s as a compact DPDK core list ("0-3,6").
func (s LcoreSet) String() string {
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j+1 < len(s) && s[j+1] == s[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		if j == i {
			fmt.Fprintf(&b, "%d", s[i])
		} else {
			fmt.Fprintf(&b, "%d-%d", s[i], s[j])
		}
		i = j + 1
	}
	return b.String()
}

// enum parses a scalar that must be one of allowed.
func enum(n *yaml.Node, allowed ...string) (string, error) {
	if n.Kind == yaml.ScalarNode {
		for _, a := range allowed {
			if n.Value == a {
				return a, nil
			}
		}
	}
	last := len(allowed) - 1
	return "", fmt.Errorf("must be %s or %s, got %q", strings.Join(allowed[:last], ", "), allowed[last], n.Value)
}
