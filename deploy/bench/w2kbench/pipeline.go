package main

import (
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/procfs"

	"wire2kafka/config"
	"wire2kafka/dpdk"
	"wire2kafka/kafkaout"
	"wire2kafka/pipeline"
)

// PipelineResult is what one measured window of the pipeline gave.
type PipelineResult struct {
	Mode            string    `json:"mode"`
	Sink            string    `json:"sink"`
	Lcores          int       `json:"lcores"`
	Seconds         float64   `json:"seconds"`
	RxPackets       uint64    `json:"rx_packets"`
	OutPackets      uint64    `json:"out_packets"` // packets into Kafka messages
	Mpps            float64   `json:"mpps"`        // OutPackets per second
	RxMpps          float64   `json:"rx_mpps"`
	NsPerPacket     float64   `json:"ns_per_packet"` // lcore-ns per packet
	Reports         uint64    `json:"reports"`       // discard: counted; kafka: acknowledged by the broker
	ReportsPerSec   float64   `json:"reports_per_s"`
	Messages        uint64    `json:"messages"`
	Bytes           uint64    `json:"bytes"`
	MBPerSec        float64   `json:"mb_per_s"`
	AllocsPerPacket float64   `json:"allocs_per_packet"` // whole process
	GCCount         uint32    `json:"gc_count"`
	GCPauseMaxUs    float64   `json:"gc_pause_max_us"`
	GCPauseTotalMs  float64   `json:"gc_pause_total_ms"`
	RxMaxGapMs      float64   `json:"rx_max_gap_ms"`   // largest interval without RX progress (1 ms sampler)
	RSSMB           []float64 `json:"rss_mb"`          // sampled every second of the window
	HeapSysMB       float64   `json:"heap_sys_mb"`     // Go heap obtained from the OS, at the end of the window
	PoolMaxInUse    int       `json:"pool_max_in_use"` // most pooled messages out at once (Pool.MaxInUse), at the end
	PoolTouchedMB   float64   `json:"pool_touched_mb"` // pool arena bytes written so far (Pool.TouchedBytes), at the end
	HeapInuseMB     float64   `json:"heap_inuse_mb"`
	CPUSeconds      float64   `json:"cpu_seconds"` // utime+stime of the process in the window
	CPUSecPerMRep   float64   `json:"cpu_s_per_mreports"`
	CPUNsPerPkt     float64   `json:"cpu_ns_per_packet"`
	Drops           uint64    `json:"drops"`                  // pipeline drops in the window
	KeyEvicted      uint64    `json:"key_states_evicted"`     // Kafka workers' per-key states evicted in the window
	LcoreAllocs     *uint64   `json:"lcore_allocs,omitempty"` // -lcore-allocs: allocations on the lcores (a worker's Poll) in the window
	Accounting      string    `json:"accounting"`
	// Paced runs (-rate): packets offered and refused by the full RX ring
	// of the port, and the wire-to-delivery latency of the messages
	// acknowledged in the window (per message, from its oldest report).
	OfferedPerSec float64 `json:"offered_per_s,omitempty"`
	Refused       uint64  `json:"refused,omitempty"`
	LatMessages   int     `json:"latency_messages,omitempty"`
	LatP50Ms      float64 `json:"latency_p50_ms,omitempty"`
	LatP99Ms      float64 `json:"latency_p99_ms,omitempty"`
	LatP999Ms     float64 `json:"latency_p999_ms,omitempty"`
}

// counters are the figures read at both ends of the window.
type counters struct {
	at                       time.Time
	rx, out, drops, evicted  uint64
	reports, messages, bytes uint64
	mallocs                  uint64
	cpu                      float64
}

