// Package kafkatest gives tests a real Apache Kafka broker: the one named by
// KAFKA_BOOTSTRAP when set (make test starts one and sets it), otherwise a
// single-node KRaft broker started once per test binary by
// deploy/kafka/kafka.sh on a free loopback port and stopped when the binary
// ends. Each test gets its own topics. Kafka is never mocked.
//
// Use it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(kafkatest.Run(m)) }
//
// and in a test:
//
//	bootstrap := kafkatest.Bootstrap(t)
//	topic := kafkatest.NewTopic(t, 6)
package kafkatest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// broker is the broker of this test binary; guarded by mu. It is the only
// state of the package and lives for one test binary.
var (
	mu     sync.Mutex
	broker struct {
		bootstrap string // host:port
		dir       string // run dir when started here, "" when external
		err       error
	}
)

// Run runs the tests of m and stops the broker if this binary started one.
// It returns the exit code for os.Exit.
func Run(m *testing.M) int {
	code := m.Run()
	if err := stop(); err != nil {
		fmt.Fprintf(os.Stderr, "kafkatest: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Bootstrap returns the bootstrap address of the test broker, starting it on
// first use. It fails the test when no broker can be had.
func Bootstrap(tb testing.TB) string {
	tb.Helper()
	mu.Lock()
	defer mu.Unlock()
	if broker.bootstrap == "" && broker.err == nil {
		broker.bootstrap, broker.dir, broker.err = start()
	}
	if broker.err != nil {
		tb.Fatalf("kafkatest: %v", broker.err)
	}
	return broker.bootstrap
}

// LogTail returns the last n lines of the broker's log, or "" for an
// external broker. Tests print it when they fail.
func LogTail(n int) string {
	mu.Lock()
	dir := broker.dir
	mu.Unlock()
	if dir == "" {
		return ""
	}
	b, err := os.ReadFile(filepath.Join(dir, "kafka.log"))
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func start() (bootstrap, dir string, err error) {
	if b := os.Getenv("KAFKA_BOOTSTRAP"); b != "" {
		return b, "", nil
	}
	script, err := Script()
	if err != nil {
		return "", "", err
	}
	port, err := freePortPair()
	if err != nil {
		return "", "", fmt.Errorf("free port: %w", err)
	}
	dir, err = os.MkdirTemp("", "wire2kafka-kafka-")
	if err != nil {
		return "", "", err
	}
	cmd := exec.Command(script, "start", dir)
	cmd.Env = append(os.Environ(), fmt.Sprintf("KAFKA_PORT=%d", port))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		os.RemoveAll(dir)
		return "", "", fmt.Errorf("start broker: %w\n%s", err, stderr.String())
	}
	return strings.TrimSpace(string(out)), dir, nil
}

func stop() error {
	mu.Lock()
	defer mu.Unlock()
	if broker.dir == "" {
		return nil
	}
	script, err := Script()
	if err != nil {
		return err
	}
	out, err := exec.Command(script, "stop", broker.dir).CombinedOutput()
	if err != nil {
		return fmt.Errorf("stop broker: %w: %s", err, out)
	}
	broker.dir, broker.bootstrap = "", ""
	return nil
}

// Script returns the path of deploy/kafka/kafka.sh in this repository.
func Script() (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "deploy", "kafka", "kafka.sh"), nil
}

// RepoRoot finds the repository root (the directory holding go.mod) from the
// working directory, which for tests is the package directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("kafkatest: go.mod not found above the working directory")
		}
		dir = parent
	}
}

// freePortPair returns a loopback port p such that p and p+1 (the
// controller) are both free right now.
func freePortPair() (int, error) { return freePorts(2) }

// freePorts returns a loopback port p such that p to p+n-1 are all free
// right now.
func freePorts(n int) (int, error) {
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		p := l.Addr().(*net.TCPAddr).Port
		ok := true
		for i := 1; i < n && ok; i++ {
			li, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p+i))
			if err != nil {
				ok = false
				continue
			}
			li.Close()
		}
		l.Close()
		if ok {
			return p, nil
		}
	}
	return 0, fmt.Errorf("no %d free consecutive loopback ports", n)
}
