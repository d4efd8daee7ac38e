package doctor

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// readString returns the trimmed content of a sysfs or procfs file, "" when
// it cannot be read.
func readString(path ...string) string {
	b, err := os.ReadFile(filepath.Join(path...))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// readInt returns the integer in a file, and false when there is none.
func readInt(path ...string) (int, bool) {
	n, err := strconv.Atoi(readString(path...))
	return n, err == nil
}

// cpuList parses a kernel CPU list ("0-3,8,10-11"); an empty list is nil.
func cpuList(s string) map[int]bool {
	out := map[int]bool{}
	for _, part := range strings.Split(strings.TrimSpace(s), ",") {
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(lo)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil {
			continue
		}
		for c := a; c <= b; c++ {
			out[c] = true
		}
	}
	return out
}

// cpuNode returns the NUMA node of a CPU, -1 when unknown.
func cpuNode(sys string, cpu int) int {
	nodes, _ := filepath.Glob(filepath.Join(sys, "devices/system/node/node*"))
	for _, n := range nodes {
		if cpuList(readString(n, "cpulist"))[cpu] {
			id, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(n), "node"))
			if err == nil {
				return id
			}
		}
	}
	return -1
}
