package config

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/prometheus/procfs"
)

// UseHugepages reports whether EAL should use hugepages, given the free
// hugepage memory in MiB (see HugepagesFreeMB): always with hugepages on,
// never with off, and with auto when at least eal.memory_mb is free.
func (p *Plan) UseHugepages(hugepagesFreeMB int) bool {
	e := p.Config.EAL
	switch e.Hugepages {
	case HugepagesOn:
		return true
	case HugepagesOff:
		return false
	}
	return hugepagesFreeMB >= e.MemoryMB
}

// EALArgs builds the EAL arguments, without argv[0]:
//
//	-l <lcores> --main-lcore <id>      (--lcores <l>@<cpu>,... with eal.cpus) --file-prefix <prefix> -m <memory_mb>
//	--in-memory                        (with hugepages)
//	--no-huge                          (without)
//	-a <pci>[,<devargs>]               per PCI port, or --no-pci when there is none
//	--vdev=<name>[,<devargs>]          per vdev port
//	<eal.args...>
//
// hugepagesFreeMB matters only for eal.hugepages auto (see UseHugepages).
func (p *Plan) EALArgs(hugepagesFreeMB int) []string {
	e := p.Config.EAL
	lcores := []string{"-l", e.Lcores.String()}
	if len(e.CPUs) > 0 {
		var m []string
		for i, l := range e.Lcores {
			m = append(m, fmt.Sprintf("%d@%d", l, e.CPUs[i%len(e.CPUs)]))
		}
		lcores = []string{"--lcores", strings.Join(m, ",")}
	}
	args := []string{
		lcores[0], lcores[1],
		"--main-lcore", strconv.Itoa(e.MainLcore),
		"--file-prefix", e.FilePrefix,
		"-m", strconv.Itoa(e.MemoryMB),
	}
	if p.UseHugepages(hugepagesFreeMB) {
		args = append(args, "--in-memory")
	} else {
		args = append(args, "--no-huge")
	}
	pci := false
	for _, port := range p.Config.Ports {
		dev := port.Name
		if port.Devargs != "" {
			dev += "," + port.Devargs
		}
		if IsPCI(port.Name) {
			pci = true
			args = append(args, "-a", dev)
		} else {
			args = append(args, "--vdev="+dev)
		}
	}
	if !pci {
		args = append(args, "--no-pci")
	}
	return append(args, e.Args...)
}

// HugepagesFreeMB returns the free hugepage memory of the default size in
// MiB, from /proc/meminfo; 0 when it cannot be read.
func HugepagesFreeMB() int {
	fs, err := procfs.NewDefaultFS()
	if err != nil {
		return 0
	}
	mi, err := fs.Meminfo()
	if err != nil || mi.HugePagesFree == nil || mi.Hugepagesize == nil {
		return 0
	}
	return int(*mi.HugePagesFree * *mi.Hugepagesize / 1024)
}
