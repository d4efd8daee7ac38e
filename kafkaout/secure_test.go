package kafkaout

import (
	"os"
	"strings"
	"testing"
	"time"

	"wire2kafka/deploy/tlstest"
	"wire2kafka/kafkaout/kafkatest"
	"wire2kafka/report"
)

// TestSecureBroker: the producer delivers through the real broker's
// SASL_SSL (SCRAM-SHA-512) and mutual-TLS listeners, and a wrong password,
// a missing client certificate or an untrusted broker certificate stops
// NewProducer with an error naming the connection, at once rather than
// after a retry loop.
func TestSecureBroker(t *testing.T) {
	b := kafkatest.StartOwnSecure(t)
	s := b.Secure
	pw, err := os.ReadFile(s.PasswordFile)
	if err != nil {
		t.Fatal(err)
	}
	other := tlstest.New(t) // a CA that did not sign the broker's certificate
	sasl := func(password, ca string) map[string]string {
		return map[string]string{"bootstrap.servers": s.SASLSSL, "security.protocol": "SASL_SSL", "sasl.mechanisms": "SCRAM-SHA-512",
			"sasl.username": s.User, "sasl.password": password, "ssl.ca.location": ca}
	}
	mtls := func(cert, key, ca string) map[string]string {
		m := map[string]string{"bootstrap.servers": s.SSL, "security.protocol": "SSL", "ssl.ca.location": ca}
		if cert != "" {
			m["ssl.certificate.location"], m["ssl.key.location"] = cert, key
		}
		return m
	}
	for _, tt := range []struct {
		name     string
		settings map[string]string
		want     string // error text; "" = delivers
	}{
		{"SASL_SSL SCRAM-SHA-512", sasl(string(pw), s.CA), ""},
		{"mutual TLS", mtls(s.ClientCert, s.ClientKey, s.CA), ""},
		{"SASL_SSL wrong password", sasl("wrong-"+string(pw), s.CA), "authentication failed"},
		{"SASL_SSL untrusted broker certificate", sasl(string(pw), other.CA), "TLS failed"},
		{"mutual TLS without client certificate", mtls("", "", s.CA), "TLS failed"},
		{"mutual TLS with a certificate of another CA", mtls(other.ClientCert, other.ClientKey, s.CA), "TLS failed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			topic := kafkatest.TopicName(t)
			start := time.Now()
			p, err := NewProducer(ProducerConfig{Librdkafka: tt.settings, PoolMessages: 64, MessageBytes: 64 << 10,
				Topics: []string{topic}, CreateTopics: true, Partitions: 1, ReplicationFactor: 1})
			if tt.want != "" {
				if err == nil {
					p.Close(time.Second)
					t.Fatalf("NewProducer succeeded, want %q", tt.want)
				}
				if !strings.Contains(err.Error(), "connection 0") || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("error %q, want it to name connection 0 and say %q", err, tt.want)
				}
				if strings.Contains(err.Error(), string(pw)) {
					t.Fatalf("the error shows the password: %v", err)
				}
				took := time.Since(start)
				t.Logf("refused in %v: %v", took.Round(time.Millisecond), err)
				if took > 5*time.Second {
					t.Fatalf("refused after %v: a refusal should not wait for the 10 s topic timeout", took)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var r report.Report
			const n = 20
			for i := range n {
				m := acquireWait(p, 5*time.Second)
				if m == nil {
					t.Fatal("no free message")
				}
				fillBatch(m, topic, i%4, uint64(i/4+1), uint64(i), 3, &r)
				p.Submit(m)
			}
			if err := p.Close(30 * time.Second); err != nil {
				t.Fatal(err)
			}
			if c := p.Total(); c.Delivered != n || c.Failed != 0 {
				t.Fatalf("delivered %d failed %d, want %d and 0", c.Delivered, c.Failed, n)
			}
			got := readAllWith(t, tt.settings, topic, n, 30*time.Second)
			if len(got) != n {
				t.Fatalf("read back %d messages, want %d", len(got), n)
			}
		})
	}
}
