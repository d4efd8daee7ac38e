package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"wire2kafka/config"
	"wire2kafka/dpdk"
	"wire2kafka/kafkaout"
	"wire2kafka/pipeline"
	"wire2kafka/pipeline/metrics"
)

func init() {
	// rte_eal_init must run on the main thread, from the main goroutine.
	runtime.LockOSThread()
	register(command{name: "run", summary: "run the pipeline of a config file until SIGTERM/SIGINT (SIGHUP reloads rules)", run: runRun})
}

// runOptions are the flags of `wire2kafka run`.
type runOptions struct {
	config    string
	idleExit  time.Duration
	duration  time.Duration
	producer  string
	tableOut  io.Writer
	finalOnly bool
	// reloaded, when set, is told the result of every SIGHUP reload.
	reloaded func(error)
}

func runRun(args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var o runOptions
	fs.StringVar(&o.config, "c", "", "config file (required)")
	fs.DurationVar(&o.idleExit, "exit-when-idle", 0, "stop (and drain) once RX has received packets and then none for this long; 0: never")
	fs.DurationVar(&o.duration, "duration", 0, "stop (and drain) after this long; 0: run until a signal")
	host, _ := os.Hostname()
	fs.StringVar(&o.producer, "producer-id", host, "producer id written into every batch")
	fs.BoolVar(&o.finalOnly, "quiet", false, "print the statistics table only at exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if o.config == "" {
		fs.Usage()
		return errors.New("-c FILE is required")
	}
	o.tableOut = os.Stdout
	return run(o)
}

// run is the daemon: EAL, sink, pipeline, signals, drain.
func run(o runOptions) error {
	log := slog.Default()
	cfg, err := config.Load(o.config)
	if err != nil {
		return err
	}
	plan, err := cfg.Resolve()
	if err != nil {
		return err
	}
	freeMB := config.HugepagesFreeMB()
	if cfg.EAL.Hugepages == config.HugepagesOn && freeMB < cfg.EAL.MemoryMB {
		return fmt.Errorf("eal.hugepages on: eal.memory_mb is %d MiB but only %d MiB of hugepages are free (HugePages_Free in /proc/meminfo); reserve more (echo N > /proc/sys/vm/nr_hugepages), lower eal.memory_mb, or set eal.hugepages auto to fall back to normal pages",
			cfg.EAL.MemoryMB, freeMB)
	}
	ealArgs := plan.EALArgs(freeMB)
	if cfg.EAL.Hugepages == config.HugepagesAuto && !plan.UseHugepages(freeMB) {
		log.Warn("hugepages: fewer free than eal.memory_mb: running on normal pages (--no-huge), 2.5-4x slower", "free_mb", freeMB, "memory_mb", cfg.EAL.MemoryMB)
	}
	log.Info("starting EAL", "args", ealArgs)
	if err := dpdk.Init(ealArgs); err != nil {
		return fmt.Errorf("eal: %w", err)
	}
	defer dpdk.Cleanup()
	// Go 1.25+ would shrink GOMAXPROCS to the pinned main thread's CPU set:
	// every polling lcore holds a P, and the runtime, the metrics server
	// and the connection workers need more.
	runtime.GOMAXPROCS(len(plan.WorkerLcores()) + 2)
	// The polling workers allocate nothing; the garbage comes from the
	// connection workers (one kafka.Message per produce). Fewer GC cycles
	// mean fewer stop-the-world pauses of the polling lcores. GOGC set in
	// the environment wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if err := dpdk.SetThreadAffinity(dpdk.HousekeepingCPUs()); err != nil {
		log.Warn("main thread affinity", "err", err)
	}

	// Every port first: a missing capture or a refused vdev is reported
	// before anything connects to Kafka.
	if err := checkPorts(cfg); err != nil {
		return err
	}
	sink, closeReportSink, err := newSink(cfg, plan)
	if err != nil {
		return err
	}
	stats, err := newStatsTopic(cfg, o.producer)
	if err != nil {
		closeReportSink()
		return err
	}
	// closeSink closes the report sink; on the error paths below also the
	// stats producer (on the way out it publishes the final table first).
	closeSink := func() error {
		if stats != nil {
			stats.close(0)
		}
		return closeReportSink()
	}
	p, err := pipeline.New(plan, pipeline.Options{Sink: sink, ProducerID: o.producer, Log: log})
	if err != nil {
		closeSink()
		return err
	}
	// The metrics endpoint before the pipeline starts: a port in use stops
	// the start before any packet is received.
	ms, err := metrics.Start(metrics.Endpoint{Addr: cfg.Metrics.Listen, WebConfigFile: cfg.Metrics.WebConfigFile}, metrics.FromPipeline(p, sink), version, log)
	if err != nil {
		p.Close()
		closeSink()
		return fmt.Errorf("metrics.listen %s: %w", cfg.Metrics.Listen, err)
	}
	if err := p.Start(); err != nil {
		ms.Close()
		p.Close()
		closeSink()
		return err
	}
	log.Info("serving metrics", "url", "http://"+ms.Addr()+"/metrics")
	o.reloaded = ms.Collector().RecordReload
	stopErr := serve(o, cfg, p, stats, log)
	ms.SetStopping()
	drainErr := p.Stop(time.Duration(cfg.Kafka.FlushTimeout) + 10*time.Second)
	final := p.Stats()
	portRows := pipeline.PortRows(p.Ports())
	sinkErr := closeReportSink()
	fmt.Fprintf(o.tableOut, "\nwire2kafka final counters:\n")
	pipeline.WriteTable(o.tableOut, append(portRows, pipeline.Rows(final, nil, 0)...))
	printSinkLine(o.tableOut, sink)
	fmt.Fprintln(o.tableOut, pipeline.Accounting(final))
	var statsErr error
	if stats != nil {
		statsErr = errors.Join(stats.publish(append(portRows, pipeline.Rows(final, nil, 0)...), time.Now()),
			stats.close(time.Duration(cfg.Kafka.FlushTimeout)))
	}
	ms.Close() // no scrape may read the pipeline after Close
	p.Close()
	return errors.Join(stopErr, drainErr, sinkErr, statsErr)
}

