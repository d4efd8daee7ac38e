// Package pipeline runs wire2kafka's stages on DPDK lcores: RX workers poll
// NIC queues, ACL workers classify packets by 5-tuple rules (rte_acl), flow
// workers apply each rule's service function, and Kafka workers decode INT
// and pack reports into messages for a kafkaout.Sink. Stages are chained by
// rte_rings of mbuf pointers; per-packet metadata travels in the mbuf
// private area.
//
// A flow takes one path end to end (see config.Plan), so per-flow order
// holds. Each worker owns its Counters; for every worker, in = out + drops
// + queued at any quiescent moment and exactly after Stop.
//
// INT decoding happens in exactly one stage: the Kafka worker, right where
// the report is encoded (the flow worker's service functions need only the
// rule and the receive time).
package pipeline

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
	"wire2kafka/report/intdecode"

	"wire2kafka/config"
	"wire2kafka/dpdk"
	"wire2kafka/kafkaout"
)

// Worker describes one worker for tables and metrics. Read its Counters at
// any time; everything else is fixed.
type Worker struct {
	Name     string // e.g. "p0/flow-worker-01"
	Pipeline string
	Kind     config.Kind
	Index    int // within its pipeline and kind
	Lcore    int
	Counters *Counters
	// Ring is the ring the worker reads (nil for RX workers).
	Ring *dpdk.Ring
}

// PortInfo is one port of the pipeline.
type PortInfo struct {
	Name   string
	Driver string
	Port   dpdk.Port

	tsScale uint64 // RX timestamp unit in ns; 0: not used
}

// Pipeline is a built stage graph: its ports are started, its rings and
// workers exist; Start launches the lcores. Methods are for the control
// goroutine only (one at a time); the counters may be read from anywhere.
type Pipeline struct {
	plan       *config.Plan
	ctl        control
	pool       *dpdk.Pool
	ports      []PortInfo
	rings      []*dpdk.Ring
	arrays     []*dpdk.MbufArray
	aclBatches []*dpdk.ACLBatch
	workers    []Worker
	lcores     []*lcore
	log        *slog.Logger
	name       string
	gen        uint64
	ids        ruleIDs // rule identity across reloads
	started    bool
	stopped    bool
}

// Options are the run-time choices that are not in the config file.
type Options struct {
	// Sink receives the Kafka workers' messages. Required.
	Sink kafkaout.Sink
	// ProducerID names this instance in batches; default "wire2kafka".
	ProducerID string
	// Log receives lifecycle messages; default slog.Default().
	Log *slog.Logger
	// Name prefixes the DPDK object names (mempool, rings, ACL contexts),
	// which are unique per process; default "w2k".
	Name string
}

