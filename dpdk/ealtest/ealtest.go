// Package ealtest initialises DPDK's EAL once per test binary, for the
// TestMain of any package whose tests need DPDK.
//
// Importing it locks the main goroutine to the main OS thread (in init), as
// rte_eal_init requires. Typical use:
//
//	func TestMain(m *testing.M) {
//		ealtest.Main(m, ealtest.Config{Vdevs: []string{"net_null0"}})
//	}
//
// Each test binary gets a unique --file-prefix, --no-pci, small memory, and
// hugepages when hugetlbfs has enough free pages (--no-huge otherwise).
// Concurrent test binaries (go test ./...) take turns through a lock file
// while they initialise, so the free-page check is not racy.
package ealtest

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"wire2kafka/dpdk"
)

func init() {
	// rte_eal_init must run on a thread that stays with the main goroutine.
	runtime.LockOSThread()
}

// Config says what EAL the tests need. The zero value works.
type Config struct {
	// Vdevs are --vdev arguments, e.g. "net_null0" or
	// "net_pcap0,rx_pcap=/tmp/x.pcap".
	Vdevs []string
	// Lcores is the number of lcores, main included (zero means 3). They
	// are mapped round-robin onto the CPUs the process may use, so 3 lcores
	// on 2 CPUs is fine: lcore 0 and 2 share the first CPU.
	Lcores int
	// MemMB is the EAL memory in megabytes (zero means 256).
	MemMB int
	// NoHuge forces --no-huge even when hugepages are free. The
	// environment variable W2K_EAL_NOHUGE=1 forces it too (to benchmark
	// both modes).
	NoHuge bool
	// Args are extra EAL arguments.
	Args []string
	// LogLevel is the EAL --log-level (empty means "warning").
	LogLevel string
}

// lockPath serialises EAL initialisation across test binaries.
const lockPath = "/tmp/wire2kafka-ealtest.lock"

// Args builds the EAL argument list for cfg and says which memory mode it
// chose.
func Args(cfg Config) (args []string, desc string) {
	if cfg.Lcores == 0 {
		cfg.Lcores = 3
	}
	if cfg.MemMB == 0 {
		cfg.MemMB = 256
	}
	if cfg.LogLevel == "" {
		cfg.LogLevel = "warning"
	}
	cpus, err := dpdk.ThreadAffinity()
	if err != nil || len(cpus) == 0 {
		cpus = []int{0}
	}
	var lc []string
	for i := 0; i < cfg.Lcores; i++ {
		lc = append(lc, fmt.Sprintf("%d@%d", i, cpus[i%len(cpus)]))
	}
	var mem []string
	if cfg.NoHuge || os.Getenv("W2K_EAL_NOHUGE") == "1" {
		mem = []string{"--no-huge", "-m", strconv.Itoa(cfg.MemMB)}
		desc = fmt.Sprintf("no hugepages (forced): --no-huge -m %d", cfg.MemMB)
	} else {
		mem, desc = dpdk.MemoryArgs(cfg.MemMB, true)
	}
	if mem[0] == "--no-huge" {
		// No runtime files under /var/run/dpdk for a test binary.
		mem = append(mem, "--no-shconf")
	}
	args = []string{
		"--lcores", strings.Join(lc, ","),
		"--main-lcore", "0",
		"--no-pci",
		"--no-telemetry",
		"--file-prefix", filePrefix(),
		"--log-level", cfg.LogLevel,
	}
	args = append(args, mem...)
	for _, v := range cfg.Vdevs {
		args = append(args, "--vdev", v)
	}
	args = append(args, cfg.Args...)
	return args, desc
}

// filePrefix is this process's EAL --file-prefix.
func filePrefix() string { return fmt.Sprintf("w2k_test_%d", os.Getpid()) }

// Init initialises EAL for cfg (see Args) and sets GOMAXPROCS to at least
// the number of worker lcores plus two, so that Go functions launched on
// every worker lcore leave the runtime and the tests a P. It returns the
// memory-mode description. Call it from TestMain, on the main goroutine.
func Init(cfg Config) (desc string, err error) {
	args, desc := Args(cfg)
	lock, lerr := os.OpenFile(lockPath, os.O_CREATE|os.O_RDWR, 0o666)
	if lerr == nil {
		if syscall.Flock(int(lock.Fd()), syscall.LOCK_EX) == nil {
			defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
		}
		defer lock.Close()
		args, desc = Args(cfg) // re-check free hugepages under the lock
	}
	if err := dpdk.Init(args); err != nil {
		return desc, fmt.Errorf("ealtest: %w (args %q)", err, args)
	}
	runtime.GOMAXPROCS(max(len(dpdk.InitCPUs()), len(dpdk.WorkerLcores())+2))
	return desc, nil
}

// Main is a whole TestMain: os.Exit(Run(m, cfg)).
func Main(m *testing.M, cfg Config) { os.Exit(Run(m, cfg)) }

// Run does Init (exit status 2 on failure), logs the memory mode, runs the
// tests, waits for the lcores and cleans up EAL. It returns the exit status
// for os.Exit.
func Run(m *testing.M, cfg Config) int {
	desc, err := Init(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	fmt.Fprintf(os.Stderr, "ealtest: EAL up, %s, lcores %v\n", desc, dpdk.Lcores())
	code := m.Run()
	if err := dpdk.WaitAll(); err != nil {
		fmt.Fprintln(os.Stderr, "ealtest:", err)
		code = 1
	}
	if err := dpdk.Cleanup(); err != nil {
		fmt.Fprintln(os.Stderr, "ealtest:", err)
	}
	// EAL leaves its (empty, with --in-memory or --no-shconf) runtime
	// directory behind.
	os.Remove("/var/run/dpdk/" + filePrefix())
	return code
}
