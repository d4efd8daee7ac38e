package main

import (
	"fmt"

	"wire2kafka/dpdk"
	"wire2kafka/dpdk/dpdkbench"
)

// CForwardResult is what the bare C loop measured in its window.
type CForwardResult struct {
	Mode        string  `json:"mode"`
	Loop        string  `json:"loop"` // "rx+free" or "rx->ring->free"
	Lcores      int     `json:"lcores"`
	Packets     uint64  `json:"packets"`
	Seconds     float64 `json:"seconds"`
	Mpps        float64 `json:"mpps"`
	NsPerPacket float64 `json:"ns_per_packet"` // lcore-ns per packet
	CPUSeconds  float64 `json:"cpu_seconds"`   // utime+stime of the process in the run
	CPUNsPerPkt float64 `json:"cpu_ns_per_packet"`
}

// runCForward configures the config's first port alone (same vdev, pool
// size and burst as the pipeline) and runs the C loop on the config's
// worker lcores: a warm-up run, then a run sized to last o.seconds.
func runCForward(o options) (*CForwardResult, error) {
	cfg, plan, err := initEAL(o)
	if err != nil {
		return nil, err
	}
	defer dpdk.Cleanup()
	if len(cfg.Ports) == 0 {
		return nil, errNoPort
	}
	port, err := dpdk.PortByName(cfg.Ports[0].Name)
	if err != nil {
		return nil, err
	}
	pool, err := dpdk.NewPool(dpdk.PoolConfig{Size: uint32(cfg.Mempool.Mbufs), CacheSize: uint32(cfg.Mempool.Cache), PrivSize: 64})
	if err != nil {
		return nil, err
	}
	if _, err := port.Configure(dpdk.PortConfig{Pool: pool, RxDesc: uint16(cfg.Ports[0].RXDescriptors)}); err != nil {
		return nil, err
	}
	if err := port.Start(); err != nil {
		return nil, err
	}
	lcores := dpdk.WorkerLcores()
	n := o.lcores
	if n == 0 {
		n = len(plan.WorkerLcores())
	}
	if n < 1 || n > 2 || len(lcores) < n {
		return nil, fmt.Errorf("cforward: %d lcores asked, %d worker lcores started", n, len(lcores))
	}
	burst := cfg.Burst
	run := func(packets uint64) (dpdkbench.Result, error) {
		if n == 1 {
			return dpdkbench.RxFree(lcores[0], uint16(port), 0, burst, packets)
		}
		return dpdkbench.RxRingFree(lcores[0], lcores[1], uint16(port), 0, burst, uint(cfg.Rings.Size), packets)
	}
	// Warm-up, also the calibration of the measured run's size.
	w, err := run(1_000_000)
	if err != nil {
		return nil, err
	}
	for d := w.Elapsed; d.Seconds() < o.warmup; d += w.Elapsed {
		if w, err = run(1_000_000); err != nil {
			return nil, err
		}
	}
	packets := uint64(w.Mpps() * 1e6 * o.seconds)
	cpu0 := procCPU()
	res, err := run(max(packets, 100_000))
	cpu := procCPU() - cpu0
	if err != nil {
		return nil, err
	}
	loop := "rx+free"
	if n == 2 {
		loop = "rx->ring->free"
	}
	r := &CForwardResult{Mode: "cforward", Loop: loop, Lcores: n, Packets: res.Packets,
		Seconds: res.Elapsed.Seconds(), Mpps: res.Mpps(), CPUSeconds: cpu}
	r.CPUNsPerPkt = cpu * 1e9 / float64(res.Packets)
	r.NsPerPacket = float64(n) * float64(res.Elapsed.Nanoseconds()) / float64(res.Packets)
	return r, nil
}
