// Command gendash writes the Grafana dashboard deploy/grafana/dashboards/
// wire2kafka.json with the Grafana Foundation SDK:
//
//	go run ./deploy/grafana/gendash > deploy/grafana/dashboards/wire2kafka.json
//
// Every panel's expressions are evaluated against a real Prometheus
// scraping the daemon by pipeline/metrics' tests; gendash_test.go fails
// when the committed JSON is not what this program writes.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

func main() {
	b, err := generate()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendash:", err)
		os.Exit(1)
	}
	os.Stdout.Write(b)
}

// generate returns the dashboard JSON.
func generate() ([]byte, error) {
	d := dashboard.NewDashboardBuilder("wire2kafka: where are my packets?").
		Uid("wire2kafka-overview").
		Tags([]string{"wire2kafka", "dpdk", "kafka"}).
		Timezone("browser").
		Editable().
		Refresh("5s").
		Time("now-15m", "now").
		WithVariable(variable("pipeline", `label_values(wire2kafka_packets_in_total, pipeline)`)).
		WithVariable(variable("worker", `label_values(wire2kafka_packets_in_total{pipeline=~"$pipeline"}, worker)`))
	for _, s := range sections {
		d.WithRow(dashboard.NewRowBuilder(s.title))
		for _, p := range s.panels {
			d.WithPanel(p.builder())
		}
	}
	dash, err := d.Build()
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(dash, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// ds is the provisioned Prometheus data source (provisioning/datasources).
var ds = common.DataSourceRef{Type: cog.ToPtr("prometheus"), Uid: cog.ToPtr("wire2kafka-prometheus")}

func variable(name, query string) *dashboard.QueryVariableBuilder {
	return dashboard.NewQueryVariableBuilder(name).
		Label(name).
		Datasource(ds).
		Query(dashboard.StringOrMap{String: cog.ToPtr(query)}).
		Definition(query).
		Refresh(dashboard.VariableRefreshOnTimeRangeChanged).
		Sort(dashboard.VariableSortAlphabeticalAsc).
		IncludeAll(true).
		Multi(true).
		AllValue(".*")
}

// kind is a panel type.
type kind int

const (
	series kind = iota // timeseries
	bars               // bargauge, instant queries
	single             // stat, instant queries
)

// target is one query of a panel: its expression and legend.
type target struct{ expr, legend string }

// panel is one panel of the dashboard.
type panel struct {
	title   string
	kind    kind
	unit    string // default "short"
	width   uint32 // of 24; default 12
	desc    string
	stack   bool
	min     *float64
	max     *float64
	targets []target
}

func (p panel) queries(instant bool) []cog.Builder[variants.Dataquery] {
	var qs []cog.Builder[variants.Dataquery]
	for i, t := range p.targets {
		q := prometheus.NewDataqueryBuilder().Datasource(ds).Expr(t.expr).LegendFormat(t.legend).RefId(string(rune('A' + i)))
		if instant {
			q.Instant()
		}
		qs = append(qs, q)
	}
	return qs
}

func (p panel) builder() cog.Builder[dashboard.Panel] {
	unit, width := p.unit, p.width
	if unit == "" {
		unit = "short"
	}
	if width == 0 {
		width = 12
	}
	legend := common.NewVizLegendOptionsBuilder().DisplayMode(common.LegendDisplayModeTable).
		Placement(common.LegendPlacementRight).Calcs([]string{"lastNotNull", "max"}).ShowLegend(true)
	switch p.kind {
	case bars:
		return bargauge.NewPanelBuilder().Title(p.title).Description(p.desc).Datasource(ds).Unit(unit).Span(width).Height(8).
			Targets(p.queries(true)).Orientation(common.VizOrientationHorizontal).
			DisplayMode(common.BarGaugeDisplayModeGradient).ShowUnfilled(true).
			ReduceOptions(common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}))
	case single:
		return stat.NewPanelBuilder().Title(p.title).Description(p.desc).Datasource(ds).Unit(unit).Span(width).Height(8).
			Targets(p.queries(true)).Orientation(common.VizOrientationHorizontal).
			ReduceOptions(common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}))
	}
	stacking := common.StackingModeNone
	if p.stack {
		stacking = common.StackingModeNormal
	}
	ts := timeseries.NewPanelBuilder().Title(p.title).Description(p.desc).Datasource(ds).Unit(unit).Span(width).Height(8).
		Targets(p.queries(false)).Legend(legend).
		Tooltip(common.NewVizTooltipOptionsBuilder().Mode(common.TooltipDisplayModeMulti)).
		DrawStyle(common.GraphDrawStyleLine).LineWidth(1).FillOpacity(10).ShowPoints(common.VisibilityModeNever).
		Stacking(common.NewStackingConfigBuilder().Mode(stacking))
	if p.min != nil {
		ts.Min(*p.min)
	}
	if p.max != nil {
		ts.Max(*p.max)
	}
	return ts
}

// section is a row and its panels.
type section struct {
	title  string
	panels []panel
}
