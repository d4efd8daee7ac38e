package promtest

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// TestSmokeScrapeAndQuery serves a tiny /metrics with client_golang, lets a
// real Prometheus scrape it and checks the values through PromQL.
func TestSmokeScrapeAndQuery(t *testing.T) {
	reg := prometheus.NewRegistry()
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "promtest_smoke_value", Help: "A fixed value."})
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "promtest_smoke_events_total", Help: "Events."}, []string{"stage"})
	reg.MustRegister(g, c)
	g.Set(42)
	c.WithLabelValues("rx").Add(7)
	c.WithLabelValues("acl").Add(5)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: promhttp.HandlerFor(reg, promhttp.HandlerOpts{})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })

	p := Start(t, Options{Targets: []string{l.Addr().String()}, Interval: 500 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := p.WaitFor(ctx, "promtest_smoke_value", func(s []Sample) bool { return len(s) == 1 && s[0].Value == 42 }); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		expr string
		want float64
	}{
		{`promtest_smoke_value`, 42},
		{`sum(promtest_smoke_events_total)`, 12},
		{`promtest_smoke_events_total{stage="acl"}`, 5},
		{`up{job="wire2kafka"}`, 1},
	}
	for _, tt := range tests {
		got, err := p.Scalar(ctx, tt.expr)
		if err != nil {
			t.Errorf("%s: %v", tt.expr, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s = %v, want %v", tt.expr, got, tt.want)
		}
	}
	if _, err := p.Query(ctx, `sum(rate(promtest_smoke_events_total[1m]`); err == nil || !strings.Contains(err.Error(), "bad_data") {
		t.Errorf("malformed expression: err = %v, want a bad_data error", err)
	}
}
