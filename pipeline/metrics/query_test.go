package metrics

import (
	"context"
	"fmt"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"

	"wire2kafka/deploy/prometheus/promtest"
)

// series is one labelled series of a range query.
type series struct {
	labels map[string]string
	t      []float64 // unix seconds
	v      []float64
}

// queryRange runs a PromQL range query through client_golang's API client.
func queryRange(ctx context.Context, prom *promtest.Server, q string, from, to time.Time, step time.Duration) ([]series, error) {
	a, err := prom.API()
	if err != nil {
		return nil, err
	}
	v, _, _, err := a.QueryRange(ctx, q, v1.Range{Start: from, End: to.Add(time.Second), Step: step})
	if err != nil {
		return nil, fmt.Errorf("query_range %q: %w", q, err)
	}
	m, ok := v.(model.Matrix)
	if !ok {
		return nil, fmt.Errorf("query_range %q: result type %s, want matrix", q, v.Type())
	}
	var out []series
	for _, ss := range m {
		s := series{labels: map[string]string{}}
		for k, lv := range ss.Metric {
			s.labels[string(k)] = string(lv)
		}
		for _, p := range ss.Values {
			s.t, s.v = append(s.t, float64(p.Timestamp)/1000), append(s.v, float64(p.Value))
		}
		out = append(out, s)
	}
	return out, nil
}
