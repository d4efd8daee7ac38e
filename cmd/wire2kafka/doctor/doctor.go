// Package doctor checks a host for one wire2kafka config: hugepages, IOMMU
// and vfio-pci, the PCI ports' drivers and NUMA nodes, CPU isolation of the
// polling lcores, CPUs left for librdkafka, the Kafka cluster and topics,
// and the metrics port. Each check passes, warns or fails, with the fix.
// It reads sysfs and procfs under configurable roots, so tests can give it
// fake trees for what a machine cannot show.
package doctor

import (
	"fmt"
	"io"
	"time"

	"wire2kafka/config"
)

// Status is a check's verdict.
type Status int

// Verdicts, worst last.
const (
	Skip Status = iota // not applicable to this config
	Pass
	Warn
	Fail
)

func (s Status) String() string { return [...]string{"skip", "pass", "warn", "FAIL"}[s] }

// Result is one check's verdict, what it saw, and the fix when not Pass.
type Result struct {
	Check  string
	Status Status
	Detail string
	Fix    string
}

// Host names where the host's facts are read: the sysfs and procfs roots
// ("/sys" and "/proc" on a real host).
type Host struct {
	Sys, Proc string
	// KafkaTimeout bounds the Kafka checks. Default 5s.
	KafkaTimeout time.Duration
}

// Run runs every check for cfg and plan on h.
func Run(cfg *config.Config, plan *config.Plan, h Host) []Result {
	if h.Sys == "" {
		h.Sys = "/sys"
	}
	if h.Proc == "" {
		h.Proc = "/proc"
	}
	if h.KafkaTimeout == 0 {
		h.KafkaTimeout = 5 * time.Second
	}
	var rs []Result
	rs = append(rs, hugepages(cfg, plan, h)...)
	rs = append(rs, pci(cfg, plan, h)...)
	rs = append(rs, cpus(cfg, plan, h)...)
	rs = append(rs, kafkaChecks(cfg, plan, h)...)
	rs = append(rs, metricsPort(cfg))
	return rs
}

// Write prints rs, one line per check and its fix, and returns the worst
// status.
func Write(w io.Writer, rs []Result) Status {
	worst := Skip
	for _, r := range rs {
		fmt.Fprintf(w, "%-4s  %-22s %s\n", r.Status, r.Check, r.Detail)
		if r.Fix != "" && r.Status >= Warn {
			fmt.Fprintf(w, "      %-22s fix: %s\n", "", r.Fix)
		}
		worst = max(worst, r.Status)
	}
	return worst
}
