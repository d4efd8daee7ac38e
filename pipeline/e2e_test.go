package pipeline

import (
	"strings"
	"testing"
	"wire2kafka/report/intdecode"

	"wire2kafka/config"
	"wire2kafka/kafkaout"
)

const trRule = `  - name: telemetry-reports
    protocol: udp
    dst_port: 32766
    priority: 100
    kafka_topic: "{sink}"
    output: %s
`

// TestEndToEndBatch: capture -> net_pcap -> RX -> ACL -> flow -> Kafka
// worker -> recording sink; every report once, equal to the truth, in
// per-flow order; malformed packets are parse errors; unmatched ones no_rule.
func TestEndToEndBatch(t *testing.T) {
	for _, tt := range []struct {
		name    string
		capture string
		layout  layout
	}{
		{"one-lcore", "tr", oneLcore},
		{"two-lcores", "tr-2lcores", twoLcores},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := captures[tt.capture]
			plan := testPlan(t, c, tt.layout, 4096, "", sprintf(trRule, "batch"))
			rec := kafkaout.NewRecorder(64)
			r := run(t, plan, rec, c, nil)
			r.checkAccounting(t, c.packets)
			if line := Accounting(r.stats); !strings.Contains(line, sprintf("%d received = ", c.packets)) || !strings.Contains(line, "every worker balances") {
				t.Errorf("accounting line %q", line)
			}
			acl, kafka := r.sum(config.KindACL), r.sum(config.KindKafka)
			parseErrors := acl.ParseErrors
			for i := range parseErrors {
				parseErrors[i] += kafka.ParseErrors[i]
			}
			if acl.Drops[DropNoRule] != uint64(c.other) {
				t.Errorf("no_rule %d, want the %d unmatched packets", acl.Drops[DropNoRule], c.other)
			}
			if n := acl.Drops[DropParseError] + kafka.Drops[DropParseError]; n != uint64(len(c.truth.Malformed)) {
				t.Errorf("parse errors %d, want %d malformed", n, len(c.truth.Malformed))
			}
			want := map[intdecode.Reason]uint64{}
			for _, m := range c.truth.Malformed {
				reason, ok := intdecode.ParseReason(m.Reason)
				if !ok {
					t.Fatalf("truth reason %q", m.Reason)
				}
				want[reason]++
			}
			for reason, n := range want {
				if parseErrors[reason] != n {
					t.Errorf("parse errors %s: %d, want %d", reason, parseErrors[reason], n)
				}
			}
			// Individual reports lost in groups whose other reports went on.
			lost := map[intdecode.Reason]uint64{}
			for _, l := range c.truth.Lost {
				reason, _ := intdecode.ParseReason(l.Reason)
				lost[reason]++
			}
			for reason := range intdecode.NumReasons {
				if kafka.ReportErrors[reason] != lost[reason] {
					t.Errorf("report errors %s: %d, want %d", reason, kafka.ReportErrors[reason], lost[reason])
				}
			}
			if n := len(c.truth.Lost); n > 0 && !strings.Contains(Accounting(r.stats), sprintf("%d individual reports lost in packets that gave others (bad_length %d)", n, n)) {
				t.Errorf("accounting line %q does not count the %d lost reports", Accounting(r.stats), n)
			}
			if tt.capture == "tr-2lcores" && len(c.truth.Lost) == 0 {
				t.Error("the mixed capture has no group with a lost report")
			}
			msgs := rec.Messages()
			d := decodeRecorded(t, msgs)
			if d.types[kafkaout.PayloadReportBatch] != len(msgs) {
				t.Errorf("payload types %v, want only report batches", d.types)
			}
			if kafka.Reports != uint64(d.count) || kafka.Messages != uint64(len(msgs)) {
				t.Errorf("kafka worker counted %d reports in %d messages; sink got %d in %d", kafka.Reports, kafka.Messages, d.count, len(msgs))
			}
			checkTruth(t, d, c, false)
			for _, m := range msgs {
				if m.Topic != "ASff00_0_1-1" {
					t.Fatalf("topic %q", m.Topic)
				}
			}
		})
	}
}
