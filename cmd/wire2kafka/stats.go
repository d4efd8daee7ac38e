package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"wire2kafka/config"
	"wire2kafka/pipeline"
)

func init() {
	register(command{name: "stats", summary: "print a running daemon's counter table from its /metrics (--watch refreshes it)", run: runStats})
}

func runStats(args []string) error { return statsCmd(args, os.Stdout) }

func statsCmd(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	url := fs.String("u", "http://127.0.0.1:9469/metrics", "the daemon's metrics URL (metrics.listen of its config)")
	watch := fs.Duration("watch", 0, "refresh every this long, with rates; 0: print once")
	count := fs.Int("n", 0, "with --watch: stop after this many tables; 0: until interrupted")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	client := &http.Client{Timeout: 10 * time.Second}
	var prev *scrape
	for n := 1; ; n++ {
		cur, err := fetchScrape(client, *url)
		if err != nil {
			return err
		}
		if *watch > 0 {
			fmt.Fprintf(out, "\n%s  %s\n", cur.at.Format(time.TimeOnly), *url)
		}
		if err := cur.write(out, prev); err != nil {
			return err
		}
		if *watch <= 0 || n == *count {
			return nil
		}
		prev = cur
		time.Sleep(*watch)
	}
}

// scrape is one read of a daemon's /metrics, turned back into the
// pipeline's worker statistics and the Kafka sink's totals.
type scrape struct {
	at      time.Time
	workers []pipeline.WorkerStats
	kafka   map[string]float64 // wire2kafka_kafka_* and wire2kafka_discard_* summed over connections
	failed  map[string]float64 // failed messages by reason
	ports   map[string]*portCounts
}

// portCounts are the DPDK counters of one port.
type portCounts struct {
	received, lost uint64 // ipackets; imissed + ierrors + rx_nombuf
}

// portRows builds the daemon's [nic-port-NAME] and [nic] rows (see
// pipeline.PortRows), with the receive rate against prev.
func (s *scrape) portRows(prev *scrape, dt time.Duration) []pipeline.TableRow {
	names := make([]string, 0, len(s.ports))
	for n := range s.ports {
		names = append(names, n)
	}
	sort.Strings(names)
	sum := pipeline.TableRow{Name: "[nic]", RingSpace: -1}
	var rows []pipeline.TableRow
	for _, n := range names {
		c := s.ports[n]
		r := pipeline.TableRow{Name: "[nic-port-" + n + "]", In: c.received, Out: c.received, Drops: c.lost, RingSpace: -1}
		if prev != nil && dt > 0 {
			if pc, ok := prev.ports[n]; ok && c.received >= pc.received {
				r.InMpps = float64(c.received-pc.received) / dt.Seconds() / 1e6
			}
		}
		rows = append(rows, r)
		sum.In += r.In
		sum.Out += r.Out
		sum.Drops += r.Drops
		sum.InMpps += r.InMpps
	}
	if len(rows) == 0 {
		return nil
	}
	return append(rows, sum)
}

func fetchScrape(c *http.Client, url string) (*scrape, error) {
	resp, err := c.Get(url)
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("stats: %s: %s", url, resp.Status)
	}
	return parseScrape(resp.Body, time.Now())
}

