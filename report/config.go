package report

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
	// DefaultMaxReports bounds the reports decoded from one packet.
	DefaultMaxReports = 8
	// DefaultINTDSCP and DefaultINTDSCPMask select the inner packets that
	// carry an INT-MD shim after their TCP/UDP header: DSCP&mask == value.
	DefaultINTDSCP     = 0x20
	DefaultINTDSCPMask = 0x20
)

// DefaultSCIONPorts are the underlay UDP ports of SCION traffic checked by
// default (end host dispatcher 30041, 30042, border router 50000).
var DefaultSCIONPorts = []uint16{30041, 30042, 50000}

// Config configures a Decoder. The zero value means all defaults.
type Config struct {
	// ReportPorts are the UDP destination ports of Telemetry Report
	// packets. Default [DefaultReportPort].
	ReportPorts []uint16
	// SCIONPorts are the underlay UDP ports (source or destination) of
	// SCION packets. Default DefaultSCIONPorts.
	SCIONPorts []uint16
	// INTDSCP and INTDSCPMask: an inner IPv4/IPv6 packet of a Telemetry
	// Report carries an INT-MD shim after its L4 header when
	// DSCP&INTDSCPMask == INTDSCP. Default 0x20/0x20; mask 0 with value 0
	// after defaults would match every packet, so set NoINTDSCP to disable.
	INTDSCP, INTDSCPMask uint8
	// NoINTDSCP disables INT-MD stack parsing in inner packets.
	NoINTDSCP bool
	// MaxTruncated bounds Report.Truncated in bytes. Default 128.
	MaxTruncated int
	// MaxReports bounds the reports taken from one packet (a Telemetry
	// Report group may hold several). Default 8, at most 64.
	MaxReports int
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
	if c.INTDSCP == 0 && c.INTDSCPMask == 0 {
		c.INTDSCP, c.INTDSCPMask = DefaultINTDSCP, DefaultINTDSCPMask
	}
	if c.INTDSCP > 63 || c.INTDSCPMask > 63 {
		return c, fmt.Errorf("report: config: INT DSCP %#x/%#x: DSCP has 6 bits", c.INTDSCP, c.INTDSCPMask)
	}
	if c.INTDSCP&^c.INTDSCPMask != 0 {
		return c, fmt.Errorf("report: config: INT DSCP %#x has bits outside mask %#x", c.INTDSCP, c.INTDSCPMask)
	}
	if c.MaxTruncated == 0 {
		c.MaxTruncated = DefaultMaxTruncated
	}
	if c.MaxTruncated < 0 {
		return c, errors.New("report: config: MaxTruncated must not be negative")
	}
	if c.MaxReports == 0 {
		c.MaxReports = DefaultMaxReports
	}
	if c.MaxReports < 0 || c.MaxReports > 64 {
		return c, fmt.Errorf("report: config: MaxReports %d not in 1..64", c.MaxReports)
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
