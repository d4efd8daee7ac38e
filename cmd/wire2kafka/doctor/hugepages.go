package doctor

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"wire2kafka/config"
	"wire2kafka/dpdk"
)

// hugepages checks the default-size hugepages against eal.memory_mb, the
// hugetlbfs mount, and the pages per NUMA node.
func hugepages(cfg *config.Config, plan *config.Plan, h Host) []Result {
	const name = "hugepages"
	mode, need := cfg.EAL.Hugepages, cfg.EAL.MemoryMB
	if mode == config.HugepagesOff {
		return []Result{{Check: name, Status: Skip, Detail: "eal.hugepages off: normal pages (--no-huge), 2.5-4x slower"}}
	}
	fix := fmt.Sprintf("reserve at least %d MiB: install deploy/systemd/hugepages.conf in /etc/sysctl.d (vm.nr_hugepages) and run sysctl --system, or echo N > /proc/sys/vm/nr_hugepages", need)
	short := Warn // auto: runs on normal pages
	if mode == config.HugepagesOn {
		short = Fail
	}
	hp, err := dpdk.ReadHugepageInfoAt(h.Proc)
	if err != nil {
		return []Result{{Check: name, Status: short, Detail: err.Error(), Fix: fix}}
	}
	sizeKB, free := hp.PageSize/1024, hp.Free
	freeMB := int(free * sizeKB / 1024)
	var rs []Result
	detail := fmt.Sprintf("%d free of %d x %d kB (%d MiB free), eal.memory_mb %d", free, hp.Total, sizeKB, freeMB, need)
	switch {
	case freeMB >= need:
		rs = append(rs, Result{Check: name, Status: Pass, Detail: detail})
	case mode == config.HugepagesOn:
		rs = append(rs, Result{Check: name, Status: Fail, Detail: detail + ": eal.hugepages on refuses to start", Fix: fix})
	default:
		rs = append(rs, Result{Check: name, Status: Warn, Detail: detail + ": eal.hugepages auto falls back to normal pages, 2.5-4x slower", Fix: fix})
	}
	// hugetlbfs mounted (DPDK maps the pages through it).
	mount := Result{Check: "hugetlbfs mount", Status: Fail, Detail: "no hugetlbfs mounted", Fix: "mount -t hugetlbfs nodev /dev/hugepages (systemd's dev-hugepages.mount does it at boot)"}
	if hp.Mounted {
		mount = Result{Check: "hugetlbfs mount", Status: Pass, Detail: hp.Mount}
	}
	if mode == config.HugepagesAuto && mount.Status == Fail {
		mount.Status, mount.Detail = Warn, "no hugetlbfs mounted: eal.hugepages auto runs on normal pages"
	}
	rs = append(rs, mount)
	// Per NUMA node: the ports' nodes need pages of their own.
	perNode := map[int]int{}
	dirs, _ := filepath.Glob(filepath.Join(h.Sys, "devices/system/node/node*/hugepages", fmt.Sprintf("hugepages-%dkB", sizeKB)))
	for _, d := range dirs {
		var node int
		if _, err := fmt.Sscanf(filepath.Base(filepath.Dir(filepath.Dir(d))), "node%d", &node); err != nil {
			continue
		}
		n, _ := readInt(d, "free_hugepages")
		perNode[node] = n
	}
	if len(perNode) > 1 {
		var parts []string
		var nodes []int
		for n := range perNode {
			nodes = append(nodes, n)
		}
		sort.Ints(nodes)
		for _, n := range nodes {
			parts = append(parts, fmt.Sprintf("node%d %d free", n, perNode[n]))
		}
		r := Result{Check: "hugepages per node", Status: Pass, Detail: strings.Join(parts, ", ")}
		for _, p := range cfg.Ports {
			if !config.IsPCI(p.Name) {
				continue
			}
			if n, ok := readInt(h.Sys, "bus/pci/devices", p.Name, "numa_node"); ok && n >= 0 && perNode[n] == 0 {
				r.Status, r.Detail = Warn, r.Detail+fmt.Sprintf("; port %s is on node%d, which has none free", p.Name, n)
				r.Fix = fmt.Sprintf("reserve pages on node%d: echo N > /sys/devices/system/node/node%d/hugepages/hugepages-%dkB/nr_hugepages", n, n, sizeKB)
			}
		}
		rs = append(rs, r)
	}
	return rs
}