func runPipeline(o options) (*PipelineResult, error) {
	cfg, plan, err := initEAL(o)
	if err != nil {
		return nil, err
	}
	defer dpdk.Cleanup()
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400) // as `wire2kafka run` does
	}
	if err := dpdk.SetThreadAffinity(dpdk.HousekeepingCPUs()); err != nil {
		slog.Warn("main thread affinity", "err", err)
	}
	var pc *pacer
	for _, port := range cfg.Ports {
		if strings.HasPrefix(port.Name, pacedPrefix) {
			if pc, err = newPacer(port.Name, o.pcap, o.rate); err != nil {
				return nil, err
			}
		}
	}
	var lat latencies
	sink, readSink, closeSink, err := newSink(cfg, plan, lat.observe)
	if err != nil {
		return nil, err
	}
	p, err := pipeline.New(plan, pipeline.Options{Sink: sink, ProducerID: "w2kbench"})
	if err != nil {
		closeSink()
		return nil, err
	}
	if err := p.Start(); err != nil {
		p.Close()
		closeSink()
		return nil, err
	}
	read := func() counters {
		c := counters{at: time.Now(), cpu: procCPU()}
		for _, s := range p.Stats() {
			switch s.Kind {
			case config.KindRX:
				c.rx += s.In
			case config.KindKafka:
				c.out += s.Out
				c.evicted += s.KeyStatesEvicted
			}
			c.drops += s.DropTotal()
		}
		c.reports, c.messages, c.bytes = readSink()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		c.mallocs = ms.Mallocs
		return c
	}
	if pc != nil {
		pc.start()
	}
	time.Sleep(time.Duration(o.warmup * float64(time.Second)))
	if cfg.Kafka.Sink == config.SinkKafka {
		waitFirstDelivery(readSink, 60*time.Second)
	}
	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err == nil {
			pprof.StartCPUProfile(f)
			defer f.Close()
		}
	}
	var la0 map[string]uint64
	if o.lcoreAlloc {
		la0 = lcoreAllocs()
	}
	var gcBefore runtime.MemStats
	runtime.ReadMemStats(&gcBefore)
	var off0, ref0 uint64
	if pc != nil {
		off0, ref0 = pc.offered.Load(), pc.refused.Load()
	}
	lat.r.Store(true)
	c0 := read()
	gap, rss := sample(p, time.Duration(o.seconds*float64(time.Second)))
	c1 := read()
	lat.r.Store(false)
	var off1, ref1 uint64
	if pc != nil {
		off1, ref1 = pc.offered.Load(), pc.refused.Load()
		pc.close()
	}
	if o.cpuprofile != "" {
		pprof.StopCPUProfile()
	}
	if o.memprofile != "" {
		if f, err := os.Create(o.memprofile); err == nil {
			pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
	var gcAfter runtime.MemStats
	runtime.ReadMemStats(&gcAfter)
	var lcoreAllocsWindow *uint64
	if o.lcoreAlloc {
		n := uint64(0)
		for stack, c := range lcoreAllocs() {
			if d := c - la0[stack]; d > 0 {
				n += d
				slog.Warn("allocation on an lcore in the window", "count", d, "stack", stack)
			}
		}
		lcoreAllocsWindow = &n
	}

	stopErr := p.Stop(time.Duration(cfg.Kafka.FlushTimeout) + 10*time.Second)
	final := p.Stats()
	sinkErr := closeSink()
	p.Close()
	if stopErr != nil || sinkErr != nil {
		slog.Warn("stop", "drain", stopErr, "sink", sinkErr)
	}

	dt := c1.at.Sub(c0.at).Seconds()
	n := len(plan.WorkerLcores())
	r := &PipelineResult{Mode: "pipeline", Sink: string(cfg.Kafka.Sink), Lcores: n, Seconds: dt,
		RxPackets: c1.rx - c0.rx, OutPackets: c1.out - c0.out, Reports: c1.reports - c0.reports,
		Messages: c1.messages - c0.messages, Bytes: c1.bytes - c0.bytes, Drops: c1.drops - c0.drops, KeyEvicted: c1.evicted - c0.evicted, LcoreAllocs: lcoreAllocsWindow,
		RxMaxGapMs: gap.Seconds() * 1e3, RSSMB: rss, CPUSeconds: c1.cpu - c0.cpu,
		Accounting: pipeline.Accounting(final)}
	r.Mpps = float64(r.OutPackets) / dt / 1e6
	if pc != nil {
		r.OfferedPerSec, r.Refused = float64(off1-off0)/dt, ref1-ref0
	}
	r.LatP50Ms, r.LatP99Ms, r.LatP999Ms, r.LatMessages = lat.percentiles()
	r.RxMpps = float64(r.RxPackets) / dt / 1e6
	if r.OutPackets > 0 {
		r.NsPerPacket = float64(n) * dt * 1e9 / float64(r.OutPackets)
		r.AllocsPerPacket = float64(c1.mallocs-c0.mallocs) / float64(r.OutPackets)
		r.CPUNsPerPkt = r.CPUSeconds * 1e9 / float64(r.OutPackets)
	}
	r.ReportsPerSec = float64(r.Reports) / dt
	r.MBPerSec = float64(r.Bytes) / dt / 1e6
	if r.Reports > 0 {
		r.CPUSecPerMRep = r.CPUSeconds / (float64(r.Reports) / 1e6)
	}
	r.GCCount = gcAfter.NumGC - gcBefore.NumGC
	r.HeapSysMB = float64(gcAfter.HeapSys) / (1 << 20)
	if s, ok := sink.(interface{ Pool() *kafkaout.Pool }); ok { // the Kafka producer and the discard sink
		pool := s.Pool()
		r.PoolMaxInUse, r.PoolTouchedMB = pool.MaxInUse(), float64(pool.TouchedBytes())/(1<<20)
	}
	r.HeapInuseMB = float64(gcAfter.HeapInuse) / (1 << 20)
	for i := gcBefore.NumGC; i < gcAfter.NumGC; i++ {
		ns := float64(gcAfter.PauseNs[(i+255)%256])
		r.GCPauseMaxUs = max(r.GCPauseMaxUs, ns/1e3)
	}
	r.GCPauseTotalMs = float64(gcAfter.PauseTotalNs-gcBefore.PauseTotalNs) / 1e6
	return r, nil
}

// sample watches RX progress every millisecond for d and samples the RSS
// every second; it returns the largest interval in which RX received
// nothing, and the RSS series in MiB.
func sample(p *pipeline.Pipeline, d time.Duration) (time.Duration, []float64) {
	var rss []float64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				rss = append(rss, procRSSMB())
			}
		}
	}()
	start := time.Now()
	var last uint64
	lastMove := start
	var gap time.Duration
	for now := start; now.Sub(start) < d; now = time.Now() {
		var rx uint64
		for _, w := range p.Workers() {
			if w.Kind == config.KindRX {
				rx += w.Counters.In.Load()
			}
		}
		if rx != last {
			gap = max(gap, now.Sub(lastMove))
			last, lastMove = rx, now
		}
		time.Sleep(time.Millisecond)
	}
	close(stop)
	wg.Wait()
	return gap, rss
}

