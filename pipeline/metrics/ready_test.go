package metrics

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"wire2kafka/kafkaout"
)

type kafkaCounters []kafkaout.Counters

func (k kafkaCounters) Counters() []kafkaout.Counters { return k }

// TestReadyz: /readyz follows the producers' view of the brokers (the
// last librdkafka statistics, or a first delivery before any) and turns
// 503 when the pipeline stops; /healthz stays 200.
func TestReadyz(t *testing.T) {
	up := kafkaout.Counters{Librdkafka: kafkaout.LibrdkafkaStats{Events: 3, BrokersUp: 1}}
	down := kafkaout.Counters{Librdkafka: kafkaout.LibrdkafkaStats{Events: 4, BrokersUp: 0}}
	fresh := kafkaout.Counters{}
	delivered := kafkaout.Counters{Delivered: 1}
	for _, tt := range []struct {
		name  string
		conns kafkaCounters
		code  int
		body  string
	}{
		{"broker up", kafkaCounters{up}, 200, ""},
		{"broker down", kafkaCounters{up, down}, 503, "kafka connection 1: no broker up"},
		{"no statistics yet", kafkaCounters{fresh}, 503, "no delivery and no statistics yet"},
		{"delivered before statistics", kafkaCounters{delivered}, 200, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			conns := tt.conns
			s, err := Listen(Endpoint{Addr: "127.0.0.1:0"}, prometheus.NewRegistry(), func() error { return KafkaReady(conns) }, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			get := func(path string) (int, string) {
				resp, err := http.Get("http://" + s.Addr() + path)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			if code, body := get("/readyz"); code != tt.code || !strings.Contains(body, tt.body) {
				t.Errorf("/readyz: %d %q, want %d containing %q", code, body, tt.code, tt.body)
			}
			s.SetStopping()
			if code, _ := get("/readyz"); code != http.StatusServiceUnavailable {
				t.Errorf("/readyz while stopping: %d, want 503", code)
			}
			if code, _ := get("/healthz"); code != 200 {
				t.Errorf("/healthz: %d, want 200", code)
			}
		})
	}
}
