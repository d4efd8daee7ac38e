package report

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// IA is a SCION ISD-AS number: ISD in the top 16 bits, AS in the low 48.
type IA uint64

// Limits of the ISD and AS parts of an IA.
const (
	MaxISD    = 1<<16 - 1
	MaxAS     = 1<<48 - 1
	maxBGPAS  = 1<<32 - 1
	asGroups  = 3
	groupBits = 16
)

// ErrBadIA is wrapped by every ParseIA and ParseAS error.
var ErrBadIA = errors.New("bad ISD-AS")

// MakeIA returns the IA of isd and as (as must fit in 48 bits).
func MakeIA(isd uint16, as uint64) IA { return IA(uint64(isd)<<48 | as&MaxAS) }

// ISD returns the ISD number.
func (ia IA) ISD() uint16 { return uint16(ia >> 48) }

// AS returns the 48-bit AS number.
func (ia IA) AS() uint64 { return uint64(ia) & MaxAS }

// String formats ia as "1-ff00:0:1" (or "1-64512" for BGP-style AS numbers).
func (ia IA) String() string {
	return strconv.Itoa(int(ia.ISD())) + "-" + FormatAS(ia.AS())
}

// FormatAS formats an AS number the SCION way: decimal below 2^32, else
// three colon-separated hex groups ("ff00:0:1").
func FormatAS(as uint64) string {
	return formatAS(as, ":")
}

func formatAS(as uint64, sep string) string {
	if as <= maxBGPAS {
		return strconv.FormatUint(as, 10)
	}
	var sb strings.Builder
	for i := asGroups - 1; i >= 0; i-- {
		sb.WriteString(strconv.FormatUint((as>>(uint(i)*groupBits))&0xffff, 16))
		if i > 0 {
			sb.WriteString(sep)
		}
	}
	return sb.String()
}

// ParseIA parses an ISD-AS in its usual forms: "1-ff00:0:1", "1-64512",
// the file-name form "1-ff00_0_1", and "ISD1-ASff00_0_1". Errors wrap
// ErrBadIA and say what is wrong.
func ParseIA(s string) (IA, error) {
	orig := s
	s = strings.TrimPrefix(s, "ISD")
	isdStr, asStr, ok := strings.Cut(s, "-")
	if !ok {
		return 0, fmt.Errorf("%w %q: want ISD-AS, e.g. 1-ff00:0:1", ErrBadIA, orig)
	}
	isd, err := strconv.ParseUint(isdStr, 10, 16)
	if err != nil {
		return 0, fmt.Errorf("%w %q: ISD %q is not a number in 0..%d", ErrBadIA, orig, isdStr, MaxISD)
	}
	as, err := ParseAS(strings.TrimPrefix(asStr, "AS"))
	if err != nil {
		return 0, fmt.Errorf("%w %q: %w", ErrBadIA, orig, err)
	}
	return MakeIA(uint16(isd), as), nil
}

// ParseAS parses an AS number: decimal up to 2^32-1, or three hex groups
// of at most 4 digits separated by ':' (or '_' in file names).
func ParseAS(s string) (uint64, error) {
	if s == "" {
		return 0, fmt.Errorf("%w: empty AS", ErrBadIA)
	}
	sep := ""
	switch {
	case strings.Contains(s, ":"):
		sep = ":"
	case strings.Contains(s, "_"):
		sep = "_"
	}
	if sep == "" {
		as, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%w: AS %q is neither decimal nor hex groups like ff00:0:1", ErrBadIA, s)
		}
		if as > maxBGPAS {
			return 0, fmt.Errorf("%w: decimal AS %d above %d: write it as hex groups", ErrBadIA, as, uint64(maxBGPAS))
		}
		return as, nil
	}
	parts := strings.Split(s, sep)
	if len(parts) != asGroups {
		return 0, fmt.Errorf("%w: AS %q has %d groups, want 3", ErrBadIA, s, len(parts))
	}
	var as uint64
	for _, p := range parts {
		if p == "" || len(p) > 4 {
			return 0, fmt.Errorf("%w: AS %q: group %q needs 1 to 4 hex digits", ErrBadIA, s, p)
		}
		v, err := strconv.ParseUint(p, 16, 16)
		if err != nil {
			return 0, fmt.Errorf("%w: AS %q: group %q is not hex", ErrBadIA, s, p)
		}
		as = as<<groupBits | v
	}
	return as, nil
}

// Topic returns the SCION-INT topic name of INT sink `sink` in AS ia,
// exactly as netsys-lab/scion-int-p4 forms it (int.cpp): "AS", the AS as
// three 16-bit groups in lower-case hex without leading zeros joined by
// '_', "-", and the sink (node) id in hex. 1-ff00:0:1, sink 1 ->
// "ASff00_0_1-1"; 17-ffaa:1:e0f, sink 12 -> "ASffaa_1_e0f-c"; AS 64512 ->
// "AS0_0_fc00-0". The ISD is not part of the name. ia's AS must not be the
// wildcard 0.
func Topic(ia IA, sink uint32) (string, error) {
	if ia.AS() == 0 {
		return "", fmt.Errorf("topic: %w: wildcard AS 0 in %s", ErrBadIA, ia)
	}
	as := ia.AS()
	b := make([]byte, 0, 32)
	b = append(b, "AS"...)
	b = strconv.AppendUint(b, as>>32&0xffff, 16)
	b = append(b, '_')
	b = strconv.AppendUint(b, as>>16&0xffff, 16)
	b = append(b, '_')
	b = strconv.AppendUint(b, as&0xffff, 16)
	b = append(b, '-')
	b = strconv.AppendUint(b, uint64(sink), 16)
	return string(b), nil
}

// ParseTopic splits a SCION-INT topic name ("ASff00_0_1-1") into its AS
// number and sink id (both hex, as Topic writes them).
func ParseTopic(topic string) (uint64, uint32, error) {
	rest, ok := strings.CutPrefix(topic, "AS")
	i := strings.LastIndexByte(rest, '-')
	if !ok || i < 0 {
		return 0, 0, fmt.Errorf("topic %q: want AS<hex>_<hex>_<hex>-<hex sink>, e.g. ASff00_0_1-1", topic)
	}
	groups := strings.Split(rest[:i], "_")
	if len(groups) != 3 {
		return 0, 0, fmt.Errorf("topic %q: want three '_'-separated hex groups of the AS, got %d", topic, len(groups))
	}
	var as uint64
	for _, g := range groups {
		v, err := strconv.ParseUint(g, 16, 16)
		if err != nil {
			return 0, 0, fmt.Errorf("topic %q: AS group %q is not 1-4 hex digits", topic, g)
		}
		as = as<<16 | v
	}
	sink, err := strconv.ParseUint(rest[i+1:], 16, 32)
	if err != nil {
		return 0, 0, fmt.Errorf("topic %q: sink %q is not a hex number", topic, rest[i+1:])
	}
	return as, uint32(sink), nil
}
