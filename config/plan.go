package config

import (
	"fmt"
	"slices"
	"sort"
)

// Kind is the kind of a pipeline worker.
type Kind uint8

// Worker kinds, in pipeline order.
const (
	KindRX    Kind = iota // polls NIC queues, stamps RX time, feeds one ACL worker
	KindACL               // classifies with rte_acl, feeds the rule's flow worker
	KindFlow              // runs the rules' service functions, feeds one Kafka worker
	KindKafka             // packs reports into Kafka messages, hands them to a connection
)

var kindNames = [...]string{"rx", "acl", "flow", "kafka"}

// String returns "rx", "acl", "flow" or "kafka".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// PortQueue is one RX queue of one port.
type PortQueue struct {
	Port  int // index into Config.Ports
	Queue int // RX queue id
}

// WorkerRef names a worker of a Plan.
type WorkerRef struct {
	Pipeline int  // index into Plan.Pipelines
	Kind     Kind // which list of the pipeline
	Index    int  // index within that list
}

// StageWorker is one worker of the resolved stage graph.
type StageWorker struct {
	WorkerRef
	// Name is "<pipeline>/<kind>-worker-<index>", like "p0/rx-worker-00",
	// for metrics, logs and the counter table.
	Name string
	// Lcore runs the worker.
	Lcore int
	// Queues are the port queues an RX worker polls; nil for other kinds.
	Queues []PortQueue
	// Next is where the worker's output goes: for RX, the index of the ACL
	// worker of the same pipeline; for flow, the index of the Kafka worker
	// of the same pipeline; for Kafka, the connection worker (0 to
	// kafka.connections-1); -1 for ACL workers, whose output depends on the
	// rule a packet matches.
	Next int
	// Rules are indexes into Plan.Rules of the rules a flow worker serves;
	// nil for other kinds.
	Rules []int
}

// PipelinePlan is one resolved pipeline.
type PipelinePlan struct {
	Name  string
	RX    []StageWorker
	ACL   []StageWorker
	Flow  []StageWorker
	Kafka []StageWorker
	// Rules are indexes into Plan.Rules of the rules the pipeline's ACL
	// workers classify with, highest priority first.
	Rules []int
}

// Workers returns the workers of one kind.
func (p *PipelinePlan) Workers(k Kind) []StageWorker {
	switch k {
	case KindRX:
		return p.RX
	case KindACL:
		return p.ACL
	case KindFlow:
		return p.Flow
	}
	return p.Kafka
}

// RulePlan is one resolved rule: the rule with its defaults, where its
// packets go, and the topic they are written to.
type RulePlan struct {
	Rule
	// ID is Index+1: the value an ACL worker writes into the mbuf metadata
	// (rte_acl userdata); 0 is "no rule matched".
	ID uint32
	// Index is the rule's position in Config.Rules.
	Index int
	// PipelineIndex is the index of Rule.Pipeline in Plan.Pipelines.
	PipelineIndex int
	// FlowWorkers are the indexes, within the pipeline, of the flow workers
	// that run the rule's service function: one, or several that share its
	// traffic by a hash of the monitored flow (rules[].flow_workers).
	FlowWorkers []int
	// KafkaWorkers are the Kafka workers those flow workers feed, in the
	// order of FlowWorkers, each once; nil for drop rules.
	KafkaWorkers []int
	// KafkaWorker is KafkaWorkers[0]; -1 for drop rules.
	KafkaWorker int
	// Topic is KafkaTopic with "{sink}" resolved; "" for drop rules.
	Topic string
}

// LcorePlan is what one EAL lcore does.
type LcorePlan struct {
	ID   int  // lcore id
	Main bool // the main lcore: control thread, no worker
	// Pipeline is the index of the pipeline whose workers run here, or -1.
	Pipeline int
	// Workers run here, in pipeline order (rx, acl, flow, kafka); an lcore
	// loop polls them in this order.
	Workers []WorkerRef
}

// Plan is the resolved stage graph of a validated Config: which worker runs
// on which lcore, which queues each RX worker polls, where each worker's
// output goes, and which rule goes to which flow worker and topic. The
// pipeline package builds rings and launches lcores from it.
//
// Per-flow order: RSS puts every packet of a flow on one RX queue; each
// queue is read by exactly one RX worker; RX worker i always feeds ACL
// worker i mod len(ACL); a flow always matches the same rule (for one set of
// rules), which names one flow worker; flow worker i always feeds Kafka
// worker i mod len(Kafka); the Kafka worker keys messages by flow. So a flow
// takes one path end to end, with no per-packet hashing in Go. Kafka worker
// number k of the whole plan (counting pipelines in order) hands its
// messages to connection worker k mod kafka.connections.
//
// A Plan is read-only once built and safe for concurrent reads.
type Plan struct {
	Config    *Config
	Pipelines []PipelinePlan
	Rules     []RulePlan
	Lcores    []LcorePlan // every lcore of eal.lcores, by id
}