// newSink builds the configured sink and the function that flushes and
// closes it.
func newSink(cfg *config.Config, plan *config.Plan) (kafkaout.Sink, func() error, error) {
	if cfg.Kafka.Sink == config.SinkDiscard {
		d := kafkaout.NewDiscard(cfg.Kafka.Queue.Messages, cfg.Kafka.Batch.MaxBytes)
		return d, func() error { return nil }, nil
	}
	var prod *kafkaout.Producer
	var err error
	// librdkafka's threads inherit the creating thread's affinity: the
	// producer pins its creating thread to the housekeeping CPUs.
	prod, err = kafkaout.NewProducer(kafkaout.ProducerConfig{
		Librdkafka: cfg.Kafka.Producer, Connections: cfg.Kafka.Connections, PoolMessages: cfg.Kafka.Queue.Messages,
		MessageBytes: cfg.Kafka.Batch.MaxBytes, // the largest value a Kafka worker builds: no value outgrows the pool
		CPUs:         dpdk.HousekeepingCPUs(), Topics: plan.Topics(), CreateTopics: cfg.Kafka.CreateTopics.Enabled,
		Partitions: cfg.Kafka.CreateTopics.Partitions, ReplicationFactor: cfg.Kafka.CreateTopics.ReplicationFactor,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("kafka: %w", err)
	}
	return prod, func() error { return prod.Close(time.Duration(cfg.Kafka.FlushTimeout)) }, nil
}

// printSinkLine prints the sink's own accounting under the table.
func printSinkLine(w io.Writer, sink kafkaout.Sink) {
	switch s := sink.(type) {
	case *kafkaout.Producer:
		c := s.Total()
		fmt.Fprintf(w, "[kafka-conn] submitted %d messages (%d reports): delivered %d (%d reports, %d bytes), failed %d (%d reports) %v, dropped %d\n",
			c.Submitted, c.SubmittedReports, c.Delivered, c.DeliveredReports, c.DeliveredBytes, c.Failed, c.FailedReports, c.FailedBy, c.Dropped)
	case *kafkaout.Discard:
		m, r, b := s.Counts()
		fmt.Fprintf(w, "[discard] %d messages, %d reports, %d bytes\n", m, r, b)
	}
}

// serve runs until a stop signal, the duration or idleness; it reloads
// rules on SIGHUP, and every metrics.table_interval prints the table
// (unless --quiet) and publishes it to stats (when not nil).
func serve(o runOptions, cfg *config.Config, p *pipeline.Pipeline, stats *statsTopic, log *slog.Logger) error {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	defer signal.Stop(sigs)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	start := time.Now()
	interval := time.Duration(cfg.Metrics.TableInterval)
	lastTable := start
	prev := p.Stats()
	var lastRx uint64
	lastRxChange := start
	for {
		select {
		case s := <-sigs:
			if s == syscall.SIGHUP {
				err := reload(o.config, p, log)
				if o.reloaded != nil {
					o.reloaded(err)
				}
				continue
			}
			log.Info("stopping: draining the pipeline", "signal", s.String())
			return nil
		case now := <-tick.C:
			if o.duration > 0 && now.Sub(start) >= o.duration {
				log.Info("stopping: duration reached", "duration", o.duration)
				return nil
			}
			cur := p.Stats()
			rx := rxIn(cur)
			if rx != lastRx {
				lastRx, lastRxChange = rx, now
			} else if o.idleExit > 0 && rx > 0 && now.Sub(lastRxChange) >= o.idleExit {
				log.Info("stopping: RX idle", "packets", rx, "idle", o.idleExit)
				return nil
			}
			if interval > 0 && now.Sub(lastTable) >= interval {
				rows := append(pipeline.PortRows(p.Ports()), pipeline.Rows(cur, prev, now.Sub(lastTable))...)
				if !o.finalOnly {
					fmt.Fprintf(o.tableOut, "\n%s\n", now.Format(time.TimeOnly))
					pipeline.WriteTable(o.tableOut, rows)
				}
				if stats != nil {
					if err := stats.publish(rows, now); err != nil {
						log.Error("stats_topic", "err", err)
					}
				}
				prev, lastTable = cur, now
			}
		}
	}
}

func rxIn(stats []pipeline.WorkerStats) uint64 {
	var n uint64
	for _, s := range stats {
		if s.Kind == config.KindRX {
			n += s.In
		}
	}
	return n
}

// reload applies the rules of the config file again (SIGHUP). A bad file or
// a change that needs a restart is refused and the running rules stay.
func reload(path string, p *pipeline.Pipeline, log *slog.Logger) error {
	cfg, err := config.Load(path)
	if err == nil {
		var plan *config.Plan
		if plan, err = cfg.Resolve(); err == nil {
			err = p.Reload(plan)
		}
	}
	if err != nil {
		log.Error("reload refused; the running rules stay", "file", path, "err", err)
		return err
	}
	log.Info("reload applied", "file", path)
	return nil
}

// checkPorts returns an error naming the config's first port that the EAL
// did not create, with the likely reason: a net_pcap capture that does not
// exist, or else the driver's refusal (the EAL's own lines above say why).
func checkPorts(cfg *config.Config) error {
	for i, pc := range cfg.Ports {
		if _, err := dpdk.PortByName(pc.Name); err == nil {
			continue
		}
		for _, kv := range strings.Split(pc.Devargs, ",") {
			if k, v, ok := strings.Cut(kv, "="); ok && k == "rx_pcap" {
				if _, err := os.Stat(v); err != nil {
					return fmt.Errorf("ports[%d] %s: rx_pcap: %w", i, pc.Name, err)
				}
			}
		}
		return fmt.Errorf("ports[%d] %s: the EAL did not create this port: its driver refused devargs %q (the EAL lines above say why)", i, pc.Name, pc.Devargs)
	}
	return nil
}
