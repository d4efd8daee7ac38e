package config

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

func (v *validator) rules() {
	cfg := v.cfg
	pipeIdx := map[string]int{}
	for i, p := range cfg.Pipelines {
		pipeIdx[p.Name] = i
	}
	names := map[string]int{}
	for i := range cfg.Rules {
		r := &cfg.Rules[i]
		path := fmt.Sprintf("rules[%d]", i)
		switch j, dup := names[r.Name]; {
		case r.Name == "":
			v.c.errf(path+".name", "required")
		case !nameRE.MatchString(r.Name):
			v.c.errf(path+".name", "must be letters, digits, '_', '-' or '.', got %q", r.Name)
		case dup:
			v.c.errf(path+".name", "rule %q is already declared at rules[%d]", r.Name, j)
		}
		names[r.Name] = i
		v.ruleMatch(r, path)
		v.ruleFunction(r, path)
		v.rulePlace(r, path, pipeIdx)
		v.ruleOutput(r, path)
	}
	v.ruleConflicts(pipeIdx)
	used := map[string]bool{}
	for _, r := range cfg.Rules {
		used[r.Pipeline] = true
	}
	for i, p := range cfg.Pipelines {
		if p.Name != "" && !used[p.Name] {
			v.c.errf(fmt.Sprintf("pipelines[%d]", i), "no rule names pipeline %s: every packet it receives would be dropped as no_rule", p.Name)
		}
	}
}

// ruleMatch fills the match defaults and refuses rules that can never match.
func (v *validator) ruleMatch(r *Rule, path string) {
	if !v.given(path+".protocol", r.Protocol == Protocol{}) {
		r.Protocol = Protocol{Any: true}
	}
	for _, pr := range []struct {
		key string
		r   *PortRange
	}{{"src_port", &r.SrcPort}, {"dst_port", &r.DstPort}} {
		p := path + "." + pr.key
		switch {
		case !v.given(p, *pr.r == PortRange{}):
			*pr.r = PortRange{Lo: 0, Hi: 65535}
		case pr.r.Lo > pr.r.Hi:
			v.c.errf(p, "range %d-%d is empty: the rule can never match", pr.r.Lo, pr.r.Hi)
		case v.c.failed(path + ".protocol"):
		case !pr.r.Any() && r.Protocol.Any:
			v.c.errf(p, "a port match needs protocol tcp, udp or sctp, not any")
		case !pr.r.Any() && !r.Protocol.HasPorts():
			v.c.errf(p, "protocol %s has no ports: the rule can never match", r.Protocol)
		}
	}
	sf, df := r.SrcIP.family(), r.DstIP.family()
	if sf != 0 && df != 0 && sf != df {
		v.c.errf(path+".dst_ip", "src_ip is IPv%d and dst_ip is IPv%d: the rule can never match", sf, df)
	}
	fam := max(sf, df)
	for _, ip := range []struct {
		key string
		fam int
	}{{"src_ip", sf}, {"dst_ip", df}} {
		if ip.fam == 6 {
			v.c.errf(path+"."+ip.key, "an IPv6 prefix can never match: the ACL classifies IPv4 packets only (IPv6 packets are counted not_ip)")
			return
		}
	}
	if !r.Protocol.Any && r.Protocol.Number == ProtoICMPv6 && fam == 4 {
		v.c.errf(path+".protocol", "icmpv6 is IPv6 only and the prefixes are IPv4: the rule can never match (use icmp)")
	}
	v.intField(path+".priority", &r.Priority, DefaultPriority, 1, maxACLPriority)
}

// ruleFunction checks the service function and its parameters.
func (v *validator) ruleFunction(r *Rule, path string) {
	if r.ServiceFunction == "" && !v.c.failed(path+".service_function") {
		r.ServiceFunction = Passthrough
	}
	only := func(key string, zero bool, fn ServiceFunction) {
		if r.ServiceFunction != fn && v.given(path+"."+key, zero) {
			v.c.errf(path+"."+key, "only used with service_function %s", fn)
		}
	}
	only("sampling_rate", r.SamplingRate == 0, Sampling)
	only("resolution_ns", r.ResolutionNS == 0, Histogram)
	only("buckets", r.Buckets == 0, Histogram)
	only("report_interval", r.ReportInterval == 0, Histogram)
	switch r.ServiceFunction {
	case Sampling:
		switch p := path + ".sampling_rate"; {
		case !v.given(p, r.SamplingRate == 0):
			v.c.errf(p, "required for service_function sampling: keep 1 packet in sampling_rate")
		case r.SamplingRate < 1:
			v.c.errf(p, "must be >= 1 for service_function sampling, got %d", r.SamplingRate)
		case r.SamplingRate > 1e9:
			v.c.errf(p, "must be at most 1000000000, got %d", r.SamplingRate)
		}
	case Histogram:
		v.intField(path+".resolution_ns", &r.ResolutionNS, DefaultResolutionNS, 1, 1e9)
		v.intField(path+".buckets", &r.Buckets, DefaultBuckets, 2, 4096)
		v.durField(path+".report_interval", &r.ReportInterval, DefaultReportInterval, Duration(time.Millisecond), Duration(time.Hour))
	}
}

