package metrics

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"wire2kafka/deploy/prometheus/promtest"
)

func getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("%s: HTTP %d: %s", u, resp.StatusCode, b)
	}
	return json.Unmarshal(b, v)
}

// series is one labelled series of a range query.
type series struct {
	labels map[string]string
	t      []float64 // unix seconds
	v      []float64
}

// queryRange runs a PromQL range query (promtest has instant queries only).
func queryRange(ctx context.Context, prom *promtest.Server, q string, from, to time.Time, step time.Duration) ([]series, error) {
	u := prom.URL + "/api/v1/query_range?" + url.Values{"query": {q},
		"start": {strconv.FormatInt(from.Unix(), 10)}, "end": {strconv.FormatInt(to.Unix()+1, 10)},
		"step": {step.String()}}.Encode()
	var r struct {
		Status string
		Data   struct {
			Result []struct {
				Metric map[string]string
				Values [][2]any
			}
		}
	}
	if err := getJSON(ctx, u, &r); err != nil {
		return nil, fmt.Errorf("query_range %q: %w", q, err)
	}
	var out []series
	for _, res := range r.Data.Result {
		s := series{labels: res.Metric}
		for _, pv := range res.Values {
			ts, _ := pv[0].(float64)
			str, _ := pv[1].(string)
			v, err := strconv.ParseFloat(str, 64)
			if err != nil {
				return nil, fmt.Errorf("query_range %q: %w", q, err)
			}
			s.t, s.v = append(s.t, ts), append(s.v, v)
		}
		out = append(out, s)
	}
	return out, nil
}
