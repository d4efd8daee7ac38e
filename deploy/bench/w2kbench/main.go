// Command w2kbench is the in-process driver of `make bench` (see
// deploy/bench/bench.sh and docs/benchmarks.md). It is not part of the
// product and imports the C reference loops of dpdk/dpdkbench.
//
//	w2kbench pipeline -c FILE [-warmup D] [-seconds N] [-map-lcores] [-cpuprofile F] [-rss-every D]
//	    runs the pipeline of FILE (discard or Kafka sink), measures a window
//	    after the warm-up and prints one JSON object.
//	    With -rate PPS -pcap FILE, a port named net_ring_* is fed by the
//	    bench at PPS packets per second (cases 4 and 5) instead of a vdev, and
//	    with the Kafka sink the result has wire-to-delivery percentiles.
//	    With -lcore-allocs, every allocation is recorded and the result
//	    counts those whose stack passes through a pipeline worker's Poll.
//	w2kbench cforward -c FILE [-warmup D] [-seconds N] [-map-lcores] [-lcores 1|2]
//	    configures the first port of FILE alone and runs the bare C loop on
//	    the config's worker lcores: RX + free (1 lcore) or RX -> ring -> free
//	    (2 lcores); prints one JSON object.
//
// -map-lcores lets a config name more lcores than the machine has CPUs: the
// "-l" EAL argument becomes "--lcores" with lcore i on CPU i mod NCPU.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"wire2kafka/config"
	"wire2kafka/dpdk"
)

func init() {
	// rte_eal_init must run on the main thread, from the main goroutine.
	runtime.LockOSThread()
}

// options are the flags common to both modes.
type options struct {
	config     string
	warmup     float64
	seconds    float64
	mapLcores  bool
	lcores     int
	cpuprofile string
	rate       float64
	pcap       string
	memprofile string
	lcoreAlloc bool
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: w2kbench pipeline|cforward -c FILE [flags]")
		os.Exit(2)
	}
	mode := os.Args[1]
	fs := flag.NewFlagSet(mode, flag.ExitOnError)
	var o options
	fs.StringVar(&o.config, "c", "", "config file (required)")
	fs.Float64Var(&o.warmup, "warmup", 1, "seconds of warm-up before the measured window")
	fs.Float64Var(&o.seconds, "seconds", 5, "seconds measured")
	fs.BoolVar(&o.mapLcores, "map-lcores", false, "map lcore i to CPU i mod NCPU (configs with more lcores than CPUs)")
	fs.IntVar(&o.lcores, "lcores", 0, "cforward: 1 (RX+free) or 2 (RX->ring->free); 0: the config's worker lcore count")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "pipeline: write a CPU profile of the measured window")
	fs.StringVar(&o.memprofile, "memprofile", "", "pipeline: write an allocation profile (all allocations since start) after the window")
	fs.Float64Var(&o.rate, "rate", 0, "pipeline: packets/s offered to the config's net_ring_* port")
	fs.StringVar(&o.pcap, "pcap", "", "pipeline: capture offered with -rate")
	fs.BoolVar(&o.lcoreAlloc, "lcore-allocs", false, "pipeline: record every allocation and count those made on the lcores in the window (slower)")
	fs.Parse(os.Args[2:])
	if o.lcoreAlloc {
		runtime.MemProfileRate = 1 // every allocation, from here on
	}
	if o.config == "" {
		fmt.Fprintln(os.Stderr, "w2kbench: -c FILE is required")
		os.Exit(2)
	}
	var res any
	var err error
	switch mode {
	case "pipeline":
		res, err = runPipeline(o)
	case "cforward":
		res, err = runCForward(o)
	default:
		err = fmt.Errorf("unknown mode %q", mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "w2kbench:", err)
		os.Exit(1)
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, "w2kbench:", err)
		os.Exit(1)
	}
}

// initEAL loads the config and starts EAL with its arguments.
func initEAL(o options) (*config.Config, *config.Plan, error) {
	cfg, err := config.Load(o.config)
	if err != nil {
		return nil, nil, err
	}
	plan, err := cfg.Resolve()
	if err != nil {
		return nil, nil, err
	}
	args := plan.EALArgs(config.HugepagesFreeMB())
	// A paced port is created after init (newPacer), not as a --vdev.
	args = slices.DeleteFunc(args, func(a string) bool { return strings.HasPrefix(a, "--vdev="+pacedPrefix) })
	if o.mapLcores {
		args = mapLcores(args, runtime.NumCPU())
	}
	slog.Info("starting EAL", "args", args)
	if err := dpdk.Init(args); err != nil {
		return nil, nil, fmt.Errorf("eal: %w", err)
	}
	runtime.GOMAXPROCS(len(plan.WorkerLcores()) + 2)
	return cfg, plan, nil
}

// mapLcores replaces "-l LIST" with "--lcores" mapping lcore i to CPU
// i mod ncpu.
func mapLcores(args []string, ncpu int) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		if args[i] != "-l" || i+1 == len(args) {
			out = append(out, args[i])
			continue
		}
		var m []string
		for _, id := range expand(args[i+1]) {
			m = append(m, fmt.Sprintf("%d@%d", id, id%ncpu))
		}
		out = append(out, "--lcores", strings.Join(m, ","))
		i++
	}
	return out
}

// expand turns "0-2,5" into [0 1 2 5].
func expand(s string) []int {
	var ids []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, ok := strings.Cut(part, "-")
		a, _ := strconv.Atoi(lo)
		b := a
		if ok {
			b, _ = strconv.Atoi(hi)
		}
		for i := a; i <= b; i++ {
			ids = append(ids, i)
		}
	}
	return ids
}

var errNoPort = errors.New("config has no port")
