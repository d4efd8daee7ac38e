package dpdk_test

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"wire2kafka/dpdk"
)

// cpusAllowed parses Cpus_allowed_list from a /proc status file.
func cpusAllowed(t *testing.T, status string) []int {
	t.Helper()
	for _, l := range strings.Split(status, "\n") {
		v, ok := strings.CutPrefix(l, "Cpus_allowed_list:")
		if !ok {
			continue
		}
		var out []int
		for _, part := range strings.Split(strings.TrimSpace(v), ",") {
			lo, hi, isRange := strings.Cut(part, "-")
			a, _ := strconv.Atoi(lo)
			b := a
			if isRange {
				b, _ = strconv.Atoi(hi)
			}
			for c := a; c <= b; c++ {
				out = append(out, c)
			}
		}
		return out
	}
	t.Fatalf("no Cpus_allowed_list in %q", status)
	return nil
}

func TestAffinity(t *testing.T) {
	// rte_eal_init pinned the main thread (tid == pid) to the main lcore.
	st, err := os.ReadFile(fmt.Sprintf("/proc/self/task/%d/status", os.Getpid()))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cpusAllowed(t, string(st)), dpdk.LcoreCPUs(dpdk.MainLcore()); !slices.Equal(got, want) {
		t.Fatalf("main thread CPUs %v, main lcore CPUs %v", got, want)
	}
	for _, cpus := range [][]int{{0}, dpdk.InitCPUs()} {
		var inFn []int
		var child string
		err := dpdk.RunOnCPUs(cpus, func() {
			inFn, _ = dpdk.ThreadAffinity()
			// A process (or thread) started here inherits the affinity.
			out, err := exec.Command("grep", "Cpus_allowed_list", "/proc/self/status").Output()
			if err != nil {
				panic(err)
			}
			child = string(out)
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(inFn, cpus) || !slices.Equal(cpusAllowed(t, child), cpus) {
			t.Fatalf("RunOnCPUs(%v): thread %v, child %q", cpus, inFn, child)
		}
	}
	if err := dpdk.RunOnCPUs([]int{0}, func() { panic("boom") }); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("panic in RunOnCPUs: %v", err)
	}
	if err := dpdk.RunOnCPUs([]int{9999}, func() {}); err == nil {
		t.Fatal("RunOnCPUs on CPU 9999 succeeded")
	}
	// This machine's workers cover every CPU, so housekeeping falls back to
	// the main lcore's; with a free CPU it would be that CPU.
	hk := dpdk.HousekeepingCPUs()
	if len(hk) == 0 {
		t.Fatal("no housekeeping CPUs")
	}
	t.Logf("init CPUs %v, housekeeping %v", dpdk.InitCPUs(), hk)
}
