// Package intgen generates captures of INT traffic with a ground truth: a
// pcap of mirrored Telemetry Report v2.0 or SCION ID-INT packets and a JSON
// lines file listing, per flow and in order, the reports a correct pipeline
// must produce and the malformed packets it must count. Output is a pure
// function of Options (including the seed).
package intgen

import (
	"fmt"
	"time"
	"wire2kafka/report/intdecode"
)

// Format selects the INT encapsulation to generate.
type Format string

// Formats.
const (
	FormatTR    Format = "tr"    // P4.org Telemetry Report v2.0 over UDP, INT-MD v2.1 inner stack
	FormatIDINT Format = "idint" // SCION over IPv4/UDP with an ID-INT header (NextHdr 253)
)

// MaxFlows is the largest Options.Flows: every flow has its own inner
// addresses (a 10.0.0.0/8 pair per flow).
const MaxFlows = 1 << 22

// DefaultStart is the timestamp of the first packet when Options.Start is
// zero: 2026-01-01T00:00:00Z.
const DefaultStart = uint64(1767225600) * 1e9

// Options configures Generate. Zero fields take the defaults noted.
type Options struct {
	Format  Format // default FormatTR
	Flows   int    // number of flows, default 4, at most MaxFlows
	Hops    int    // INT hops per report (TR: stack entries; ID-INT: stack entries incl. source), default 3
	Packets int    // packets to write, default 100
	// Metadata requested per hop. TR: MetadataType numbers 1-8 (stack
	// instruction bits and RepMdBits); ID-INT: up to 4 instruction bytes.
	// Default TR {2, 3, 4}; ID-INT {0x81, 0x82, 0x4d, 0x8b}.
	Metadata []uint32
	// Size is the target Ethernet frame size in bytes; frames are padded up
	// to it (0: no padding).
	Size int
	// Gap is the mean inter-arrival time, default 10µs. Exponential draws
	// gaps from an exponential distribution instead of a fixed gap.
	Gap         time.Duration
	Exponential bool
	// Malformed is the fraction (0..1) of packets made malformed.
	Malformed float64
	// ReportsPerPacket is the number of individual reports per Telemetry
	// Report group (TR only), default 1.
	ReportsPerPacket int
	Seed             uint64
	Start            uint64 // first timestamp, ns since the Unix epoch; default DefaultStart
	Micro            bool   // microsecond pcap instead of nanosecond
	// Mix makes a capture of every variant: TR flows of 8 shapes (inner
	// Ethernet, 802.1Q, IPv4, IPv6; TCP and UDP; INT by DSCP (NPT 0) or
	// by INT_TBD port with NPT 1 and 2) in TR v2.0 INT and Inner Only
	// reports, with domain-specific metadata, with drop reports, in TR
	// v1.0 with INT v1.0 stacks and TR v0.5 drop reports; ID-INT packets
	// in both wire revisions. Decoder.MDUDPPorts defaults to [5000].
	Mix bool
	// Decoder is the decoder configuration the capture targets (ports,
	// DSCP, truncation); zero fields take report's defaults.
	Decoder intdecode.Config
}

// DefaultMDUDPPort is the INT_TBD UDP port of mixed captures when
// Options.Decoder.MDUDPPorts is empty (INT v2.1 leaves INT_TBD to the
// domain; 5000 is an arbitrary choice).
const DefaultMDUDPPort = 5000

// withDefaults validates o and fills defaults.
func (o Options) withDefaults() (Options, error) {
	if o.Format == "" {
		o.Format = FormatTR
	}
	if o.Format != FormatTR && o.Format != FormatIDINT {
		return o, fmt.Errorf("intgen: format %q: want %q or %q", o.Format, FormatTR, FormatIDINT)
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.Flows, 4)
	def(&o.Hops, 3)
	def(&o.Packets, 100)
	def(&o.ReportsPerPacket, 1)
	if o.Flows < 1 || o.Flows > MaxFlows {
		return o, fmt.Errorf("intgen: flows %d not in 1..%d", o.Flows, MaxFlows)
	}
	if o.Hops < 1 || o.Hops > 16 {
		return o, fmt.Errorf("intgen: hops %d not in 1..16", o.Hops)
	}
	if o.Packets < 0 {
		return o, fmt.Errorf("intgen: packets %d < 0", o.Packets)
	}
	if o.ReportsPerPacket < 1 || o.ReportsPerPacket > 8 {
		return o, fmt.Errorf("intgen: reports per packet %d not in 1..8", o.ReportsPerPacket)
	}
	if o.Format == FormatIDINT && o.ReportsPerPacket != 1 {
		return o, fmt.Errorf("intgen: reports per packet must be 1 for %s", o.Format)
	}
	if o.Size < 0 || o.Size > 9000 {
		return o, fmt.Errorf("intgen: size %d not in 0..9000", o.Size)
	}
	if o.Malformed < 0 || o.Malformed > 1 {
		return o, fmt.Errorf("intgen: malformed fraction %g not in 0..1", o.Malformed)
	}
	if o.Gap == 0 {
		o.Gap = 10 * time.Microsecond
	}
	if o.Gap < 0 {
		return o, fmt.Errorf("intgen: gap %v < 0", o.Gap)
	}
	if o.Start == 0 {
		o.Start = DefaultStart
	}
	if o.Metadata == nil {
		if o.Format == FormatTR {
			o.Metadata = []uint32{2, 3, 4}
		} else {
			o.Metadata = []uint32{0x81, 0x82, 0x4d, 0x8b}
		}
	}
	switch o.Format {
	case FormatTR:
		seen := map[uint32]bool{}
		for _, m := range o.Metadata {
			if m < 1 || m > 8 || seen[m] {
				return o, fmt.Errorf("intgen: TR metadata type %d: want distinct types 1..8", m)
			}
			seen[m] = true
		}
	case FormatIDINT:
		if len(o.Metadata) > 4 {
			return o, fmt.Errorf("intgen: ID-INT has 4 instruction slots, got %d", len(o.Metadata))
		}
		for _, m := range o.Metadata {
			if m > 0xfe || m&0x20 != 0 {
				return o, fmt.Errorf("intgen: ID-INT instruction %#x: want a byte below 0xff with bit 2 clear", m)
			}
		}
	}
	if o.Mix && len(o.Decoder.MDUDPPorts) == 0 {
		o.Decoder.MDUDPPorts = []uint16{DefaultMDUDPPort}
	}
	c, err := intdecode.NewDecoder(o.Decoder)
	if err != nil {
		return o, fmt.Errorf("intgen: %w", err)
	}
	o.Decoder = c.Config()
	if o.Decoder.MDDSCPOff && o.Format == FormatTR {
		return o, fmt.Errorf("intgen: TR captures need INT DSCP detection (MDDSCPOff set)")
	}
	return o, nil
}

// Validate reports whether Generate would accept o.
func (o Options) Validate() error {
	_, err := o.withDefaults()
	return err
}
