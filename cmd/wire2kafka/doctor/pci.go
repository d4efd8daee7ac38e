package doctor

import (
	"fmt"
	"os"
	"path/filepath"

	"wire2kafka/config"
)

// userspace drivers DPDK's PMDs take a NIC through; mlx4/5 NICs stay on
// their kernel driver (bifurcated).
var dpdkDrivers = map[string]Status{"vfio-pci": Pass, "uio_pci_generic": Warn, "igb_uio": Warn, "mlx5_core": Pass, "mlx4_core": Pass}

// pci checks the IOMMU, vfio-pci, each PCI port's driver and its NUMA node
// against the lcores of its RX workers.
func pci(cfg *config.Config, plan *config.Plan, h Host) []Result {
	var ports []int
	for i, p := range cfg.Ports {
		if config.IsPCI(p.Name) {
			ports = append(ports, i)
		}
	}
	if len(ports) == 0 {
		return []Result{{Check: "PCI ports", Status: Skip, Detail: "only vdev ports: no NIC to bind"}}
	}
	var rs []Result
	groups, _ := os.ReadDir(filepath.Join(h.Sys, "kernel/iommu_groups"))
	if len(groups) == 0 {
		rs = append(rs, Result{Check: "IOMMU", Status: Fail, Detail: "no IOMMU groups in " + filepath.Join(h.Sys, "kernel/iommu_groups"),
			Fix: "enable VT-d/AMD-Vi in the firmware and boot with intel_iommu=on iommu=pt (or amd_iommu=on)"})
	} else {
		rs = append(rs, Result{Check: "IOMMU", Status: Pass, Detail: fmt.Sprintf("%d IOMMU groups", len(groups))})
	}
	if _, err := os.Stat(filepath.Join(h.Sys, "bus/pci/drivers/vfio-pci")); err != nil {
		rs = append(rs, Result{Check: "vfio-pci", Status: Fail, Detail: "the vfio-pci driver is not loaded", Fix: "modprobe vfio-pci (and add it to /etc/modules-load.d)"})
	} else {
		rs = append(rs, Result{Check: "vfio-pci", Status: Pass, Detail: "loaded"})
	}
	for _, i := range ports {
		name := cfg.Ports[i].Name
		dev := filepath.Join(h.Sys, "bus/pci/devices", name)
		check := "port " + name
		if _, err := os.Stat(dev); err != nil {
			rs = append(rs, Result{Check: check, Status: Fail, Detail: "no such PCI device", Fix: "lspci -D lists the NICs; use the mirror port's address in ports[].name"})
			continue
		}
		drv := ""
		if l, err := os.Readlink(filepath.Join(dev, "driver")); err == nil {
			drv = filepath.Base(l)
		}
		bind := fmt.Sprintf("dpdk-devbind.py -b vfio-pci %s", name)
		switch st, ok := dpdkDrivers[drv]; {
		case drv == "":
			rs = append(rs, Result{Check: check, Status: Fail, Detail: "bound to no driver", Fix: bind})
		case !ok:
			rs = append(rs, Result{Check: check, Status: Fail, Detail: "bound to the kernel driver " + drv + ": DPDK cannot use it", Fix: bind})
		case st == Warn:
			rs = append(rs, Result{Check: check, Status: Warn, Detail: "bound to " + drv + " (no IOMMU protection)", Fix: bind})
		default:
			rs = append(rs, Result{Check: check, Status: Pass, Detail: "bound to " + drv})
		}
		// NUMA: the RX workers of this port should run on its node.
		node, ok := readInt(dev, "numa_node")
		if !ok || node < 0 {
			continue
		}
		r := Result{Check: check + " NUMA", Status: Pass, Detail: fmt.Sprintf("node%d", node)}
		for _, p := range plan.Pipelines {
			for _, w := range p.RX {
				for _, q := range w.Queues {
					if q.Port != i {
						continue
					}
					cpu := lcoreCPU(cfg, w.Lcore)
					if n := cpuNode(h.Sys, cpu); n >= 0 && n != node {
						r.Status = Warn
						r.Detail = fmt.Sprintf("node%d, but %s polls it from lcore %d on CPU %d of node%d: every packet crosses the interconnect", node, w.Name, w.Lcore, cpu, n)
						r.Fix = fmt.Sprintf("run its RX workers on CPUs of node%d (eal.lcores / eal.cpus)", node)
					}
				}
			}
		}
		rs = append(rs, r)
	}
	return rs
}

// lcoreCPU returns the CPU an lcore runs on: eal.cpus maps lcores onto
// CPUs round-robin, otherwise the lcore id is the CPU id.
func lcoreCPU(cfg *config.Config, lcore int) int {
	e := cfg.EAL
	if len(e.CPUs) == 0 {
		return lcore
	}
	for i, l := range e.Lcores {
		if l == lcore {
			return e.CPUs[i%len(e.CPUs)]
		}
	}
	return lcore
}
