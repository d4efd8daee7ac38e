package doctor

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"wire2kafka/config"
)

// hostConfig is a config with one PCI port polled from lcore 1 (CPU 1),
// hugepages on, 512 MiB.
const hostConfig = `eal: {lcores: "0-1", memory_mb: 512, hugepages: on}
ports: [{name: "0000:3b:00.0"}]
kafka: {sink: discard}
metrics: {listen: "127.0.0.1:0"}
pipelines:
  - {name: p0, rx: [{port: "0000:3b:00.0", lcore: 1}], acl_workers: [{lcore: 1}], flow_workers: [{lcore: 1}], kafka_workers: [{lcore: 1}]}
rules:
  - {name: all, output: raw, kafka_topic: x}
`

// fakeHost builds sysfs and procfs trees: a 2-node machine, CPU 0 on
// node0 and CPU 1 on node1, the NIC bound to driver on node nicNode,
// freeNode0/1 free 2 MiB hugepages per node, isolcpus and nohz_full as
// given.
func fakeHost(t *testing.T, driver string, nicNode, freeNode0, freeNode1 int, isolated string) Host {
	t.Helper()
	root := t.TempDir()
	sys, proc := filepath.Join(root, "sys"), filepath.Join(root, "proc")
	write := func(path, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(sys, "devices/system/cpu/online"), "0-1\n")
	write(filepath.Join(sys, "devices/system/cpu/isolated"), isolated+"\n")
	write(filepath.Join(sys, "devices/system/cpu/nohz_full"), isolated+"\n")
	for n, free := range []int{freeNode0, freeNode1} {
		node := filepath.Join(sys, "devices/system/node", "node"+itoa(n))
		write(filepath.Join(node, "cpulist"), itoa(n)+"\n")
		write(filepath.Join(node, "hugepages/hugepages-2048kB/free_hugepages"), itoa(free)+"\n")
	}
	write(filepath.Join(sys, "kernel/iommu_groups/0/type"), "DMA\n")
	if err := os.MkdirAll(filepath.Join(sys, "bus/pci/drivers", driver), 0o755); err != nil {
		t.Fatal(err)
	}
	if driver != "vfio-pci" {
		os.MkdirAll(filepath.Join(sys, "bus/pci/drivers/vfio-pci"), 0o755)
	}
	dev := filepath.Join(sys, "bus/pci/devices/0000:3b:00.0")
	write(filepath.Join(dev, "numa_node"), itoa(nicNode)+"\n")
	if err := os.Symlink("../../../bus/pci/drivers/"+driver, filepath.Join(dev, "driver")); err != nil {
		t.Fatal(err)
	}
	free := freeNode0 + freeNode1
	write(filepath.Join(proc, "meminfo"), "MemTotal:       24683568 kB\nHugePages_Total:    "+itoa(free)+"\nHugePages_Free:     "+itoa(free)+
		"\nHugepagesize:       2048 kB\n")
	write(filepath.Join(proc, "1/mountinfo"), "40 25 0:33 / /dev/hugepages rw,relatime shared:15 - hugetlbfs hugetlbfs rw,pagesize=2M\n")
	if err := os.Symlink("1", filepath.Join(proc, "self")); err != nil {
		t.Fatal(err)
	}
	return Host{Sys: sys, Proc: proc}
}

func itoa(n int) string { return strconv.Itoa(n) }

func load(t *testing.T, y string) (*config.Config, *config.Plan) {
	t.Helper()
	cfg, err := config.Parse("doctor.yaml", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := cfg.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	return cfg, plan
}

// TestDoctorFakeHosts: hosts this machine cannot be, as sysfs/procfs trees.
func TestDoctorFakeHosts(t *testing.T) {
	cfg, plan := load(t, hostConfig)
	for _, tt := range []struct {
		name              string
		driver            string
		nicNode, free0    int
		free1             int
		isolated          string
		want              map[string]Status
		wantText, wantFix string
	}{
		{"bound and local", "vfio-pci", 1, 0, 512, "1",
			map[string]Status{"hugepages": Pass, "hugetlbfs mount": Pass, "IOMMU": Pass, "vfio-pci": Pass, "port 0000:3b:00.0": Pass,
				"port 0000:3b:00.0 NUMA": Pass, "hugepages per node": Pass, "isolated CPUs": Pass, "nohz_full": Pass, "housekeeping CPUs": Pass}, "bound to vfio-pci", ""},
		{"kernel driver", "ixgbe", 1, 0, 512, "1",
			map[string]Status{"port 0000:3b:00.0": Fail}, "bound to the kernel driver ixgbe", "dpdk-devbind.py -b vfio-pci 0000:3b:00.0"},
		{"remote NUMA node", "vfio-pci", 0, 256, 256, "1",
			map[string]Status{"port 0000:3b:00.0 NUMA": Warn}, "polls it from lcore 1 on CPU 1 of node1", "run its RX workers on CPUs of node0"},
		{"no pages on the NIC's node", "vfio-pci", 1, 512, 0, "1",
			map[string]Status{"hugepages per node": Warn}, "port 0000:3b:00.0 is on node1, which has none free", "node1/hugepages/hugepages-2048kB/nr_hugepages"},
		{"too few hugepages", "vfio-pci", 1, 100, 100, "1",
			map[string]Status{"hugepages": Fail}, "eal.hugepages on refuses to start", "vm.nr_hugepages"},
		{"not isolated", "vfio-pci", 1, 0, 512, "",
			map[string]Status{"isolated CPUs": Warn, "nohz_full": Warn}, "polling CPUs 1 not in isolcpus", "isolcpus=1"},
		{"uio", "igb_uio", 1, 0, 512, "1",
			map[string]Status{"port 0000:3b:00.0": Warn}, "no IOMMU protection", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := fakeHost(t, tt.driver, tt.nicNode, tt.free0, tt.free1, tt.isolated)
			rs := Run(cfg, plan, h)
			got := map[string]Status{}
			for _, r := range rs {
				got[r.Check] = r.Status
			}
			for check, st := range tt.want {
				if got[check] != st {
					t.Errorf("%s: %v, want %v", check, got[check], st)
				}
			}
			var out bytes.Buffer
			Write(&out, rs)
			if !strings.Contains(out.String(), tt.wantText) || !strings.Contains(out.String(), tt.wantFix) {
				t.Errorf("output lacks %q or fix %q:\n%s", tt.wantText, tt.wantFix, out.String())
			}
		})
	}
}