// rulePlace checks the pipeline and flow worker of a rule.
func (v *validator) rulePlace(r *Rule, path string, pipeIdx map[string]int) {
	pipes := v.cfg.Pipelines
	p := path + ".pipeline"
	if !v.given(p, r.Pipeline == "") {
		if len(pipes) == 1 {
			r.Pipeline = pipes[0].Name
		} else if len(pipes) > 1 {
			v.c.errf(p, "required: there are %d pipelines (%s)", len(pipes), pipelineNames(pipes))
			return
		}
	}
	pi, ok := pipeIdx[r.Pipeline]
	if !ok {
		if len(pipes) > 0 {
			v.c.errf(p, "unknown pipeline %q (pipelines: %s)", r.Pipeline, pipelineNames(pipes))
		}
		return
	}
	v.ruleFlowWorkers(r, path, r.Pipeline, len(pipes[pi].FlowWorkers), len(pipes[pi].KafkaWorkers))
}

var (
	topicRE       = regexp.MustCompile(`^[A-Za-z0-9._-]{1,249}$`)
	placeholderRE = regexp.MustCompile(`\{[^}]*\}`)
)

// ruleOutput checks output mode and topic.
func (v *validator) ruleOutput(r *Rule, path string) {
	op, tp := path+".output", path+".kafka_topic"
	if r.ServiceFunction == Drop {
		if v.given(op, r.Output == "") {
			v.c.errf(op, "not used with service_function drop")
		}
		if v.given(tp, r.KafkaTopic == "") {
			v.c.errf(tp, "not used with service_function drop: dropped packets go nowhere")
		}
		return
	}
	if r.Output == "" && !v.c.failed(op) {
		r.Output = OutputBatch
	}
	if r.ServiceFunction == Histogram && r.Output == OutputRaw {
		v.c.errf(op, "histogram rules emit Histogram reports, not packets: use batch or single")
	}
	if r.Output.Decodes() && len(v.cfg.INT.Formats) == 0 {
		v.c.errf(op, "output %s decodes INT, but int.formats is empty: use output raw or list a format", r.Output)
	}
	if r.KafkaTopic == "" {
		if !v.c.failed(path + ".service_function") {
			v.c.errf(tp, "required for service_function %s: a topic name or a template with %s", r.ServiceFunction, SinkTemplate)
		}
		return
	}
	for _, ph := range placeholderRE.FindAllString(r.KafkaTopic, -1) {
		if ph != SinkTemplate {
			v.c.errf(tp, "unknown placeholder %s: only %s is supported", ph, SinkTemplate)
			return
		}
	}
	topic, err := ResolveTopic(r.KafkaTopic, v.cfg.INT)
	if err != nil {
		if !v.c.failed("int.sink_isd_as") {
			v.c.errf(tp, "%v", err)
		}
		return
	}
	if !topicRE.MatchString(topic) || topic == "." || topic == ".." {
		v.c.errf(tp, "%q is not a valid Kafka topic: 1-249 letters, digits, '.', '_' or '-'", topic)
	}
}

// ruleConflicts refuses rules of one pipeline that tie in priority while
// matching common packets, and rules hidden entirely behind a rule of
// higher priority.
func (v *validator) ruleConflicts(pipeIdx map[string]int) {
	rules := v.cfg.Rules
	ok := make([]bool, len(rules))
	for i := range rules {
		ok[i] = !v.c.failedUnder(fmt.Sprintf("rules[%d]", i)) // any error, even a misspelt key, may hide the intended match
	}
	for j := range rules {
		for i := 0; i < j; i++ {
			a, b := &rules[i], &rules[j]
			if !ok[i] || !ok[j] || a.Pipeline != b.Pipeline || !overlaps(a, b) {
				continue
			}
			line := v.c.src.lineOf(fmt.Sprintf("rules[%d]", i))
			switch {
			case a.Priority == b.Priority:
				v.c.errf(fmt.Sprintf("rules[%d].priority", j), "priority %d ties with rules[%d] (%s, line %d), which matches some of the same packets; give one a higher priority",
					b.Priority, i, a.Name, line)
			case a.Priority > b.Priority && covers(a, b):
				v.c.errf(fmt.Sprintf("rules[%d]", j), "the rule can never match: rules[%d] (%s, line %d) matches all its packets at a higher priority", i, a.Name, line)
			case b.Priority > a.Priority && covers(b, a):
				v.c.errf(fmt.Sprintf("rules[%d]", i), "the rule can never match: rules[%d] (%s) matches all its packets at a higher priority", j, b.Name)
			}
		}
	}
}

func overlaps(a, b *Rule) bool {
	return a.Protocol.overlaps(b.Protocol) && a.SrcIP.overlaps(b.SrcIP) && a.DstIP.overlaps(b.DstIP) &&
		a.SrcPort.overlaps(b.SrcPort) && a.DstPort.overlaps(b.DstPort) && familiesMeet(a, b)
}

// familiesMeet reports whether two rules can see packets of one IP family.
func familiesMeet(a, b *Rule) bool {
	fa, fb := max(a.SrcIP.family(), a.DstIP.family()), max(b.SrcIP.family(), b.DstIP.family())
	return fa == 0 || fb == 0 || fa == fb
}

func covers(a, b *Rule) bool {
	return a.Protocol.covers(b.Protocol) && a.SrcIP.covers(b.SrcIP) && a.DstIP.covers(b.DstIP) &&
		a.SrcPort.covers(b.SrcPort) && a.DstPort.covers(b.DstPort)
}

func pipelineNames(ps []Pipeline) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}
