package pipeline

import (
	"fmt"
	"sort"
	"strings"
	"wire2kafka/report/intdecode"

	"wire2kafka/config"
)

// Accounting sums the drops of every stage by reason and checks that each
// worker balances (in = out + drops + queued). It returns one line for the
// end of a run, like
//
//	accounting: 75000 received = 74888 into Kafka messages + 112 dropped (parse_error 112) + 0 queued; every worker balances
//
// followed by "; N individual reports lost in packets that gave others
// (bad_length N)" when a Telemetry Report group lost some of its reports.
func Accounting(stats []WorkerStats) string {
	var rx, kafkaOut, queued, lost, copies uint64
	lostBy := map[string]uint64{}
	drops := map[string]uint64{}
	var unbalanced []string
	for _, s := range stats {
		if s.Kind == config.KindRX {
			rx += s.In
		}
		if s.Kind == config.KindKafka {
			kafkaOut += s.Out
		}
		queued += s.Queued
		copies += s.Copies
		for r, n := range s.ReportErrors {
			if n > 0 {
				lost += n
				lostBy[intdecode.Reason(r).String()] += n
			}
		}
		for r, n := range s.Drops {
			if n > 0 {
				drops[Reason(r).String()] += n
			}
		}
		if !s.Balanced() {
			unbalanced = append(unbalanced, s.Name)
		}
	}
	var total uint64
	var parts []string
	for r, n := range drops {
		total += n
		parts = append(parts, fmt.Sprintf("%s %d", r, n))
	}
	sort.Strings(parts)
	verdict := "every worker balances"
	if len(unbalanced) > 0 {
		verdict = "UNBALANCED: " + strings.Join(unbalanced, ", ")
	}
	received := fmt.Sprint(rx)
	if copies > 0 {
		received = fmt.Sprintf("%d (+ %d copies of groups split by flow)", rx, copies)
	}
	line := fmt.Sprintf("accounting: %s received = %d into Kafka messages + %d dropped (%s) + %d queued; %s",
		received, kafkaOut, total, strings.Join(parts, ", "), queued, verdict)
	if lost > 0 {
		var lp []string
		for r, n := range lostBy {
			lp = append(lp, fmt.Sprintf("%s %d", r, n))
		}
		sort.Strings(lp)
		line += fmt.Sprintf("; %d individual reports lost in packets that gave others (%s)", lost, strings.Join(lp, ", "))
	}
	return line
}
