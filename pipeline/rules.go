package pipeline

import (
	"fmt"
	"time"

	"wire2kafka/config"
	"wire2kafka/flowworker"
	"wire2kafka/kafkaout"
)

// outKind is a rule's output mode as a small enum for the Kafka stage.
type outKind uint8

const (
	outBatch  outKind = iota // ReportBatch per flow key
	outSingle                // one Report per message (SCION-INT compatible)
	outRaw                   // PacketBatch of the raw packets per rule
)

// ruleInfo is one rule as the workers need it: no strings to compare, no
// maps, only what the per-packet path reads.
type ruleInfo struct {
	id          uint32
	name        string
	fn          flowworker.Rule // the service function (Here set per flow worker)
	out         outKind
	topic       string
	flowWorker  int   // within the pipeline: the only one, or the first
	flowWorkers []int // all of them; more than one: dispatched by flow hash
	kafkaWorker int   // within the pipeline; -1 for drop rules
	nameKey     []byte
	// nameKeys, when the rule spans several Kafka workers, is the key of
	// its raw and histogram messages per Kafka worker (within the
	// pipeline): "name/worker", so each key has one producing worker and
	// one sequence.
	nameKeys [][]byte
	// pos is, per Kafka worker of the pipeline, its position among the
	// rule's workers (flowWorkers[pos] feeds it), or -1.
	pos []int8
}

// keyFor returns the rule's key for raw and histogram messages built by
// Kafka worker kw (within the pipeline).
func (ri *ruleInfo) keyFor(kw int) []byte {
	if kw < len(ri.nameKeys) && ri.nameKeys[kw] != nil {
		return ri.nameKeys[kw]
	}
	return ri.nameKey
}

// dispatch picks one of n workers for hash h (Lemire's multiply-shift: no
// division).
func dispatch(h uint64, n int) int { return int((uint64(uint32(h^h>>32)) * uint64(n)) >> 32) }

// ruleSet is the immutable set of rules the workers read through an atomic
// pointer; a reload builds a new one off the data path and swaps it in
// (lifecycle.go). Index by rule id (stable across reloads, ruleids.go);
// rules[0] and the ids of removed rules are "no rule" (id 0).
type ruleSet struct {
	gen   uint64
	rules []ruleInfo
	acls  []*classifier // per pipeline
}

// newRuleSet builds the rules of plan; classifiers are added by the caller.
func newRuleSet(plan *config.Plan, gen uint64) *ruleSet {
	maxID := uint32(0)
	for _, r := range plan.Rules {
		maxID = max(maxID, r.ID)
	}
	rs := &ruleSet{gen: gen, rules: make([]ruleInfo, maxID+1)}
	for _, r := range plan.Rules {
		ri := ruleInfo{
			id: r.ID, name: r.Name,
			fn: flowworker.Rule{Function: flowworker.FnPassthrough, SamplingRate: uint64(r.SamplingRate), Resolution: uint64(r.ResolutionNS), Buckets: uint64(r.Buckets),
				Interval: uint64(time.Duration(r.ReportInterval).Nanoseconds())},
			topic: r.Topic, flowWorker: r.FlowWorkers[0], flowWorkers: r.FlowWorkers, kafkaWorker: r.KafkaWorker,
			nameKey: []byte(r.Name),
		}
		if len(r.KafkaWorkers) > 1 {
			ri.pos = make([]int8, len(plan.Pipelines[r.PipelineIndex].Kafka))
			for i := range ri.pos {
				ri.pos[i] = -1
			}
			for p, kw := range r.KafkaWorkers {
				ri.pos[kw] = int8(p)
			}
			ri.nameKeys = make([][]byte, len(plan.Pipelines[r.PipelineIndex].Kafka))
			for _, kw := range r.KafkaWorkers {
				ri.nameKeys[kw] = []byte(fmt.Sprintf("%s/%d", r.Name, kw))
			}
		}
		switch r.ServiceFunction {
		case config.Sampling:
			ri.fn.Function = flowworker.FnSampling
		case config.Histogram:
			ri.fn.Function = flowworker.FnHistogram
		case config.Drop:
			ri.fn.Function = flowworker.FnDrop
		}
		switch r.Output {
		case config.OutputSingle:
			ri.out = outSingle
		case config.OutputRaw:
			ri.out = outRaw
		}
		rs.rules[r.ID] = ri
	}
	return rs
}

// payload returns the message type of a rule's output.
func (ri *ruleInfo) payload() kafkaout.PayloadType {
	switch ri.out {
	case outSingle:
		return kafkaout.PayloadReport
	case outRaw:
		return kafkaout.PayloadPacketBatch
	}
	return kafkaout.PayloadReportBatch
}
