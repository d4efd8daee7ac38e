// Package promtest starts Debian's real Prometheus server for tests: on a free
// loopback port, with a temporary data directory, scraping the given targets,
// and answers PromQL queries through its HTTP API. The server is stopped when
// the test ends. Nothing is mocked.
//
//	srv := promtest.Start(t, promtest.Options{Targets: []string{addr}})
//	v, err := srv.Scalar(ctx, `sum(wire2kafka_packets_in_total)`)
package promtest

import (
	"bytes"
	_ "embed"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"text/template"
	"time"
)

//go:embed prometheus.yml.tmpl
var configTemplate string

// Options say what the test Prometheus scrapes.
type Options struct {
	// Targets are host:port addresses serving /metrics.
	Targets []string
	// Interval is the scrape and rule evaluation interval; default 1s.
	Interval time.Duration
	// RuleFiles are alerting/recording rule files to load (absolute paths).
	RuleFiles []string
	// CAFile, when set, makes the scrapes HTTPS, trusting this CA
	// certificate (absolute path).
	CAFile string
	// Username and PasswordFile, when set, make the scrapes send basic auth
	// (the password read from the file, as a deployment would).
	Username, PasswordFile string
}

// Server is a running Prometheus. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL of the HTTP API, e.g. http://127.0.0.1:40123.
	URL string
	dir string
	cmd *exec.Cmd
}

// Start starts Prometheus and waits until it is ready; the test fails when it
// cannot. The server stops when the test ends; its log is printed if the
// test failed.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		tb.Fatalf("promtest: prometheus not installed (make deps installs Debian's prometheus): %v", err)
	}
	if opts.Interval == 0 {
		opts.Interval = time.Second
	}
	dir := tb.TempDir()
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := writeConfig(cfgPath, opts); err != nil {
		tb.Fatalf("promtest: %v", err)
	}
	addr, err := freeAddr()
	if err != nil {
		tb.Fatalf("promtest: %v", err)
	}
	logf, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		tb.Fatalf("promtest: %v", err)
	}
	cmd := exec.Command(bin,
		"--config.file="+cfgPath,
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--web.enable-lifecycle",
		"--log.level=warn")
	cmd.Stdout, cmd.Stderr = logf, logf
	// Prometheus dies with the test binary even if its cleanups never run
	// (a panic, a -timeout kill).
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("promtest: start prometheus: %v", err)
	}
	s := &Server{URL: "http://" + addr, dir: dir, cmd: cmd}
	tb.Cleanup(func() {
		s.stop()
		logf.Close()
		if tb.Failed() {
			b, _ := os.ReadFile(logf.Name())
			tb.Logf("prometheus log:\n%s", b)
		}
	})
	if err := s.waitReady(30 * time.Second); err != nil {
		tb.Fatalf("promtest: %v", err)
	}
	return s
}

func writeConfig(path string, opts Options) error {
	t, err := template.New("prometheus.yml").Parse(configTemplate)
	if err != nil {
		return fmt.Errorf("config template: %w", err)
	}
	var buf bytes.Buffer
	err = t.Execute(&buf, struct {
		Options
		Interval string
	}{opts, opts.Interval.String()})
	if err != nil {
		return fmt.Errorf("config template: %w", err)
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

func (s *Server) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.URL + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("prometheus not ready at %s after %v", s.URL, timeout)
}

func (s *Server) stop() {
	if s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}