// newSink builds the config's sink, a reader of its (reports, messages,
// bytes) — acknowledged by the broker for Kafka — and its closer.
func newSink(cfg *config.Config, plan *config.Plan, onDelivered func(time.Duration, int)) (kafkaout.Sink, func() (uint64, uint64, uint64), func() error, error) {
	if cfg.Kafka.Sink == config.SinkDiscard {
		d := kafkaout.NewDiscard(cfg.Kafka.Queue.Messages, cfg.Kafka.Batch.MaxBytes)
		read := func() (uint64, uint64, uint64) {
			m, r, b := d.Counts()
			return uint64(r), uint64(m), uint64(b)
		}
		return d, read, func() error { return nil }, nil
	}
	prod, err := kafkaout.NewProducer(kafkaout.ProducerConfig{
		Librdkafka: cfg.Kafka.Producer, Connections: cfg.Kafka.Connections, PoolMessages: cfg.Kafka.Queue.Messages,
		MessageBytes: cfg.Kafka.Batch.MaxBytes, // as the daemon sizes it (cmd/wire2kafka/run.go)
		CPUs:         dpdk.HousekeepingCPUs(), Topics: plan.Topics(), CreateTopics: cfg.Kafka.CreateTopics.Enabled,
		Partitions: cfg.Kafka.CreateTopics.Partitions, ReplicationFactor: cfg.Kafka.CreateTopics.ReplicationFactor,
		OnDelivered: onDelivered,
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("kafka: %w", err)
	}
	read := func() (uint64, uint64, uint64) {
		t := prod.Total()
		return t.DeliveredReports, t.Delivered, t.DeliveredBytes
	}
	return prod, read, func() error { return prod.Close(time.Duration(cfg.Kafka.FlushTimeout)) }, nil
}

// procCPU returns the process's utime+stime in seconds.
func procCPU() float64 {
	st, err := selfStat()
	if err != nil {
		return 0
	}
	return st.CPUTime()
}

// procRSSMB returns the resident set size in MiB.
func procRSSMB() float64 {
	st, err := selfStat()
	if err != nil {
		return 0
	}
	return float64(st.ResidentMemory()) / (1 << 20)
}

func selfStat() (procfs.ProcStat, error) {
	p, err := procfs.Self()
	if err != nil {
		return procfs.ProcStat{}, err
	}
	return p.Stat()
}

// waitFirstDelivery extends the warm-up of a run into Kafka until the broker
// has acknowledged a report (a fresh broker may still be electing leaders or
// creating the topic), bounded by limit, so the window measures delivery and
// not the broker's start.
func waitFirstDelivery(readSink func() (reports, messages, bytes uint64), limit time.Duration) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if r, _, _ := readSink(); r > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	slog.Warn("no delivery report during the warm-up", "waited", limit)
}

// lcoreAllocs returns, per stack, the number of allocations so far whose
// stack passes through a pipeline worker's Poll or the lcore loop, from the
// runtime's memory profile (complete with -lcore-allocs, which sets
// MemProfileRate to 1). A stack is its frames as "function:line" from the
// allocation up to the worker. It runs two collections first: the profile
// lags up to two cycles.
func lcoreAllocs() map[string]uint64 {
	runtime.GC()
	runtime.GC()
	n, _ := runtime.MemProfile(nil, true)
	var recs []runtime.MemProfileRecord
	for {
		recs = make([]runtime.MemProfileRecord, n+64)
		var ok bool
		if n, ok = runtime.MemProfile(recs, true); ok {
			recs = recs[:n]
			break
		}
	}
	out := map[string]uint64{}
	for i := range recs {
		frames := runtime.CallersFrames(recs[i].Stack())
		var b strings.Builder
		for {
			f, more := frames.Next()
			fmt.Fprintf(&b, "%s:%d <- ", f.Function, f.Line)
			if f.Function == "wire2kafka/pipeline.(*lcore).run" ||
				(strings.HasPrefix(f.Function, "wire2kafka/pipeline.(*") && strings.HasSuffix(f.Function, "Worker).Poll")) {
				out[b.String()] += uint64(recs[i].AllocObjects)
				break
			}
			if !more {
				break
			}
		}
	}
	return out
}
