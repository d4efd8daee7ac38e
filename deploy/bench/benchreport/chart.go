package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
)

var (
	white = color.RGBA{255, 255, 255, 255}
	black = color.RGBA{0, 0, 0, 255}
	grey  = color.RGBA{150, 150, 150, 255}
	blue  = color.RGBA{52, 101, 164, 255}
	red   = color.RGBA{204, 0, 0, 255}
)

// bar is one bar of a chart: the median and the spread (min, max).
type bar struct {
	label         string
	med, min, max float64
	highlight     bool
}

// barChart draws horizontal bars with their value and a min-max whisker.
func barChart(path, title, unit string, bars []bar) error {
	const scale, labelW, plotW, barH, gap, top = 2, 300, 560, 28, 14, 50
	h := top + len(bars)*(barH+gap) + 30
	img := image.NewRGBA(image.Rect(0, 0, labelW+plotW+180, h))
	fill(img, 0, 0, img.Bounds().Dx(), h, white)
	drawText(img, 10, 12, scale+1, title, black)
	hi := 0.0
	for _, b := range bars {
		hi = math.Max(hi, math.Max(b.med, b.max))
	}
	if hi == 0 {
		hi = 1
	}
	px := func(v float64) int { return labelW + int(v/hi*float64(plotW)) }
	for i, b := range bars {
		y := top + i*(barH+gap)
		drawText(img, 10, y+7, scale, b.label, black)
		c := blue
		if b.highlight {
			c = red
		}
		fill(img, labelW, y, px(b.med)-labelW, barH, c)
		if b.max > b.min {
			mid := y + barH/2
			fill(img, px(b.min), mid-1, px(b.max)-px(b.min)+1, 3, black)
			fill(img, px(b.min), y+4, 2, barH-8, black)
			fill(img, px(b.max), y+4, 2, barH-8, black)
		}
		drawText(img, px(math.Max(b.med, b.max))+8, y+7, scale, fmtNum(b.med)+" "+unit, black)
	}
	fill(img, labelW, top-4, 2, h-top-20, grey)
	return writePNG(path, img)
}

// lineChart draws one series against its index (seconds).
func lineChart(path, title, unit string, ys []float64) error {
	const scale, left, w, h, top = 2, 90, 700, 260, 50
	img := image.NewRGBA(image.Rect(0, 0, left+w+40, top+h+50))
	fill(img, 0, 0, img.Bounds().Dx(), img.Bounds().Dy(), white)
	drawText(img, 10, 12, scale+1, title, black)
	if len(ys) == 0 {
		return writePNG(path, img)
	}
	lo, hi := ys[0], ys[0]
	for _, y := range ys {
		lo, hi = math.Min(lo, y), math.Max(hi, y)
	}
	lo, hi = math.Max(0, lo*0.9), hi*1.1+1e-9
	x := func(i int) int { return left + i*w/max(1, len(ys)-1) }
	y := func(v float64) int { return top + h - int((v-lo)/(hi-lo)*float64(h)) }
	fill(img, left, top, 2, h, grey)
	fill(img, left, top+h, w, 2, grey)
	drawText(img, 5, top-4, scale, fmtNum(hi), black)
	drawText(img, 5, top+h-10, scale, fmtNum(lo), black)
	drawText(img, left, top+h+12, scale, fmt.Sprintf("0 .. %d S   (%s)", len(ys)-1, unit), black)
	for i := 1; i < len(ys); i++ {
		line(img, x(i-1), y(ys[i-1]), x(i), y(ys[i]), blue)
	}
	for i := range ys {
		fill(img, x(i)-2, y(ys[i])-2, 5, 5, blue)
	}
	return writePNG(path, img)
}

// seriesChart draws several named series over the same categories (x),
// with a legend, on a log10 y axis (latencies span orders of magnitude).
func seriesChart(path, title, unit, xtitle string, xs, order []string, series map[string][]float64) error {
	const scale, left, w, h, top = 2, 110, 640, 300, 80
	img := image.NewRGBA(image.Rect(0, 0, left+w+160, top+h+70))
	fill(img, 0, 0, img.Bounds().Dx(), img.Bounds().Dy(), white)
	drawText(img, 10, 12, scale+1, title, black)
	lo, hi := math.Inf(1), 0.0
	for _, ys := range series {
		for _, y := range ys {
			if y > 0 {
				lo, hi = math.Min(lo, y), math.Max(hi, y)
			}
		}
	}
	if hi == 0 {
		lo, hi = 1, 10
	}
	llo, lhi := math.Log10(lo/1.5), math.Log10(hi*1.5)
	x := func(i int) int { return left + 40 + i*(w-120)/max(1, len(xs)-1) }
	y := func(v float64) int {
		v = math.Max(v, lo)
		return top + h - int((math.Log10(v)-llo)/(lhi-llo)*float64(h))
	}
	fill(img, left, top, 2, h, grey)
	fill(img, left, top+h, w, 2, grey)
	for d := math.Ceil(llo); d <= lhi; d++ { // decade grid lines
		v := math.Pow(10, d)
		fill(img, left, y(v), w, 1, grey)
		drawText(img, 5, y(v)-7, scale, fmtNum(v)+" "+unit, black)
	}
	for i, lbl := range xs {
		drawText(img, x(i)-10, top+h+10, scale, lbl, black)
	}
	drawText(img, left, top+h+40, scale, xtitle, black)
	colors := []color.RGBA{blue, red, black}
	for si, name := range order {
		ys := series[name]
		c := colors[si%len(colors)]
		drawText(img, left+w+20, top+si*20, scale, name, c) // legend
		for i := 1; i < len(ys); i++ {
			line(img, x(i-1), y(ys[i-1]), x(i), y(ys[i]), c)
		}
		for i := range ys {
			fill(img, x(i)-3, y(ys[i])-3, 7, 7, c)
		}
	}
	// Values: stacked above the highest point of each category, one row
	// per series (in legend order, the first at the bottom).
	for i := range xs {
		topY := top + h
		for _, name := range order {
			if ys := series[name]; i < len(ys) {
				topY = min(topY, y(ys[i]))
			}
		}
		for si, name := range order {
			if ys := series[name]; i < len(ys) {
				drawText(img, x(i)+8, topY-18-(len(order)-1-si)*16, scale, fmtNum(ys[i]), colors[si%len(colors)])
			}
		}
	}
	return writePNG(path, img)
}

// line draws a 2-pixel line (DDA).
func line(img *image.RGBA, x0, y0, x1, y1 int, c color.Color) {
	n := max(abs(x1-x0), abs(y1-y0), 1)
	for i := 0; i <= n; i++ {
		x := x0 + (x1-x0)*i/n
		y := y0 + (y1-y0)*i/n
		fill(img, x, y, 2, 2, c)
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
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
