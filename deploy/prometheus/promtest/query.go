package promtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Sample is one element of an instant-vector result.
type Sample struct {
	Labels map[string]string
	Value  float64
}

type apiResponse struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      struct {
		ResultType string            `json:"resultType"`
		Result     json.RawMessage   `json:"result"`
		Targets    []json.RawMessage `json:"activeTargets"`
	} `json:"data"`
}

// Query evaluates a PromQL expression at the current time. A scalar result
// is returned as one sample without labels. An invalid expression is an
// error naming the expression.
func (s *Server) Query(ctx context.Context, expr string) ([]Sample, error) {
	u := s.URL + "/api/v1/query?" + url.Values{"query": {expr}}.Encode()
	var r apiResponse
	if err := s.get(ctx, u, &r); err != nil {
		return nil, fmt.Errorf("query %q: %w", expr, err)
	}
	switch r.Data.ResultType {
	case "vector":
		var vec []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		}
		if err := json.Unmarshal(r.Data.Result, &vec); err != nil {
			return nil, fmt.Errorf("query %q: %w", expr, err)
		}
		out := make([]Sample, 0, len(vec))
		for _, v := range vec {
			f, err := parseValue(v.Value[1])
			if err != nil {
				return nil, fmt.Errorf("query %q: %w", expr, err)
			}
			out = append(out, Sample{Labels: v.Metric, Value: f})
		}
		return out, nil
	case "scalar":
		var sc [2]any
		if err := json.Unmarshal(r.Data.Result, &sc); err != nil {
			return nil, fmt.Errorf("query %q: %w", expr, err)
		}
		f, err := parseValue(sc[1])
		if err != nil {
			return nil, fmt.Errorf("query %q: %w", expr, err)
		}
		return []Sample{{Value: f}}, nil
	default:
		return nil, fmt.Errorf("query %q: unsupported result type %q", expr, r.Data.ResultType)
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

func (s *Server) get(ctx context.Context, u string, r *apiResponse) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, r); err != nil {
		return fmt.Errorf("HTTP %d: %s", resp.StatusCode, body)
	}
	if r.Status != "success" {
		return fmt.Errorf("%s: %s", r.ErrorType, r.Error)
	}
	return nil
}

func parseValue(v any) (float64, error) {
	s, ok := v.(string)
	if !ok {
		return 0, fmt.Errorf("sample value %v is not a string", v)
	}
	return strconv.ParseFloat(s, 64)
}
