package metrics

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"wire2kafka/config"
	"wire2kafka/deploy/prometheus/promtest"
	"wire2kafka/deploy/tlstest"
)

// TestMetricsTLSBasicAuth: with metrics.web_config_file (exporter-toolkit),
// the endpoint serves only HTTPS and only to a user of the file, and the
// real Prometheus scrapes it over TLS with basic auth.
func TestMetricsTLSBasicAuth(t *testing.T) {
	pki := tlstest.New(t)
	dir := t.TempDir()
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret-scrape"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	webCfg := filepath.Join(dir, "web.yml")
	writeFile(t, webCfg, fmt.Sprintf("tls_server_config:\n  cert_file: %s\n  key_file: %s\nbasic_auth_users:\n  prometheus: %s\n",
		pki.ServerCert, pki.ServerKey, hash))
	pwFile := filepath.Join(dir, "password")
	writeFile(t, pwFile, "s3cret-scrape")

	reg := prometheus.NewRegistry()
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "wire2kafka_test_tls_gauge", Help: "test"})
	g.Set(42)
	reg.MustRegister(g)
	var logs strings.Builder
	s, err := Listen(Endpoint{Addr: "127.0.0.1:0", WebConfigFile: webCfg}, reg, nil, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	caPEM, err := os.ReadFile(pki.CA)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	tlsClient := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	for _, tt := range []struct {
		name       string
		client     *http.Client
		scheme     string
		user, pass string
		code       int
	}{
		{"plain HTTP", http.DefaultClient, "http", "", "", http.StatusBadRequest},
		{"HTTPS without auth", tlsClient, "https", "", "", http.StatusUnauthorized},
		{"HTTPS wrong password", tlsClient, "https", "prometheus", "wrong", http.StatusUnauthorized},
		{"HTTPS unknown user", tlsClient, "https", "nobody", "s3cret-scrape", http.StatusUnauthorized},
		{"HTTPS with the user", tlsClient, "https", "prometheus", "s3cret-scrape", http.StatusOK},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", tt.scheme+"://"+s.Addr()+"/metrics", nil)
			if tt.user != "" {
				req.SetBasicAuth(tt.user, tt.pass)
			}
			resp, err := tt.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.code {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.code, body)
			}
			if tt.code == http.StatusOK && !strings.Contains(string(body), "wire2kafka_test_tls_gauge 42") {
				t.Fatalf("metrics body lacks the gauge:\n%s", body)
			}
		})
	}
	// An untrusted client (no CA) fails the handshake.
	if _, err := http.Get("https://" + s.Addr() + "/metrics"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("client without the CA: %v, want a certificate error", err)
	}

	prom := promtest.Start(t, promtest.Options{Targets: []string{s.Addr()}, CAFile: pki.CA, Username: "prometheus", PasswordFile: pwFile})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := prom.WaitFor(ctx, `wire2kafka_test_tls_gauge{job="wire2kafka"}`, func(s []promtest.Sample) bool { return len(s) == 1 && s[0].Value == 42 }); err != nil {
		t.Fatalf("Prometheus over TLS with basic auth: %v", err)
	}
	if up, err := prom.Scalar(ctx, `up{job="wire2kafka"}`); err != nil || up != 1 {
		t.Fatalf("up = %v (%v), want 1", up, err)
	}
	if strings.Contains(logs.String(), "s3cret-scrape") {
		t.Fatalf("the password appears in the logs:\n%s", logs.String())
	}
}

// TestWebConfigRefused: a web configuration that the exporter-toolkit
// rejects stops Listen before anything listens, and config.Load names the
// file, line and field.
func TestWebConfigRefused(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ name, web, want string }{
		{"missing key file", "tls_server_config:\n  cert_file: /nonexistent/cert.pem\n  key_file: /nonexistent/key.pem\n", "nonexistent"},
		{"plain password", "basic_auth_users:\n  prometheus: not-a-bcrypt-hash\n", "hash"},
		{"unknown key", "tls_server_cfg: {}\n", "tls_server_cfg"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			web := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".yml")
			writeFile(t, web, tt.web)
			if _, err := Listen(Endpoint{Addr: "127.0.0.1:0", WebConfigFile: web}, prometheus.NewRegistry(), nil, nil); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Listen: %v, want an error containing %q", err, tt.want)
			}
			// The laptop example with a web_config_file relative to it.
			laptop, err := os.ReadFile(repoPath(t, "deploy/config/laptop.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			cfgPath := filepath.Join(dir, "w2k.yaml")
			writeFile(t, cfgPath, strings.Replace(string(laptop), "metrics:\n", "metrics:\n  web_config_file: "+filepath.Base(web)+"\n", 1))
			_, err = config.Load(cfgPath)
			if err == nil || !strings.Contains(err.Error(), "metrics.web_config_file") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("config.Load: %v, want metrics.web_config_file and %q", err, tt.want)
			}
		})
	}
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}
