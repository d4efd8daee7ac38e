package intdecode

import (
	"errors"
	"fmt"
)

// Defaults of Config, applied by NewDecoder to zero fields.
const (
	// DefaultReportPort is the UDP destination port of Telemetry Report
	// collectors (the value ONOS and many P4 INT programs use).
	DefaultReportPort = 32766
	// DefaultMaxTruncated bounds Report.Truncated in bytes.
	DefaultMaxTruncated = 128
	// DefaultMaxFrame is the largest frame the decoder sizes its report
	// and hop pools for (an mbuf's default data room less headroom).
	DefaultMaxFrame = 2048
	// DefaultMDDSCP and DefaultMDDSCPMask select the inner packets that
	// carry an INT-MD shim after their TCP/UDP header: DSCP&mask == value.
	// 0x17 is the value of the INT v2.1 examples (section 6.1) and of
	// common collectors; the mask makes it one code point.
	DefaultMDDSCP     = 0x17
	DefaultMDDSCPMask = 0x3f
)

// DefaultSCIONPorts are the underlay UDP ports of SCION traffic checked by
// default (end host dispatcher 30041, 30042, border router 50000).
var DefaultSCIONPorts = []uint16{30041, 30042, 50000}

// SourceOnlyMD is the size of the 'source-only' domain-specific metadata
// that INT sources of one domain append below the stack (INT v2.1 section
// 5.8): it is excluded from Hop ML, so only configuration tells it apart
// from hops.
type SourceOnlyMD struct {
	DomainID uint16 // INT-MD header Domain Specific ID
	Bytes    int    // source-only metadata length, a multiple of 4
}

// Config configures a Decoder. The zero value means all defaults.
type Config struct {
	// ReportPorts are the UDP destination ports of Telemetry Report
	// packets. Default [DefaultReportPort].
	ReportPorts []uint16
	// SCIONPorts are the underlay UDP ports (source or destination) of
	// SCION packets. Default DefaultSCIONPorts.
	SCIONPorts []uint16
	// MDDSCP and MDDSCPMask: an inner IPv4/IPv6 packet of a Telemetry
	// Report carries an INT-MD shim after its L4 header when
	// DSCP&MDDSCPMask == MDDSCP (INT v2.1 section 5.7.2, option 2).
	// Both zero means the default 0x17/0x3f; set MDDSCPOff to disable.
	MDDSCP, MDDSCPMask uint8
	// MDDSCPOff disables detection by DSCP.
	MDDSCPOff bool
	// MDUDPPorts are INT_TBD UDP destination ports: an inner UDP packet to
	// one of them carries an INT shim after its UDP header (section
	// 5.7.2, option 1; NPT 1 and 2). Default none.
	MDUDPPorts []uint16
	// SourceOnly lists the source-only metadata size per INT domain.
	SourceOnly []SourceOnlyMD
	// MaxTruncated bounds Report.Truncated in bytes. Default 128.
	MaxTruncated int
	// MaxFrame is the largest frame decoded in full; it sizes the pools
	// so that every individual report of such a frame fits (a Telemetry
	// Report of 4-byte drop reports holds MaxFrame/4). Default 2048.
	MaxFrame int
	// StackInFrame leaves each INT-MD metadata stack and ID-INT stack in
	// the frame (Report.Stack) instead of storing its hops in Report.Hops, for an
	// encoder that transcodes it straight into a message (the Kafka
	// worker's one-pass path). The encoded reports are the same bytes
	// either way; only Report.HopList and NumHops differ (TotalHops,
	// AllHops and Proto count the stack). Default false.
	StackInFrame bool
}

// withDefaults returns c with defaults applied, or an error naming the bad
// field.
func (c Config) withDefaults() (Config, error) {
	if len(c.ReportPorts) == 0 {
		c.ReportPorts = []uint16{DefaultReportPort}
	}
	if len(c.SCIONPorts) == 0 {
		c.SCIONPorts = DefaultSCIONPorts
	}
	if c.MDDSCP == 0 && c.MDDSCPMask == 0 && !c.MDDSCPOff {
		c.MDDSCP, c.MDDSCPMask = DefaultMDDSCP, DefaultMDDSCPMask
	}
	if c.MDDSCP > 63 || c.MDDSCPMask > 63 {
		return c, fmt.Errorf("report: config: INT DSCP %#x/%#x: DSCP has 6 bits", c.MDDSCP, c.MDDSCPMask)
	}
	if c.MDDSCP&^c.MDDSCPMask != 0 {
		return c, fmt.Errorf("report: config: INT DSCP %#x has bits outside mask %#x", c.MDDSCP, c.MDDSCPMask)
	}
	for _, s := range c.SourceOnly {
		if s.Bytes < 0 || s.Bytes%4 != 0 || s.Bytes > 1020 {
			return c, fmt.Errorf("report: config: source-only metadata of domain %#x: %d bytes is not a multiple of 4 in 0..1020", s.DomainID, s.Bytes)
		}
	}
	if c.MaxTruncated == 0 {
		c.MaxTruncated = DefaultMaxTruncated
	}
	if c.MaxTruncated < 0 {
		return c, errors.New("report: config: MaxTruncated must not be negative")
	}
	if c.MaxFrame == 0 {
		c.MaxFrame = DefaultMaxFrame
	}
	if c.MaxFrame < 64 || c.MaxFrame > 65535 {
		return c, fmt.Errorf("report: config: MaxFrame %d not in 64..65535", c.MaxFrame)
	}
	for _, p := range c.ReportPorts {
		for _, q := range c.SCIONPorts {
			if p == q {
				return c, fmt.Errorf("report: config: port %d is both a report port and a SCION port", p)
			}
		}
		if p == 0 {
			return c, errors.New("report: config: report port 0")
		}
	}
	return c, nil
}

// portSet is a bitmap of UDP ports.
type portSet [65536 / 64]uint64

func (s *portSet) add(p uint16)      { s[p>>6] |= 1 << (p & 63) }
func (s *portSet) has(p uint16) bool { return s[p>>6]&(1<<(p&63)) != 0 }
func (s *portSet) addAll(ps []uint16) {
	for _, p := range ps {
		s.add(p)
	}
}
