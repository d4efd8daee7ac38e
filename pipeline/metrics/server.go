package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/exporter-toolkit/web"

	"wire2kafka/kafkaout"
)

func goVersion() string { return runtime.Version() }

// NewRegistry returns a registry with c, the Go runtime collector (memory,
// goroutines, and the runtime's GC metrics: pauses, which stall RX, and
// go_gc_heap_live_bytes, the heap live after the last GC) and the process
// collector.
func NewRegistry(c *Collector) (*prometheus.Registry, error) {
	reg := prometheus.NewRegistry()
	for _, x := range []prometheus.Collector{c, collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(collectors.MetricsGC)), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		if err := reg.Register(x); err != nil {
			return nil, fmt.Errorf("metrics: register: %w", err)
		}
	}
	return reg, nil
}

// Server serves /metrics, /healthz and /readyz over HTTP. Close it before
// the pipeline its collector reads is closed. Safe for concurrent use.
type Server struct {
	srv      *http.Server
	ln       net.Listener
	done     chan error
	ready    func() error
	col      *Collector
	stopping atomic.Bool
}

// Endpoint says where and how the metrics are served.
type Endpoint struct {
	// Addr is host:port; port 0 picks a free one.
	Addr string
	// WebConfigFile is an exporter-toolkit web configuration (TLS, client
	// certificates, basic auth users with bcrypt hashes), as Prometheus and
	// its exporters read with --web.config.file; empty serves plain HTTP.
	// Certificates are read again on each new connection.
	WebConfigFile string
}

// Start serves a Collector over src (with the Go and process collectors)
// at ep. /readyz answers 200 until SetStopping while Kafka is reachable
// (KafkaReady).
func Start(ep Endpoint, src Sources, version string, log *slog.Logger) (*Server, error) {
	col := NewCollector(src, version)
	reg, err := NewRegistry(col)
	if err != nil {
		return nil, err
	}
	s, err := Listen(ep, reg, func() error { return KafkaReady(src.Kafka) }, log)
	if err != nil {
		return nil, err
	}
	s.col = col
	return s, nil
}

// Collector returns the collector of a Server made by Start (nil for
// Listen).
func (s *Server) Collector() *Collector { return s.col }

// SetStopping makes /readyz answer 503: the pipeline is draining.
func (s *Server) SetStopping() { s.stopping.Store(true) }

// Listen starts serving reg at ep. /healthz answers 200 while the process
// serves; /readyz answers 200 when ready returns nil (nil ready: always)
// and 503 with the error otherwise, or after SetStopping. With a web
// configuration, every path needs its TLS and basic auth. An invalid web
// configuration is an error here, before anything listens.
func Listen(ep Endpoint, reg *prometheus.Registry, ready func() error, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.Default()
	}
	if err := web.Validate(ep.WebConfigFile); err != nil {
		return nil, fmt.Errorf("metrics: web config %s: %w", ep.WebConfigFile, err)
	}
	ln, err := net.Listen("tcp", ep.Addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen: %w", err)
	}
	s := &Server{ln: ln, done: make(chan error, 1), ready: ready}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.InstrumentMetricHandler(reg, promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelError), ErrorHandling: promhttp.ContinueOnError,
	})))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/readyz", s.readyz)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintln(w, "wire2kafka: /metrics /healthz /readyz")
	})
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	noSystemd := false
	flags := &web.FlagConfig{WebListenAddresses: &[]string{ep.Addr}, WebSystemdSocket: &noSystemd, WebConfigFile: &ep.WebConfigFile}
	go func() { s.done <- web.Serve(ln, s.srv, flags, log.With("component", "metrics")) }()
	return s, nil
}

func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	if s.stopping.Load() {
		http.Error(w, "not ready: pipeline stopping", http.StatusServiceUnavailable)
		return
	}
	if s.ready != nil {
		if err := s.ready(); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
	}
	fmt.Fprintln(w, "ready")
}

// Addr returns the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the server, waiting up to 5 s for scrapes in progress.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if serr := <-s.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// KafkaReady returns nil when the Kafka connections can reach a broker: a
// connection counts as reachable when librdkafka's last statistics show a
// broker UP or, before its first statistics event, when it has delivered a
// message. nil src (discard sink) is ready.
func KafkaReady(src KafkaSource) error {
	if src == nil {
		return nil
	}
	for i, c := range src.Counters() {
		if c.Librdkafka.Events > 0 {
			if c.Librdkafka.BrokersUp == 0 {
				return fmt.Errorf("kafka connection %d: no broker up", i)
			}
			continue
		}
		if c.Delivered == 0 {
			return fmt.Errorf("kafka connection %d: no delivery and no statistics yet", i)
		}
	}
	return nil
}

var _ KafkaSource = (*kafkaout.Producer)(nil)
