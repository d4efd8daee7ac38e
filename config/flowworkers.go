package config

import (
	"fmt"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// FlowWorkerSet is rules[].flow_workers: the flow workers of the rule's
// pipeline that share its traffic, as a list of indexes ([0, 1, 2]) or
// `all`. A rule with several is spread over them by a hash of each
// packet's monitored flow (N:M dispatch), so one flow always takes the same
// flow and Kafka worker and keeps its order.
type FlowWorkerSet struct {
	All  bool
	List []int
	set  bool
}

// UnmarshalYAML accepts `all` or a list of integers.
func (s *FlowWorkerSet) UnmarshalYAML(n *yaml.Node) error {
	s.set = true
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Value == "all" {
			s.All = true
			return nil
		}
		return fmt.Errorf("must be all or a list of flow worker indexes, got %q", n.Value)
	case yaml.SequenceNode:
		for _, item := range n.Content {
			i, err := strconv.Atoi(item.Value)
			if err != nil || item.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: flow worker index must be an integer, got %q", item.Line, item.Value)
			}
			s.List = append(s.List, i)
		}
		if len(s.List) == 0 {
			return fmt.Errorf("must name at least one flow worker")
		}
		return nil
	}
	return fmt.Errorf("must be all or a list of flow worker indexes")
}

// Given reports whether the key was in the config.
func (s *FlowWorkerSet) Given() bool { return s.set }

// MaxRuleWorkers is the most flow workers one rule spreads over.
const MaxRuleWorkers = 16

// ruleFlowWorkers checks flow_worker / flow_workers against a pipeline of
// n flow workers and nKafka Kafka workers (flow worker i feeds Kafka worker
// i mod nKafka). A rule over several flow workers needs each to feed its
// own Kafka worker: a flow's reports are emitted by the Kafka worker of
// its flow worker, so two of the rule's flow workers feeding one Kafka
// worker would deliver one flow's reports by two paths.
func (v *validator) ruleFlowWorkers(r *Rule, path, pipeline string, n, nKafka int) {
	if !r.FlowWorkers.set {
		if n > 0 && (r.FlowWorker < 0 || r.FlowWorker >= n) {
			v.c.errf(path+".flow_worker", "flow worker %d is out of range: pipeline %s has %d flow workers (0-%d)",
				r.FlowWorker, pipeline, n, n-1)
		}
		return
	}
	ok := true
	if v.given(path+".flow_worker", r.FlowWorker == 0) {
		v.c.errf(path+".flow_workers", "give flow_worker or flow_workers, not both")
		ok = false
	}
	seen := map[int]bool{}
	for i, fw := range r.FlowWorkers.List {
		switch {
		case fw < 0 || fw >= n:
			v.c.errf(fmt.Sprintf("%s.flow_workers[%d]", path, i), "flow worker %d is out of range: pipeline %s has %d flow workers (0-%d)", fw, pipeline, n, n-1)
			ok = false
		case seen[fw]:
			v.c.errf(fmt.Sprintf("%s.flow_workers[%d]", path, i), "flow worker %d is listed twice", fw)
			ok = false
		}
		seen[fw] = true
	}
	if !ok || nKafka == 0 {
		return
	}
	fws := r.resolveFlowWorkers(n)
	if len(fws) > MaxRuleWorkers {
		v.c.errf(path+".flow_workers", "at most %d flow workers per rule, got %d", MaxRuleWorkers, len(fws))
		return
	}
	byKafka := map[int]int{}
	for _, fw := range fws {
		if other, dup := byKafka[fw%nKafka]; dup {
			v.c.errf(path+".flow_workers", "flow workers %d and %d feed the same Kafka worker %d (pipeline %s has %d): a rule over several flow workers needs one Kafka worker per flow worker",
				other, fw, fw%nKafka, pipeline, nKafka)
			return
		}
		byKafka[fw%nKafka] = fw
	}
}

// resolveFlowWorkers returns a validated rule's flow workers among n.
func (r *Rule) resolveFlowWorkers(n int) []int {
	switch {
	case r.FlowWorkers.All:
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	case r.FlowWorkers.set:
		return append([]int(nil), r.FlowWorkers.List...)
	}
	return []int{r.FlowWorker}
}
