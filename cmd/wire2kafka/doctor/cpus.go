package doctor

import (
	"fmt"
	"sort"
	"strings"

	"wire2kafka/config"
)

// cpus checks that the polling lcores' CPUs are isolated from the
// scheduler and the timer tick, and that CPUs are left over for the Go
// runtime and librdkafka's threads.
func cpus(cfg *config.Config, plan *config.Plan, h Host) []Result {
	poll := map[int]bool{}
	for _, l := range plan.WorkerLcores() {
		poll[lcoreCPU(cfg, l)] = true
	}
	var polling []int
	for c := range poll {
		polling = append(polling, c)
	}
	sort.Ints(polling)
	isolated := cpuList(readString(h.Sys, "devices/system/cpu/isolated"))
	nohz := cpuList(readString(h.Sys, "devices/system/cpu/nohz_full"))
	var notIso, notNohz []string
	for _, c := range polling {
		if !isolated[c] {
			notIso = append(notIso, fmt.Sprint(c))
		}
		if !nohz[c] {
			notNohz = append(notNohz, fmt.Sprint(c))
		}
	}
	var ids []string
	for _, c := range polling {
		ids = append(ids, fmt.Sprint(c))
	}
	list := strings.Join(ids, ",")
	var rs []Result
	if len(notIso) == 0 {
		rs = append(rs, Result{Check: "isolated CPUs", Status: Pass, Detail: "polling CPUs " + list + " are isolated"})
	} else {
		rs = append(rs, Result{Check: "isolated CPUs", Status: Warn,
			Detail: fmt.Sprintf("polling CPUs %s not in isolcpus (the scheduler may run other tasks there: RX stalls, drops at the NIC)", strings.Join(notIso, ",")),
			Fix:    "boot with isolcpus=" + list + " (and keep those CPUs out of CPUAffinity= in the unit)"})
	}
	if len(notNohz) == 0 {
		rs = append(rs, Result{Check: "nohz_full", Status: Pass, Detail: "polling CPUs " + list + " run tickless"})
	} else {
		rs = append(rs, Result{Check: "nohz_full", Status: Warn, Detail: "polling CPUs " + strings.Join(notNohz, ",") + " take the timer tick",
			Fix: "boot with nohz_full=" + list + " rcu_nocbs=" + list})
	}
	online := cpuList(readString(h.Sys, "devices/system/cpu/online"))
	var offline []string
	for _, c := range polling {
		if !online[c] {
			offline = append(offline, fmt.Sprint(c))
		}
	}
	if len(offline) > 0 {
		rs = append(rs, Result{Check: "lcore CPUs", Status: Fail, Detail: "CPUs " + strings.Join(offline, ",") + " of the worker lcores are not online on this host",
			Fix: "fit eal.lcores (or eal.cpus) to this host's CPUs (" + readString(h.Sys, "devices/system/cpu/online") + ")"})
	}
	var free []string
	for c := range online {
		if !poll[c] {
			free = append(free, fmt.Sprint(c))
		}
	}
	sort.Strings(free)
	if len(free) == 0 {
		rs = append(rs, Result{Check: "housekeeping CPUs", Status: Warn,
			Detail: fmt.Sprintf("every online CPU (%d) runs a polling lcore: librdkafka's threads, the Go runtime and the metrics server share them", len(online)),
			Fix:    "leave at least one CPU without a worker lcore (eal.lcores) for librdkafka and the control plane"})
	} else {
		rs = append(rs, Result{Check: "housekeeping CPUs", Status: Pass, Detail: "librdkafka and the control plane run on CPUs " + strings.Join(free, ",")})
	}
	return rs
}
