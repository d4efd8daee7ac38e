package promtest

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
)

// Sample is one element of an instant-vector result.
type Sample struct {
	Labels map[string]string
	Value  float64
}

// API returns a client of the server's HTTP API (client_golang's
// api/prometheus/v1): range queries, rules, targets.
func (s *Server) API() (v1.API, error) {
	c, err := api.NewClient(api.Config{Address: s.URL})
	if err != nil {
		return nil, fmt.Errorf("promtest: API client: %w", err)
	}
	return v1.NewAPI(c), nil
}

// Query evaluates a PromQL expression at the current time. A scalar result
// is returned as one sample without labels. An invalid expression is an
// error naming the expression.
func (s *Server) Query(ctx context.Context, expr string) ([]Sample, error) {
	a, err := s.API()
	if err != nil {
		return nil, err
	}
	v, _, _, err := a.Query(ctx, expr, time.Now())
	if err != nil {
		return nil, fmt.Errorf("query %q: %w", expr, err)
	}
	switch r := v.(type) {
	case model.Vector:
		out := make([]Sample, 0, len(r))
		for _, smp := range r {
			labels := make(map[string]string, len(smp.Metric))
			for k, lv := range smp.Metric {
				labels[string(k)] = string(lv)
			}
			out = append(out, Sample{Labels: labels, Value: float64(smp.Value)})
		}
		return out, nil
	case *model.Scalar:
		return []Sample{{Value: float64(r.Value)}}, nil
	default:
		return nil, fmt.Errorf("query %q: unsupported result type %s", expr, v.Type())
	}
}

// Scalar evaluates an expression that must yield exactly one sample and
// returns its value.
func (s *Server) Scalar(ctx context.Context, expr string) (float64, error) {
	v, err := s.Query(ctx, expr)
	if err != nil {
		return 0, err
	}
	if len(v) != 1 {
		return 0, fmt.Errorf("query %q: %d samples, want 1", expr, len(v))
	}
	return v[0].Value, nil
}

// WaitFor polls an expression until ok accepts its result or ctx ends; it
// returns the last result and, on timeout, an error with it.
func (s *Server) WaitFor(ctx context.Context, expr string, ok func([]Sample) bool) ([]Sample, error) {
	for {
		v, err := s.Query(ctx, expr)
		if err == nil && ok(v) {
			return v, nil
		}
		select {
		case <-ctx.Done():
			if err == nil {
				err = fmt.Errorf("query %q: condition not met before deadline, last result %v", expr, v)
			}
			return v, err
		case <-time.After(200 * time.Millisecond):
		}
	}
}
