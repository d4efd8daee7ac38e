package kafkatest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Own is a broker of one test's own (never KAFKA_BOOTSTRAP's), started by
// deploy/kafka/kafka.sh on a fixed free port so that the test can stop it
// and start it again with its data: the broker outage tests. Stopped at the
// end of the test; on failure its log is kept in the temp dir.
type Own struct {
	dir, script string
	port        int
	host        string // the listeners' address
	netns       string // the broker's network namespace, or ""
	nsIf        string // its end of the veth pair
	// Bootstrap is the broker's address (host:port).
	Bootstrap string
	// Secure holds the secured listeners of a broker StartOwnSecure made.
	Secure *Secure
}

// Secure describes the secured listeners of kafka.sh's KAFKA_SECURE=1
// broker and the files a client needs.
type Secure struct {
	// SASLSSL is the SASL_SSL listener (SCRAM-SHA-512) and SSL the SSL
	// listener that requires a client certificate (host:port).
	SASLSSL, SSL string
	// User and PasswordFile are the SCRAM user and the file holding its
	// password (no trailing newline).
	User, PasswordFile string
	// CA is the CA certificate that signed the broker's and the client's
	// certificates; ClientCert and ClientKey are the client's (PEM).
	CA, ClientCert, ClientKey string
}

// Options choose how StartOwnWith starts a broker.
type Options struct {
	// Secure adds the SASL_SSL and SSL listeners (StartOwnSecure).
	Secure bool
	// DataMiB > 0 puts the broker's log dir on a tmpfs of that many MiB,
	// for FillDisk (root only).
	DataMiB int
	// NetNS runs the broker in a network namespace of its own, reached
	// from the test over a veth pair, for Cut and Mend (root only).
	NetNS bool
}

// StartOwn starts a broker of the test's own with an empty data dir.
func StartOwn(t *testing.T) *Own { return StartOwnWith(t, Options{}) }

// StartOwnSecure starts a broker of the test's own that also has a
// SASL_SSL (SCRAM-SHA-512) and an SSL (client certificate required)
// listener, with certificates made for it.
func StartOwnSecure(t *testing.T) *Own { return StartOwnWith(t, Options{Secure: true}) }

// StartOwnWith starts a broker of the test's own as o says.
func StartOwnWith(t *testing.T, o Options) *Own {
	t.Helper()
	script, err := Script()
	if err != nil {
		t.Fatal(err)
	}
	secure := o.Secure
	n := 2
	if secure {
		n = 4
	}
	port, err := freePorts(n)
	if err != nil {
		t.Fatal(err)
	}
	b := &Own{dir: t.TempDir(), script: script, port: port, host: "127.0.0.1"}
	if o.DataMiB > 0 {
		b.mountData(t, o.DataMiB)
	}
	if o.NetNS {
		b.makeNetNS(t)
	}
	if secure {
		tls := filepath.Join(b.dir, "tls")
		b.Secure = &Secure{
			SASLSSL: fmt.Sprintf("127.0.0.1:%d", port+2), SSL: fmt.Sprintf("127.0.0.1:%d", port+3),
			User: "wire2kafka", PasswordFile: filepath.Join(tls, "password"),
			CA: filepath.Join(tls, "ca.pem"), ClientCert: filepath.Join(tls, "client.pem"), ClientKey: filepath.Join(tls, "client-key.pem"),
		}
	}
	b.Bootstrap = b.start(t, false)
	t.Cleanup(func() {
		if t.Failed() {
			b.keep(t)
		}
		exec.Command(script, "stop", b.dir).Run()
	})
	return b
}

// Restart starts the stopped broker again on the same port with its data.
func (b *Own) Restart(t *testing.T) {
	t.Helper()
	b.start(t, true)
}

func (b *Own) start(t *testing.T, keep bool) string {
	t.Helper()
	cmd := exec.Command(b.script, "start", b.dir)
	cmd.Env = append(os.Environ(), fmt.Sprintf("KAFKA_PORT=%d", b.port), "KAFKA_HEAP=384m", "KAFKA_HOST="+b.host)
	if b.netns != "" {
		cmd.Env = append(cmd.Env, "KAFKA_NETNS="+b.netns)
	}
	if b.Secure != nil {
		cmd.Env = append(cmd.Env, "KAFKA_SECURE=1")
	}
	if keep {
		cmd.Env = append(cmd.Env, "KAFKA_KEEP_DATA=1")
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("start broker (keep data %v): %v\n%s", keep, err, lastLines(stderr.String(), 40))
	}
	return strings.TrimSpace(string(out))
}

// Stop stops the broker with SIGTERM (as kafka.sh stop and systemd do;
// SIGKILL, a crash, with W2K_OUTAGE_SIGNAL=KILL), keeps its data, and waits
// until the process is gone.
func (b *Own) Stop(t *testing.T) {
	t.Helper()
	n, err := b.pid()
	if err != nil {
		t.Fatal(err)
	}
	sig := syscall.SIGTERM
	if os.Getenv("W2K_OUTAGE_SIGNAL") == "KILL" {
		sig = syscall.SIGKILL
	}
	if err := syscall.Kill(n, sig); err != nil {
		t.Fatal(err)
	}
	for syscall.Kill(n, 0) == nil {
		time.Sleep(50 * time.Millisecond)
	}
}

func lastLines(s string, n int) string {
	l := strings.Split(s, "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}

// Freeze stops the broker with SIGSTOP: its sockets stay open and silent,
// as a hung broker's or one behind a dead link would.
func (b *Own) Freeze(t *testing.T) { b.signal(t, syscall.SIGSTOP) }

// Thaw resumes a frozen broker (SIGCONT).
func (b *Own) Thaw(t *testing.T) { b.signal(t, syscall.SIGCONT) }

func (b *Own) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	n, err := b.pid()
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(n, sig); err != nil {
		t.Fatalf("kill -%v %d: %v", sig, n, err)
	}
}

// pid returns the broker's process id from kafka.sh's pid file.
func (b *Own) pid() (int, error) {
	pid, err := os.ReadFile(filepath.Join(b.dir, "kafka.pid"))
	if err != nil {
		return 0, fmt.Errorf("kafkatest: broker pid: %w", err)
	}
	return strconv.Atoi(strings.TrimSpace(string(pid)))
}

// keep stops the broker (SIGTERM) and copies its dir (kafka.log, the
// server.properties and the data dir with every partition's segments and
// checkpoints) to os.TempDir(), for a failed test. It runs before kafka.sh
// stop, which removes a dir under TMPDIR (the log used to be read after
// that, so the kept copy was always empty).
func (b *Own) keep(t *testing.T) {
	if n, err := b.pid(); err == nil && n > 0 && syscall.Kill(n, syscall.SIGTERM) == nil {
		for end := time.Now().Add(30 * time.Second); syscall.Kill(n, 0) == nil && time.Now().Before(end); {
			time.Sleep(50 * time.Millisecond)
		}
	}
	kept := filepath.Join(os.TempDir(), "wire2kafka-"+strings.ReplaceAll(t.Name(), "/", "_")+"-broker")
	os.RemoveAll(kept)
	if out, err := exec.Command("cp", "-a", b.dir, kept).CombinedOutput(); err != nil {
		t.Logf("keep broker dir: %v %s", err, out)
		return
	}
	t.Logf("broker dir (kafka.log, data) kept in %s", kept)
}
