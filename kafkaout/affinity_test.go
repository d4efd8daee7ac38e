package kafkaout

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"wire2kafka/kafkaout/kafkatest"
)

// rdkThreads returns the CPU list of every librdkafka thread (rdk:*) of
// this process, by thread id.
func rdkThreads(t *testing.T) map[string]string {
	t.Helper()
	dirs, err := filepath.Glob("/proc/self/task/*")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range dirs {
		comm, err := os.ReadFile(filepath.Join(d, "comm"))
		if err != nil || !strings.HasPrefix(string(comm), "rdk:") {
			continue
		}
		status, err := os.ReadFile(filepath.Join(d, "status"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, "Cpus_allowed_list:"); ok {
				out[filepath.Base(d)] = strings.TrimSpace(strings.TrimSuffix(string(comm), "\n")) + " " + strings.TrimSpace(v)
			}
		}
	}
	return out
}

// newThreads returns the entries of after that are not in before.
func newThreads(before, after map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range after {
		if _, ok := before[k]; !ok {
			out[k] = v
		}
	}
	return out
}

// TestProducerCPUAffinity pins the calling thread to CPU 0 (as EAL pins
// the main thread to the main lcore) and creates a producer with CPUs [1]:
// every librdkafka thread it starts must be allowed on CPU 1 only. A second
// producer without CPUs shows what happens otherwise: its threads inherit
// CPU 0.
func TestProducerCPUAffinity(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("needs 2 CPUs")
	}
	bootstrap := kafkatest.Bootstrap(t)
	runtime.LockOSThread() // never unlocked: this thread ends with the test
	var set unix.CPUSet
	set.Set(0)
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		t.Fatal(err)
	}
	cfg := ProducerConfig{Librdkafka: map[string]string{"bootstrap.servers": bootstrap}, CPUs: []int{1}, PoolMessages: 4}
	before := rdkThreads(t)
	p, err := NewProducer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(time.Second)
	time.Sleep(500 * time.Millisecond) // broker threads learned from metadata start a bit later
	pinned := newThreads(before, rdkThreads(t))
	if len(pinned) < 2 {
		t.Fatalf("found %d new rdk threads (%v), want at least rdk:main and a broker thread", len(pinned), pinned)
	}
	for tid, v := range pinned {
		if !strings.HasSuffix(v, " 1") {
			t.Errorf("thread %s (%s): want Cpus_allowed_list 1", tid, v)
		}
	}
	t.Logf("with CPUs [1]: %v", pinned)
	var check unix.CPUSet
	if err := unix.SchedGetaffinity(0, &check); err != nil || check.Count() != 1 || !check.IsSet(0) {
		t.Errorf("caller's affinity changed: %v count %d", err, check.Count())
	}

	cfg.CPUs = nil
	before = rdkThreads(t)
	p2, err := NewProducer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer p2.Close(time.Second)
	time.Sleep(500 * time.Millisecond)
	inherited := newThreads(before, rdkThreads(t))
	if len(inherited) < 2 {
		t.Fatalf("%d new librdkafka threads for the second producer: the comparison shows nothing", len(inherited))
	}
	for tid, v := range inherited {
		if !strings.HasSuffix(v, " 0") {
			t.Errorf("thread %s (%s): without CPUs, want the creator's CPU 0", tid, v)
		}
	}
	t.Logf("without CPUs, created from a thread on CPU 0: %v", inherited)
}
