package metrics

import (
	"context"
	"flag"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"wire2kafka/deploy/prometheus/promtest"
)

var chartOut = flag.String("dashboard-png", "", "write the per-stage rate chart of TestPrometheusEndToEnd to this PNG file (e.g. ../../docs/dashboard.png)")

// renderChart draws per-stage packet rates from Prometheus range queries
// over [from, to] into a PNG and returns its path.
func renderChart(ctx context.Context, t *testing.T, prom *promtest.Server, from, to time.Time) string {
	t.Helper()
	type line struct {
		name string
		s    series
	}
	var lines []line
	for _, q := range []struct{ name, expr string }{
		{"", `sum by (stage) (rate(wire2kafka_packets_in_total[3s]))`},
		{"kafka delivered", `sum(rate(wire2kafka_kafka_reports_delivered_total[3s]))`},
		{"dropped", `sum(rate(wire2kafka_packets_dropped_total[3s]))`},
	} {
		res, err := queryRange(ctx, prom, q.expr, from, to, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if len(res) == 0 {
			t.Errorf("chart: %s: no data", q.expr)
		}
		for _, s := range res {
			name := q.name
			if name == "" {
				name = s.labels["stage"] + " in"
			}
			lines = append(lines, line{name, s})
		}
	}
	order := map[string]int{"rx in": 0, "acl in": 1, "flow in": 2, "kafka in": 3}
	sort.SliceStable(lines, func(i, j int) bool {
		oi, ok := order[lines[i].name]
		if !ok {
			oi = 9
		}
		oj, ok := order[lines[j].name]
		if !ok {
			oj = 9
		}
		return oi < oj
	})
	pl := plot.New()
	pl.Title.Text = "packets/s entering each stage (prometheus range queries, test run)"
	pl.X.Label.Text = "seconds"
	pl.Y.Label.Text = "packets/s"
	pl.Legend.Top = true
	pl.Add(plotter.NewGrid())
	palette := plotutil.SoftColors
	for i, l := range lines {
		pts := make(plotter.XYs, len(l.s.t))
		for j := range l.s.t {
			pts[j] = plotter.XY{X: l.s.t[j] - float64(from.Unix()), Y: l.s.v[j]}
		}
		ln, err := plotter.NewLine(pts)
		if err != nil {
			t.Fatal(err)
		}
		ln.Color, ln.Width = palette[i%len(palette)], vg.Points(1.5)
		pl.Add(ln)
		pl.Legend.Add(l.name, ln)
	}
	path := *chartOut
	if path == "" {
		path = filepath.Join(t.TempDir(), "dashboard.png")
	}
	if err := pl.Save(vg.Points(960), vg.Points(480), path); err != nil {
		t.Fatal(err)
	}
	return path
}
