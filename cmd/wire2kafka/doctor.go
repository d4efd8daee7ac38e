package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"wire2kafka/cmd/wire2kafka/doctor"
	"wire2kafka/config"
)

func init() {
	register(command{name: "doctor", summary: "check this host for a config: hugepages, IOMMU/vfio, NIC binding and NUMA, CPU isolation, Kafka, metrics port", run: runDoctor})
}

func runDoctor(args []string) error {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	cfgPath := fs.String("c", "", "config file (required)")
	timeout := fs.Duration("kafka-timeout", 5*time.Second, "how long to wait for the Kafka cluster's metadata")
	sys := fs.String("sysfs", "/sys", "sysfs root (tests give a fake tree)")
	proc := fs.String("procfs", "/proc", "procfs root (tests give a fake tree)")
	fs.Usage = func() {
		fmt.Fprintf(os.Stderr, "Usage: wire2kafka doctor -c FILE\n\n"+
			"Checks this host for the config: hugepages (count, size, per NUMA node, hugetlbfs),\n"+
			"IOMMU and vfio-pci, each PCI port's driver and NUMA node against its RX workers'\n"+
			"lcores, isolcpus/nohz_full for the polling lcores, CPUs left for librdkafka, the\n"+
			"Kafka cluster and the rules' topics, and the metrics port. Prints pass / warn /\n"+
			"FAIL per check with the fix; exits 1 when a check fails.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *cfgPath == "" {
		fs.Usage()
		return errors.New("-c FILE is required")
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return err
	}
	plan, err := cfg.Resolve()
	if err != nil {
		return err
	}
	rs := doctor.Run(cfg, plan, doctor.Host{Sys: *sys, Proc: *proc, KafkaTimeout: *timeout})
	if doctor.Write(os.Stdout, rs) == doctor.Fail {
		return errors.New("a check failed (see FAIL above)")
	}
	return nil
}