// New builds the pipeline of plan: mempool, ports (configured and
// started), rings, ACL classifiers and workers. EAL must be initialised with
// plan.EALArgs. On error everything built so far is released.
func New(plan *config.Plan, opts Options) (p *Pipeline, err error) {
	if opts.Sink == nil {
		return nil, errors.New("pipeline: no sink")
	}
	if opts.ProducerID == "" {
		opts.ProducerID = "wire2kafka"
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Name == "" {
		opts.Name = "w2k"
	}
	built := &Pipeline{log: opts.Log, name: opts.Name}
	p = built
	plan = p.ids.assign(plan)
	p.plan = plan
	defer func() {
		if err != nil {
			built.release()
			p = nil
		}
	}()
	cfg := plan.Config
	p.pool, err = dpdk.NewPool(dpdk.PoolConfig{
		Name: p.name + "-mbufs", Size: uint32(cfg.Mempool.Mbufs), CacheSize: uint32(cfg.Mempool.Cache),
		PrivSize: uint16(metaSize), DataRoomSize: uint16(cfg.Mempool.DataRoom), Socket: dpdk.SocketAny,
	})
	if err != nil {
		return nil, fmt.Errorf("pipeline: mempool: %w", err)
	}
	ts, hasTS, err := p.startPorts()
	if err != nil {
		return nil, err
	}
	rs, err := buildRuleSet(plan, p.name, 1)
	if err != nil {
		return nil, err
	}
	p.ctl.rules.Store(rs)
	if err := p.buildWorkers(opts, ts, hasTS); err != nil {
		rs.close()
		return nil, err
	}
	return p, nil
}

// startPorts configures and starts every port, with the RX timestamp
// offload where the driver has it.
func (p *Pipeline) startPorts() (dpdk.RxTimestamp, bool, error) {
	cfg := p.plan.Config
	anyTS := false
	for _, pc := range cfg.Ports {
		port, err := dpdk.PortByName(pc.Name)
		if err != nil {
			return dpdk.RxTimestamp{}, false, fmt.Errorf("pipeline: port %s: %w", pc.Name, err)
		}
		info, err := port.Info()
		if err != nil {
			return dpdk.RxTimestamp{}, false, fmt.Errorf("pipeline: port %s: %w", pc.Name, err)
		}
		pcfg := dpdk.PortConfig{
			RxQueues: uint16(pc.RXQueues), TxQueues: 1, RxDesc: uint16(pc.RXDescriptors), TxDesc: 64,
			Pool: p.pool, RSS: pc.RXQueues > 1, RxTimestamp: info.Timestamp(), Promiscuous: true,
		}
		if _, err := port.Configure(pcfg); err != nil {
			return dpdk.RxTimestamp{}, false, fmt.Errorf("pipeline: port %s: %w", pc.Name, err)
		}
		if err := port.Start(); err != nil {
			return dpdk.RxTimestamp{}, false, fmt.Errorf("pipeline: port %s: %w", pc.Name, err)
		}
		pi := PortInfo{Name: pc.Name, Driver: info.Driver, Port: port}
		if info.Driver == "net_pcap" {
			pi.tsScale = 1000 // DPDK 22.11's net_pcap stamps the capture time in microseconds
		}
		p.ports = append(p.ports, pi)
		anyTS = anyTS || pcfg.RxTimestamp
		p.log.Info("port started", "port", pc.Name, "driver", info.Driver, "rx_queues", pc.RXQueues, "rx_timestamp", pcfg.RxTimestamp)
	}
	// Drivers register the timestamp field with the offload on, and
	// net_pcap (pcap file timestamps) always; mbufs without a stamp fall
	// back to the wall clock per burst.
	_ = anyTS
	ts, ok := dpdk.LookupRxTimestamp()
	return ts, ok, nil
}

// newRing creates one stage ring; single-producer when one worker feeds it.
func (p *Pipeline) newRing(name string, producers int) (*dpdk.Ring, error) {
	flags := dpdk.RingSingleConsumer
	if producers <= 1 {
		flags |= dpdk.RingSingleProducer
	}
	r, err := dpdk.NewRing(name, uint(p.plan.Config.Rings.Size), dpdk.SocketAny, flags)
	if err != nil {
		return nil, fmt.Errorf("pipeline: ring %s: %w", name, err)
	}
	p.rings = append(p.rings, r)
	return r, nil
}

func (p *Pipeline) newArray() (*dpdk.MbufArray, error) {
	a, err := dpdk.NewMbufArray(p.plan.Config.Burst)
	if err != nil {
		return nil, fmt.Errorf("pipeline: burst array: %w", err)
	}
	p.arrays = append(p.arrays, a)
	return a, nil
}

// buildWorkers creates the rings and workers of every pipeline and groups
// the workers by lcore.
func (p *Pipeline) buildWorkers(opts Options, ts dpdk.RxTimestamp, hasTS bool) error {
	cfg := p.plan.Config
	burst := cfg.Burst
	wait := cfg.Rings.WhenFull == config.WhenFullWait
	pollers := map[config.WorkerRef]poller{}
	counters := map[config.WorkerRef]*Counters{}
	kafkaNumber := 0
	for pi := range p.plan.Pipelines {
		pp := &p.plan.Pipelines[pi]
		feeds := func(ws []config.StageWorker, kind config.Kind, i int) int { // producers feeding worker i of kind
			n := 0
			for _, w := range ws {
				if w.Next == i {
					n++
				}
			}
			if kind == config.KindFlow { // every ACL worker may feed every flow worker
				n = len(pp.ACL)
			}
			return n
		}
		aclRings := make([]*dpdk.Ring, len(pp.ACL))
		flowRings := make([]*dpdk.Ring, len(pp.Flow))
		kafkaRings := make([]*dpdk.Ring, len(pp.Kafka))
		var err error
		for i := range pp.ACL {
			if aclRings[i], err = p.newRing(fmt.Sprintf("%s-%d-acl%d", p.name, pi, i), feeds(pp.RX, config.KindACL, i)); err != nil {
				return err
			}
		}
		for i := range pp.Flow {
			if flowRings[i], err = p.newRing(fmt.Sprintf("%s-%d-flow%d", p.name, pi, i), feeds(nil, config.KindFlow, i)); err != nil {
				return err
			}
		}
		for i := range pp.Kafka {
			if kafkaRings[i], err = p.newRing(fmt.Sprintf("%s-%d-kafka%d", p.name, pi, i), feeds(pp.Flow, config.KindKafka, i)); err != nil {
				return err
			}
		}
		add := func(sw config.StageWorker, pl poller, c *Counters, in *dpdk.Ring) {
			pollers[sw.WorkerRef] = pl
			counters[sw.WorkerRef] = c
			p.workers = append(p.workers, Worker{Name: sw.Name, Pipeline: pp.Name, Kind: sw.Kind, Index: sw.Index,
				Lcore: sw.Lcore, Counters: c, Ring: in})
		}
		for _, sw := range pp.RX {
			w := &rxWorker{c: new(Counters), ctl: &p.ctl, out: newRoom(aclRings[sw.Next], wait), burst: burst, ts: ts, hasTS: hasTS}
			for _, q := range sw.Queues {
				w.queues = append(w.queues, rxQueue{port: p.ports[q.Port].Port, queue: uint16(q.Queue), tsScale: p.ports[q.Port].tsScale})
			}
			if w.arr, err = p.newArray(); err != nil {
				return err
			}
			add(sw, w, w.c, nil)
		}
		for _, sw := range pp.ACL {
			disp, err := intdecode.NewDecoder(decoderConfig(cfg))
			if err != nil {
				return fmt.Errorf("pipeline: decoder: %w", err)
			}
			w := &aclWorker{c: new(Counters), ctl: &p.ctl, pipeline: pi, in: aclRings[sw.Index], outs: rooms(flowRings, wait), burst: burst, disp: disp,
				hashes: make([]uint64, cfg.Mempool.DataRoom/4+1)}
			if err := w.init(p); err != nil {
				return err
			}
			add(sw, w, w.c, w.in)
		}
		for _, sw := range pp.Flow {
			w := &flowWorker{c: new(Counters), ctl: &p.ctl, index: sw.Index, in: flowRings[sw.Index], out: newRoom(kafkaRings[sw.Next], wait),
				pool: p.pool, burst: burst, producerID: opts.ProducerID}
			for _, a := range []**dpdk.MbufArray{&w.arr, &w.fwd, &w.drop, &w.pend} {
				if *a, err = p.newArray(); err != nil {
					return err
				}
			}
			add(sw, w, w.c, w.in)
		}
		for _, sw := range pp.Kafka {
			dc := decoderConfig(cfg)
			dc.StackInFrame = true // INT-MD and ID-INT stacks go from the mbuf into the message in one pass
			dec, err := intdecode.NewDecoder(dc)
			if err != nil {
				return fmt.Errorf("pipeline: decoder: %w", err)
			}
			w := &kafkaWorker{c: new(Counters), ctl: &p.ctl, worker: uint16(kafkaNumber), index: sw.Index, in: kafkaRings[sw.Index], burst: burst,
				dec: dec, sink: opts.Sink, maxReports: uint32(cfg.Kafka.Batch.MaxReports), maxBytes: cfg.Kafka.Batch.MaxBytes,
				linger: int64(time.Duration(cfg.Kafka.Batch.Linger)), policyDrop: cfg.Kafka.Queue.Policy == config.QueueDrop,
				blockTimeout: int64(time.Duration(cfg.Kafka.Queue.BlockTimeout)), producerID: opts.ProducerID,
				table: newBatchTable(1024, cfg.Kafka.Batch.KeyStates), clk: newTSCClock(),
				mkeys: make([]msgKey, cfg.Mempool.DataRoom/4+1), spares: make([]*kafkaout.Message, 0, cfg.Mempool.DataRoom/4+1),
				skipKey: make([]byte, 0, keyStateKeyBytes)}
			kafkaNumber++
			for _, a := range []**dpdk.MbufArray{&w.arr, &w.free} {
				if *a, err = p.newArray(); err != nil {
					return err
				}
			}
			add(sw, w, w.c, w.in)
		}
	}
	var sleep time.Duration
	if cfg.Idle.Policy == config.IdleSleep {
		sleep = time.Duration(cfg.Idle.SleepUS) * time.Microsecond
	}
	for _, lp := range p.plan.Lcores {
		if lp.Main || len(lp.Workers) == 0 {
			continue
		}
		l := &lcore{id: uint(lp.ID), sleep: sleep}
		for _, ref := range lp.Workers {
			l.workers = append(l.workers, pollers[ref])
			l.counters = append(l.counters, counters[ref])
			repeat := 1
			if ref.Kind != config.KindRX {
				repeat = len(p.plan.Pipelines[ref.Pipeline].RX) + 1
			}
			l.repeat = append(l.repeat, repeat)
		}
		p.lcores = append(p.lcores, l)
	}
	return nil
}

// decoderConfig maps the config's INT section onto the decoder's.
func decoderConfig(cfg *config.Config) intdecode.Config {
	var dc intdecode.Config
	for _, port := range cfg.INT.TelemetryReportPorts {
		dc.ReportPorts = append(dc.ReportPorts, uint16(port))
	}
	for _, port := range cfg.INT.IDINTPorts {
		dc.SCIONPorts = append(dc.SCIONPorts, uint16(port))
	}
	dc.MDDSCPOff = cfg.INT.MDDSCP.Off
	dc.MDDSCP, dc.MDDSCPMask = uint8(cfg.INT.MDDSCP.Value), uint8(cfg.INT.MDDSCP.Mask)
	for _, port := range cfg.INT.MDUDPPorts {
		dc.MDUDPPorts = append(dc.MDUDPPorts, uint16(port))
	}
	for _, s := range cfg.INT.SourceOnlyMD {
		dc.SourceOnly = append(dc.SourceOnly, intdecode.SourceOnlyMD{DomainID: uint16(s.DomainID), Bytes: s.Bytes})
	}
	dc.MaxFrame = cfg.Mempool.DataRoom
	return dc
}

// Workers returns every worker in pipeline order.
func (p *Pipeline) Workers() []Worker { return p.workers }

// Ports returns the pipeline's ports.
func (p *Pipeline) Ports() []PortInfo { return p.ports }

// Pool returns the mbuf pool (for its in-use and free counts).
func (p *Pipeline) Pool() *dpdk.Pool { return p.pool }

// Start launches every lcore's poll loop.
func (p *Pipeline) Start() error {
	if p.started {
		return errors.New("pipeline: already started")
	}
	for _, l := range p.lcores {
		if err := dpdk.Launch(l.id, func() { l.run(&p.ctl) }); err != nil {
			p.ctl.phase.Store(phaseStop)
			dpdk.WaitAll()
			return fmt.Errorf("pipeline: %w", err)
		}
	}
	p.started = true
	p.log.Info("pipeline started", "lcores", len(p.lcores), "workers", len(p.workers))
	return nil
}

// release frees what New built, in reverse order. Safe on a partial build.
func (p *Pipeline) release() {
	if rs := p.ctl.rules.Load(); rs != nil {
		rs.close()
	}
	for _, b := range p.aclBatches {
		b.Close()
	}
	for _, port := range p.ports {
		if err := port.Port.Stop(); err != nil {
			p.log.Warn("port stop", "port", port.Name, "err", err)
		}
		if err := port.Port.Close(); err != nil {
			p.log.Warn("port close", "port", port.Name, "err", err)
		}
	}
	for _, r := range p.rings {
		r.Close()
	}
	for _, a := range p.arrays {
		a.Close()
	}
	for _, l := range p.lcores {
		for _, w := range l.workers {
			if kw, ok := w.(*kafkaWorker); ok {
				kw.releaseMessages()
			}
		}
	}
	if p.pool != nil {
		p.pool.Close()
	}
	p.ports, p.rings, p.arrays, p.aclBatches, p.pool = nil, nil, nil, nil, nil
}
