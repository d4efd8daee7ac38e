package metrics

import (
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

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
	c := newChart(960, 480, "packets/s entering each stage (prometheus range queries, test run)", float64(from.Unix()), float64(to.Unix()))
	for _, l := range lines {
		c.add(l.name, l.s.t, l.s.v)
	}
	path := *chartOut
	if path == "" {
		path = filepath.Join(t.TempDir(), "dashboard.png")
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, c.draw()); err != nil {
		t.Fatal(err)
	}
	return path
}

type chartLine struct {
	name string
	t, v []float64
}

type chart struct {
	w, h   int
	title  string
	t0, t1 float64
	lines  []chartLine
}

func newChart(w, h int, title string, t0, t1 float64) *chart {
	return &chart{w: w, h: h, title: title, t0: t0, t1: t1}
}

func (c *chart) add(name string, t, v []float64) { c.lines = append(c.lines, chartLine{name, t, v}) }

var palette = []color.RGBA{{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {148, 103, 189, 255},
	{23, 190, 207, 255}, {214, 39, 40, 255}, {140, 86, 75, 255}}

func (c *chart) draw() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, c.w, c.h))
	fill(img, img.Bounds(), color.RGBA{255, 255, 255, 255})
	left, right, top, bottom := 90, c.w-250, 40, c.h-50
	vmax := 0.0
	for _, l := range c.lines {
		for _, v := range l.v {
			if !math.IsNaN(v) {
				vmax = max(vmax, v)
			}
		}
	}
	vmax = niceCeil(vmax)
	grey, black := color.RGBA{220, 220, 220, 255}, color.RGBA{0, 0, 0, 255}
	text(img, left, 12, c.title, black)
	for i := 0; i <= 5; i++ {
		y := bottom - (bottom-top)*i/5
		fill(img, image.Rect(left, y, right, y+1), grey)
		lbl := siLabel(vmax * float64(i) / 5)
		text(img, left-8-textWidth(lbl), y-7, lbl, black)
	}
	span := c.t1 - c.t0
	for s := 0.0; s <= span; s += niceStep(span) {
		x := left + int(float64(right-left)*s/span)
		fill(img, image.Rect(x, top, x+1, bottom), grey)
		lbl := fmt.Sprintf("%ds", int(s))
		text(img, x-textWidth(lbl)/2, bottom+8, lbl, black)
	}
	fill(img, image.Rect(left, top, left+1, bottom+1), black)
	fill(img, image.Rect(left, bottom, right+1, bottom+1), black)
	text(img, left, c.h-20, "time since start of the run", black)
	for i, l := range c.lines {
		col := palette[i%len(palette)]
		px, py := -1, -1
		for j := range l.t {
			if math.IsNaN(l.v[j]) {
				px = -1
				continue
			}
			if l.t[j] < c.t0 || l.t[j] > c.t1 {
				continue
			}
			x := left + int(float64(right-left)*(l.t[j]-c.t0)/span)
			y := bottom - int(float64(bottom-top)*l.v[j]/vmax)
			if px >= 0 {
				segment(img, px, py, x, y, col)
			}
			px, py = x, y
		}
		ly := top + 10 + i*24
		fill(img, image.Rect(right+20, ly+5, right+44, ly+9), col)
		text(img, right+52, ly, l.name, black)
	}
	return img
}

func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	e := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*e >= v {
			return m * e
		}
	}
	return 10 * e
}

func niceStep(span float64) float64 {
	for _, s := range []float64{1, 2, 5, 10, 15, 30, 60, 120, 300} {
		if span/s <= 10 {
			return s
		}
	}
	return 600
}

func siLabel(v float64) string {
	switch {
	case v >= 1e6:
		return strings.TrimSuffix(fmt.Sprintf("%.1fm", v/1e6), ".0m")
	case v >= 1e3:
		s := fmt.Sprintf("%.1f", v/1e3)
		return strings.TrimSuffix(s, ".0") + "k"
	}
	return fmt.Sprintf("%g", v)
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}

// segment draws a 2-pixel-wide line (Bresenham).
func segment(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	e := dx + dy
	for {
		fill(img, image.Rect(x0, y0, x0+2, y0+2), c)
		if x0 == x1 && y0 == y1 {
			return
		}
		if e2 := 2 * e; e2 >= dy {
			e += dy
			x0 += sx
		} else {
			e += dx
			y0 += sy
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func sign(v int) int {
	switch {
	case v < 0:
		return -1
	case v > 0:
		return 1
	}
	return 0
}

const glyphScale = 2

func textWidth(s string) int { return len(s) * 6 * glyphScale }

// text draws s with the 5x7 font below, scaled by glyphScale.
func text(img *image.RGBA, x, y int, s string, c color.RGBA) {
	for _, r := range strings.ToLower(s) {
		if g, ok := font5x7[r]; ok {
			for row := 0; row < 7; row++ {
				for col := 0; col < 5; col++ {
					if g[row*5+col] == '#' {
						fill(img, image.Rect(x+col*glyphScale, y+row*glyphScale, x+(col+1)*glyphScale, y+(row+1)*glyphScale), c)
					}
				}
			}
		}
		x += 6 * glyphScale
	}
}