// Resolve validates cfg (if Load, Parse or Validate has not already) and
// builds its Plan.
func (cfg *Config) Resolve() (*Plan, error) {
	if !cfg.validated {
		if err := cfg.Validate(); err != nil {
			return nil, err
		}
	}
	plan := &Plan{Config: cfg}
	portIdx := map[string]int{}
	for i, p := range cfg.Ports {
		portIdx[p.Name] = i
	}
	pipeIdx := map[string]int{}
	lcores := map[int]*LcorePlan{}
	for _, id := range cfg.EAL.Lcores {
		lcores[id] = &LcorePlan{ID: id, Main: id == cfg.EAL.MainLcore, Pipeline: -1}
	}
	kafkaSeq := 0
	for pi, p := range cfg.Pipelines {
		pipeIdx[p.Name] = pi
		pp := PipelinePlan{Name: p.Name}
		add := func(k Kind, i, lcore, next int) StageWorker {
			w := StageWorker{
				WorkerRef: WorkerRef{Pipeline: pi, Kind: k, Index: i},
				Name:      fmt.Sprintf("%s/%s-worker-%02d", p.Name, k, i),
				Lcore:     lcore,
				Next:      next,
			}
			lc := lcores[lcore]
			lc.Pipeline = pi
			lc.Workers = append(lc.Workers, w.WorkerRef)
			return w
		}
		for i, rx := range p.RX {
			w := add(KindRX, i, rx.Lcore, i%len(p.ACLWorkers))
			for _, q := range rx.Queues {
				w.Queues = append(w.Queues, PortQueue{Port: portIdx[rx.Port], Queue: q})
			}
			pp.RX = append(pp.RX, w)
		}
		for i, a := range p.ACLWorkers {
			pp.ACL = append(pp.ACL, add(KindACL, i, a.Lcore, -1))
		}
		for i, f := range p.FlowWorkers {
			pp.Flow = append(pp.Flow, add(KindFlow, i, f.Lcore, i%len(p.KafkaWorkers)))
		}
		for i, k := range p.KafkaWorkers {
			pp.Kafka = append(pp.Kafka, add(KindKafka, i, k.Lcore, kafkaSeq%cfg.Kafka.Connections))
			kafkaSeq++
		}
		plan.Pipelines = append(plan.Pipelines, pp)
	}
	for i, r := range cfg.Rules {
		rp := RulePlan{Rule: r, ID: uint32(i + 1), Index: i, PipelineIndex: pipeIdx[r.Pipeline], KafkaWorker: -1}
		pp := &plan.Pipelines[rp.PipelineIndex]
		rp.FlowWorkers = r.resolveFlowWorkers(len(pp.Flow))
		if r.ServiceFunction != Drop {
			for _, fw := range rp.FlowWorkers {
				if kw := pp.Flow[fw].Next; !slices.Contains(rp.KafkaWorkers, kw) {
					rp.KafkaWorkers = append(rp.KafkaWorkers, kw)
				}
			}
			rp.KafkaWorker = rp.KafkaWorkers[0]
			topic, err := ResolveTopic(r.KafkaTopic, cfg.INT)
			if err != nil { // Validate refused this already
				return nil, fmt.Errorf("config: rules[%d]: %w", i, err)
			}
			rp.Topic = topic
		}
		plan.Rules = append(plan.Rules, rp)
		pp.Rules = append(pp.Rules, i)
		for _, fw := range rp.FlowWorkers {
			pp.Flow[fw].Rules = append(pp.Flow[fw].Rules, i)
		}
	}
	for pi := range plan.Pipelines {
		rs := plan.Pipelines[pi].Rules
		sort.SliceStable(rs, func(a, b int) bool { return plan.Rules[rs[a]].Priority > plan.Rules[rs[b]].Priority })
	}
	for _, id := range cfg.EAL.Lcores {
		plan.Lcores = append(plan.Lcores, *lcores[id])
	}
	return plan, nil
}

// Worker returns the worker ref names.
func (p *Plan) Worker(ref WorkerRef) *StageWorker {
	return &p.Pipelines[ref.Pipeline].Workers(ref.Kind)[ref.Index]
}

// Topics returns the distinct resolved topics, sorted.
func (p *Plan) Topics() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range p.Rules {
		if r.Topic != "" && !seen[r.Topic] {
			seen[r.Topic] = true
			out = append(out, r.Topic)
		}
	}
	sort.Strings(out)
	return out
}

// WorkerLcores returns the lcores that run workers (every lcore but the
// main one that has any), in id order: the polling lcores to launch.
func (p *Plan) WorkerLcores() []int {
	var out []int
	for _, l := range p.Lcores {
		if len(l.Workers) > 0 {
			out = append(out, l.ID)
		}
	}
	return out
}
