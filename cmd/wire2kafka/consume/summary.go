package consume

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"

	"wire2kafka/kafkaout"
	"wire2kafka/report/reportpb"
)

// flowsShown is how many flows per topic Summary prints.
const flowsShown = 10

// topicSummary counts the messages of one topic.
type topicSummary struct {
	messages int
	items    int // reports, packets, histograms
	byType   map[kafkaout.PayloadType]int
	flows    map[string]int // key -> reports
	keyText  map[string]string
}

// Summary counts consumed messages per topic and per flow and keeps the
// first decoded report, for a short end-of-run printout (the demo's).
// Not safe for concurrent use.
type Summary struct {
	topics   map[string]*topicSummary
	messages int
	items    int
	first    *reportpb.Report
	firstKey *reportpb.FlowKey
	firstAt  string
}

// NewSummary returns an empty summary.
func NewSummary() *Summary { return &Summary{topics: map[string]*topicSummary{}} }

// Add counts one decoded message.
func (s *Summary) Add(m *Message, d *Decoded) {
	t := s.topics[m.Topic]
	if t == nil {
		t = &topicSummary{byType: map[kafkaout.PayloadType]int{}, flows: map[string]int{}, keyText: map[string]string{}}
		s.topics[m.Topic] = t
	}
	n := d.Count()
	t.messages++
	t.items += n
	t.byType[d.Type]++
	s.messages++
	s.items += n
	k := string(m.Key)
	if _, ok := t.keyText[k]; !ok {
		if d.FlowKey != nil {
			t.keyText[k] = FormatFlowKey(d.FlowKey)
		} else {
			t.keyText[k] = fmt.Sprintf("%q", d.KeyName)
		}
	}
	t.flows[k] += n
	if reps := d.Reports(); s.first == nil && len(reps) > 0 {
		s.first, s.firstKey = reps[0], d.FlowKey
		s.firstAt = fmt.Sprintf("%s/%d@%d", m.Topic, m.Partition, m.Offset)
	}
}

// Messages returns the messages and the reports (or packets) counted.
func (s *Summary) Messages() (messages, items int) { return s.messages, s.items }

// Write prints the summary: per topic the messages by type, reports and
// flows (the largest flowsShown), one decoded report, and the totals.
func (s *Summary) Write(w io.Writer) {
	names := make([]string, 0, len(s.topics))
	for n := range s.topics {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t := s.topics[n]
		var parts []string
		for _, pt := range []kafkaout.PayloadType{kafkaout.PayloadReport, kafkaout.PayloadReportBatch, kafkaout.PayloadPacketBatch, kafkaout.PayloadHistogram, kafkaout.PayloadStats, kafkaout.PayloadStatsJSON} {
			if c := t.byType[pt]; c > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", pt, c))
			}
		}
		fmt.Fprintf(w, "topic %s: %d messages (%s), %d reports/packets, %d keys\n", n, t.messages, strings.Join(parts, ", "), t.items, len(t.flows))
		keys := make([]string, 0, len(t.flows))
		for k := range t.flows {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if t.flows[keys[i]] != t.flows[keys[j]] {
				return t.flows[keys[i]] > t.flows[keys[j]]
			}
			return t.keyText[keys[i]] < t.keyText[keys[j]]
		})
		for i, k := range keys {
			if i == flowsShown {
				fmt.Fprintf(w, "  ... %d more keys\n", len(keys)-flowsShown)
				break
			}
			fmt.Fprintf(w, "  %8d  %s\n", t.flows[k], t.keyText[k])
		}
	}
	if s.first != nil {
		js, _ := protojson.Marshal(s.first)
		fmt.Fprintf(w, "first report (%s, key %s):\n  %s\n  %s\n", s.firstAt, FormatFlowKey(s.firstKey), FormatReport(s.first), js)
	}
	fmt.Fprintf(w, "total: %d topics, %d messages, %d reports/packets\n", len(s.topics), s.messages, s.items)
}
