package main

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

var (
	blue = color.RGBA{52, 101, 164, 255}
	red  = color.RGBA{204, 0, 0, 255}
	dark = color.RGBA{40, 40, 40, 255}
)

// bar is one bar of a chart: the median and the spread (min, max).
type bar struct {
	label         string
	med, min, max float64
	highlight     bool
}

// barChart draws horizontal bars (the median, highlighted ones red) with
// a min-max whisker and the median's value.
func barChart(path, title, unit string, bars []bar) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = unit
	p.X.Min = 0
	n := len(bars)
	var labels []string
	for i := range bars {
		b := bars[n-1-i] // the first bar on top
		labels = append(labels, b.label)
		c := blue
		if b.highlight {
			c = red
		}
		bc, err := plotter.NewBarChart(plotter.Values{b.med}, vg.Points(16))
		if err != nil {
			return fmt.Errorf("chart %s: %w", path, err)
		}
		bc.Horizontal, bc.Color, bc.LineStyle.Width, bc.Offset = true, c, 0, 0
		bc.XMin = float64(i)
		p.Add(bc)
		if b.max > b.min {
			eb, err := plotter.NewXErrorBars(whisker{b.med, float64(i), b.min, b.max})
			if err != nil {
				return fmt.Errorf("chart %s: %w", path, err)
			}
			eb.Color = dark
			p.Add(eb)
		}
		lbl, err := plotter.NewLabels(plotter.XYLabels{XYs: []plotter.XY{{X: math.Max(b.med, b.max), Y: float64(i)}},
			Labels: []string{"  " + fmtNum(b.med) + " " + unit}})
		if err != nil {
			return fmt.Errorf("chart %s: %w", path, err)
		}
		p.Add(lbl)
	}
	p.NominalY(labels...)
	hi := 0.0
	for _, b := range bars {
		hi = math.Max(hi, math.Max(b.med, b.max))
	}
	p.X.Max = hi * 1.3 // room for the value labels
	return p.Save(vg.Points(900), vg.Points(float64(90+30*n)), path)
}

// whisker is one bar's min-max range as XErrorBars: x is the median, y the
// bar's row.
type whisker struct{ x, y, lo, hi float64 }

func (w whisker) Len() int                       { return 1 }
func (w whisker) XY(int) (float64, float64)      { return w.x, w.y }
func (w whisker) XError(int) (low, high float64) { return w.x - w.lo, w.hi - w.x }

// lineChart draws one series against its index (seconds).
func lineChart(path, title, unit string, ys []float64) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "seconds"
	p.Y.Label.Text = unit
	pts := make(plotter.XYs, len(ys))
	for i, y := range ys {
		pts[i] = plotter.XY{X: float64(i), Y: y}
	}
	if len(pts) > 0 {
		l, s, err := plotter.NewLinePoints(pts)
		if err != nil {
			return fmt.Errorf("chart %s: %w", path, err)
		}
		l.Color, s.Color, s.Radius = blue, blue, vg.Points(1.5)
		p.Add(l, s)
	}
	p.Add(plotter.NewGrid())
	return p.Save(vg.Points(800), vg.Points(320), path)
}

// seriesChart draws several named series over the same categories (x),
// with a legend, on a log10 y axis (latencies span orders of magnitude),
// each point labelled with its value.
func seriesChart(path, title, unit, xtitle string, xs, order []string, series map[string][]float64) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xtitle
	p.Y.Label.Text = unit + " (log scale)"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Legend.Top, p.Legend.Left = true, true
	colors := []color.Color{blue, red, dark}
	for si, name := range order {
		var pts plotter.XYs
		var labels []string
		for i, y := range series[name] {
			if y > 0 { // log scale: no zero
				pts = append(pts, plotter.XY{X: float64(i), Y: y})
				labels = append(labels, "  "+fmtNum(y))
			}
		}
		if len(pts) == 0 {
			continue
		}
		l, s, err := plotter.NewLinePoints(pts)
		if err != nil {
			return fmt.Errorf("chart %s: %w", path, err)
		}
		c := colors[si%len(colors)]
		l.Color, s.Color = c, c
		lbl, err := plotter.NewLabels(plotter.XYLabels{XYs: pts, Labels: labels})
		if err != nil {
			return fmt.Errorf("chart %s: %w", path, err)
		}
		for i := range lbl.TextStyle {
			lbl.TextStyle[i].Color = c
		}
		p.Add(l, s, lbl)
		p.Legend.Add(name, l, s)
	}
	p.NominalX(xs...)
	p.Add(plotter.NewGrid())
	return p.Save(vg.Points(800), vg.Points(420), path)
}

// fmtNum prints v with 3 significant digits, k/M suffixes.
func fmtNum(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6:
		return fmt.Sprintf("%.3gM", v/1e6)
	case a >= 1e4:
		return fmt.Sprintf("%.3gk", v/1e3)
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	default:
		return fmt.Sprintf("%.3g", v)
	}
}
