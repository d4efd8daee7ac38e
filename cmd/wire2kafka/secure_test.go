package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wire2kafka/kafkaout/kafkatest"
	"wire2kafka/report/intgen"
)

// TestRunSecureKafka: `wire2kafka run` delivers every report through the
// real broker's SASL_SSL (SCRAM-SHA-512, password from a file) and
// mutual-TLS listeners and `wire2kafka consume` verifies them through the
// same listener; check-config, the daemon's output and the refusal never
// show the password; a wrong password stops the daemon at start with an
// error naming the connection.
func TestRunSecureKafka(t *testing.T) {
	bin := binary(t)
	b := kafkatest.StartOwnSecure(t)
	s := b.Secure
	pw, err := os.ReadFile(s.PasswordFile)
	if err != nil {
		t.Fatal(err)
	}
	wrongPW := filepath.Join(t.TempDir(), "wrong-password")
	if err := os.WriteFile(wrongPW, []byte("not-"+string(pw)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	capture, truth := genCapture(t, intgen.Options{Format: intgen.FormatTR, Flows: 8, Packets: 2000, Seed: 21, Micro: true})
	sasl := func(pwFile string) map[string]string {
		return map[string]string{"bootstrap.servers": s.SASLSSL, "security.protocol": "SASL_SSL", "sasl.mechanisms": "SCRAM-SHA-512",
			"sasl.username": s.User, "sasl.password_file": pwFile, "ssl.ca.location": s.CA}
	}
	mtls := map[string]string{"bootstrap.servers": s.SSL, "security.protocol": "SSL", "ssl.ca.location": s.CA,
		"ssl.certificate.location": s.ClientCert, "ssl.key.location": s.ClientKey}
	for _, tt := range []struct {
		name     string
		producer map[string]string
		refused  string
	}{
		{"SASL_SSL", sasl(s.PasswordFile), ""},
		{"mutual TLS", mtls, ""},
		{"SASL_SSL wrong password", sasl(wrongPW), "authentication failed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			topic := kafkatest.TopicName(t)
			cfg := e2eConfigProducer(t, capture, topic, "batch", false, tt.producer)
			check, err := exec.Command(bin, "check-config", cfg).CombinedOutput()
			if err != nil {
				t.Fatalf("check-config: %v\n%s", err, check)
			}
			if strings.Contains(string(check), string(pw)) {
				t.Fatalf("check-config shows the password:\n%s", check)
			}
			if _, ok := tt.producer["sasl.password_file"]; ok && !strings.Contains(string(check), "sasl.password=(secret)") {
				t.Fatalf("check-config does not list the password as a secret:\n%s", check)
			}
			start := time.Now()
			out, err := exec.Command(bin, "run", "-c", cfg, "--exit-when-idle", "1s", "--quiet").CombinedOutput()
			if strings.Contains(string(out), string(pw)) {
				t.Fatalf("the daemon's output shows the password:\n%s", out)
			}
			if tt.refused != "" {
				if err == nil || !strings.Contains(string(out), "connection 0") || !strings.Contains(string(out), tt.refused) {
					t.Fatalf("run: %v, want a refusal naming connection 0 and %q:\n%s", err, tt.refused, tailLines(string(out), 20))
				}
				t.Logf("refused after %v: %s", time.Since(start).Round(time.Millisecond), lastLine(string(out)))
				return
			}
			if err != nil {
				t.Fatalf("run: %v\n%s", err, out)
			}
			checkRunOutput(t, string(out))
			args := []string{"consume", "-b", tt.producer["bootstrap.servers"], "-t", topic, "-e", "--verify", truth}
			for k, v := range tt.producer {
				if k != "bootstrap.servers" {
					args = append(args, "-X", k+"="+v)
				}
			}
			if v, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
				t.Fatalf("consume --verify over %s: %v\n%s", tt.name, err, v)
			}
		})
	}
	// consume refuses a wrong password the same way.
	out, err := exec.Command(bin, "consume", "-b", s.SASLSSL, "-t", "any", "-e", "-X", "security.protocol=SASL_SSL",
		"-X", "sasl.mechanisms=SCRAM-SHA-512", "-X", "sasl.username="+s.User, "-X", "sasl.password_file="+wrongPW, "-X", "ssl.ca.location="+s.CA).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "authentication failed") {
		t.Fatalf("consume with a wrong password: %v, want authentication failed:\n%s", err, tailLines(string(out), 10))
	}
}
