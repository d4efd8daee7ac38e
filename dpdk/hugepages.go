package dpdk

import (
	"fmt"
	"strconv"

	"github.com/prometheus/procfs"
)

// HugepageInfo describes the hugepages the system offers right now.
type HugepageInfo struct {
	Mounted  bool   // a hugetlbfs is mounted
	Mount    string // its mount point, if Mounted
	PageSize uint64 // default hugepage size in bytes (Hugepagesize)
	Free     uint64 // free default-size hugepages (HugePages_Free)
	Total    uint64 // default-size hugepages reserved (HugePages_Total)
}

// ReadHugepageInfo reads the mount table and /proc/meminfo.
func ReadHugepageInfo() (HugepageInfo, error) { return ReadHugepageInfoAt("/proc") }

// ReadHugepageInfoAt is ReadHugepageInfo with procfs mounted at proc
// (a fake tree in tests of `wire2kafka doctor`).
func ReadHugepageInfoAt(proc string) (HugepageInfo, error) {
	var h HugepageInfo
	fs, err := procfs.NewFS(proc)
	if err != nil {
		return h, fmt.Errorf("dpdk: hugepages: %w", err)
	}
	self, err := fs.Self()
	if err != nil {
		return h, fmt.Errorf("dpdk: hugepages: %w", err)
	}
	mounts, err := self.MountInfo()
	if err != nil {
		return h, fmt.Errorf("dpdk: hugepages: %w", err)
	}
	for _, m := range mounts {
		if m.FSType == "hugetlbfs" {
			h.Mounted, h.Mount = true, m.MountPoint
			break
		}
	}
	mi, err := fs.Meminfo()
	if err != nil {
		return h, fmt.Errorf("dpdk: hugepages: %w", err)
	}
	if mi.HugePagesFree == nil || mi.Hugepagesize == nil {
		return h, fmt.Errorf("dpdk: hugepages: no HugePages_Free or Hugepagesize in %s/meminfo", proc)
	}
	h.Free, h.PageSize = *mi.HugePagesFree, *mi.Hugepagesize*1024
	if mi.HugePagesTotal != nil {
		h.Total = *mi.HugePagesTotal
	}
	return h, nil
}

// MemoryArgs returns the EAL memory arguments for about memMB megabytes and
// a one-line description of the choice:
//
//   - hugetlbfs mounted with at least memMB (plus one page) free:
//     {"--in-memory", "-m", memMB} when inMemory is true (no files in
//     hugetlbfs or /var/run/dpdk, no multi-process support), otherwise
//     {"--huge-unlink", "-m", memMB};
//   - otherwise {"--no-huge", "-m", memMB}: plain anonymous memory, 2.5-4x
//     slower, fine for tests.
//
// EAL reserves -m memory at init, so a process that loses a race for the
// last free pages fails in Init; callers that share the pool with other
// processes should leave headroom. Callers still need a unique
// "--file-prefix" when several DPDK processes run at once.
func MemoryArgs(memMB int, inMemory bool) (args []string, desc string) {
	m := strconv.Itoa(memMB)
	h, err := ReadHugepageInfo()
	switch {
	case err != nil:
		return []string{"--no-huge", "-m", m}, fmt.Sprintf("no hugepages (%v): --no-huge -m %d", err, memMB)
	case !h.Mounted:
		return []string{"--no-huge", "-m", m}, fmt.Sprintf("no hugepages (no hugetlbfs mounted): --no-huge -m %d", memMB)
	case h.PageSize == 0 || h.Free*h.PageSize < uint64(memMB)<<20+h.PageSize:
		return []string{"--no-huge", "-m", m}, fmt.Sprintf("no hugepages (%d free pages of %d kB at %s, %d MB wanted): --no-huge -m %d",
			h.Free, h.PageSize>>10, h.Mount, memMB, memMB)
	case inMemory:
		return []string{"--in-memory", "-m", m}, fmt.Sprintf("hugepages (%d free pages of %d kB at %s): --in-memory -m %d",
			h.Free, h.PageSize>>10, h.Mount, memMB)
	default:
		return []string{"--huge-unlink", "-m", m}, fmt.Sprintf("hugepages (%d free pages of %d kB at %s): --huge-unlink -m %d",
			h.Free, h.PageSize>>10, h.Mount, memMB)
	}
}