// parseScrape reads the Prometheus text format of wire2kafka's /metrics.
func parseScrape(r io.Reader, at time.Time) (*scrape, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		return nil, fmt.Errorf("stats: parse metrics: %w", err)
	}
	s := &scrape{at: at, kafka: map[string]float64{}, failed: map[string]float64{}, ports: map[string]*portCounts{}}
	port := func(m *dto.Metric) *portCounts {
		n := labels(m)["port"]
		if s.ports[n] == nil {
			s.ports[n] = &portCounts{}
		}
		return s.ports[n]
	}
	byName := map[string]*pipeline.WorkerStats{}
	worker := func(m *dto.Metric) *pipeline.WorkerStats {
		l := labels(m)
		w := byName[l["worker"]]
		if w == nil {
			w = &pipeline.WorkerStats{RingFree: -1}
			w.Name, w.Pipeline = l["worker"], l["pipeline"]
			w.Kind = kindOf(l["stage"])
			byName[w.Name] = w
		}
		return w
	}
	reasons := map[string]int{}
	for i := range pipeline.NumReasons {
		reasons[i.String()] = int(i)
	}
	for name, f := range fams {
		for _, m := range f.Metric {
			v := value(m)
			switch name {
			case "wire2kafka_packets_in_total":
				worker(m).In = uint64(v)
			case "wire2kafka_packets_out_total":
				worker(m).Out = uint64(v)
			case "wire2kafka_packets_queued":
				worker(m).Queued = uint64(v)
			case "wire2kafka_packets_dropped_total":
				if i, ok := reasons[labels(m)["reason"]]; ok {
					worker(m).Drops[i] = uint64(v)
				}
			case "wire2kafka_ring_free_slots":
				worker(m).RingFree = int(v)
			case "wire2kafka_ring_capacity_slots":
				worker(m).RingCap = int(v)
			case "wire2kafka_port_rx_packets_total":
				port(m).received = uint64(v)
			case "wire2kafka_port_rx_missed_total", "wire2kafka_port_rx_errors_total", "wire2kafka_port_rx_nombuf_total":
				port(m).lost += uint64(v)
			case "wire2kafka_kafka_messages_failed_total":
				s.failed[labels(m)["reason"]] += v
			default:
				if strings.HasPrefix(name, "wire2kafka_kafka_") || strings.HasPrefix(name, "wire2kafka_discard_") {
					s.kafka[strings.TrimPrefix(name, "wire2kafka_")] += v
				}
			}
		}
	}
	if len(byName) == 0 {
		return nil, errors.New("stats: no wire2kafka worker metrics in the response (is this a wire2kafka /metrics URL?)")
	}
	for _, w := range byName {
		s.workers = append(s.workers, *w)
	}
	sort.Slice(s.workers, func(i, j int) bool { return s.workers[i].Name < s.workers[j].Name })
	return s, nil
}

func labels(m *dto.Metric) map[string]string {
	l := make(map[string]string, len(m.Label))
	for _, p := range m.Label {
		l[p.GetName()] = p.GetValue()
	}
	return l
}

func value(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Untyped != nil:
		return m.Untyped.GetValue()
	}
	return 0
}

func kindOf(stage string) config.Kind {
	for _, k := range []config.Kind{config.KindRX, config.KindACL, config.KindFlow, config.KindKafka} {
		if k.String() == stage {
			return k
		}
	}
	return config.Kind(255)
}

// write prints the table (rates against prev when given) and the sink
// line: the daemon's own table, NIC port rows first.
func (s *scrape) write(w io.Writer, prev *scrape) error {
	var pw []pipeline.WorkerStats
	var dt time.Duration
	if prev != nil && sameWorkers(prev.workers, s.workers) {
		pw, dt = prev.workers, s.at.Sub(prev.at)
	}
	rows := append(s.portRows(prev, dt), pipeline.Rows(s.workers, pw, dt)...)
	if err := pipeline.WriteTable(w, rows); err != nil {
		return err
	}
	k := s.kafka
	switch {
	case k["kafka_messages_submitted_total"] > 0 || k["kafka_stats_events_total"] > 0 || k["kafka_messages_delivered_total"] > 0:
		rate := ""
		if prev != nil && dt > 0 {
			rate = fmt.Sprintf(" (%.0f reports/s)", (k["kafka_reports_delivered_total"]-prev.kafka["kafka_reports_delivered_total"])/dt.Seconds())
		}
		var failed []string
		for r, n := range s.failed {
			failed = append(failed, fmt.Sprintf("%s %.0f", r, n))
		}
		sort.Strings(failed)
		_, err := fmt.Fprintf(w, "[kafka-conn] delivered %.0f messages (%.0f reports%s, %.0f bytes), failed %.0f (%.0f reports) [%s], in flight %.0f, queued %.0f, brokers up %.0f\n",
			k["kafka_messages_delivered_total"], k["kafka_reports_delivered_total"], rate, k["kafka_bytes_delivered_total"],
			sum(s.failed), k["kafka_reports_failed_total"], strings.Join(failed, ", "),
			k["kafka_messages_in_flight"], k["kafka_messages_queued"], k["kafka_brokers_up"])
		return err
	case k["discard_messages_total"] > 0:
		_, err := fmt.Fprintf(w, "[discard] %.0f messages, %.0f reports, %.0f bytes\n", k["discard_messages_total"], k["discard_reports_total"], k["discard_bytes_total"])
		return err
	}
	_, err := fmt.Fprintln(w, "[kafka-conn] no messages yet")
	return err
}

func sum(m map[string]float64) float64 {
	var n float64
	for _, v := range m {
		n += v
	}
	return n
}

func sameWorkers(a, b []pipeline.WorkerStats) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name {
			return false
		}
	}
	return true
}
