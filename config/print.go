package config

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// Print writes the stage graph for people: the EAL arguments, what runs on
// each lcore, each pipeline's workers and where their output goes, and
// which rule goes to which flow worker, Kafka worker and topic.
// hugepagesFreeMB is passed to EALArgs.
func (p *Plan) Print(w io.Writer, hugepagesFreeMB int) error {
	cfg := p.Config
	b := &strings.Builder{}
	fmt.Fprintf(b, "eal args: %s\n", strings.Join(p.EALArgs(hugepagesFreeMB), " "))
	fmt.Fprintf(b, "mempool: %d mbufs, cache %d, data room %d B; rings: %d slots, when full %s; burst %d; idle %s",
		cfg.Mempool.Mbufs, cfg.Mempool.Cache, cfg.Mempool.DataRoom, cfg.Rings.Size, cfg.Rings.WhenFull, cfg.Burst, cfg.Idle.Policy)
	if cfg.Idle.Policy == IdleSleep {
		fmt.Fprintf(b, " %dus", cfg.Idle.SleepUS)
	}
	fmt.Fprintf(b, "\nkafka: sink %s, %d connection(s), batch %d reports / %d B / %s linger, queue %d messages (%s)\n",
		cfg.Kafka.Sink, cfg.Kafka.Connections, cfg.Kafka.Batch.MaxReports, cfg.Kafka.Batch.MaxBytes,
		cfg.Kafka.Batch.Linger, cfg.Kafka.Queue.Messages, cfg.Kafka.Queue.Policy)
	if len(cfg.Kafka.Producer) > 0 {
		fmt.Fprintf(b, "producer: %s\n", ProducerSettings(cfg.Kafka.Producer))
	}
	fmt.Fprintf(b, "message pool: %d messages x %d B (kafka.queue.messages x kafka.batch.max_bytes) = %.1f MiB at most, resident as used\n",
		cfg.Kafka.Queue.Messages, cfg.Kafka.Batch.MaxBytes, float64(cfg.Kafka.Queue.Messages)*float64(cfg.Kafka.Batch.MaxBytes)/(1<<20))
	in := cfg.INT
	fmt.Fprintf(b, "int: formats %v, report ports %v, idint ports %v, inner INT by md_dscp %s and md_udp_ports %v",
		in.Formats, in.TelemetryReportPorts, in.IDINTPorts, in.MDDSCP, in.MDUDPPorts)
	for _, s := range in.SourceOnlyMD {
		fmt.Fprintf(b, ", source-only %d B in domain %#x", s.Bytes, s.DomainID)
	}
	fmt.Fprintf(b, "\nmetrics: %s", cfg.Metrics.Listen)
	if cfg.Metrics.WebConfigFile != "" {
		fmt.Fprintf(b, " (TLS/auth: %s)", cfg.Metrics.WebConfigFile)
	}
	if cfg.Metrics.StatsTopic != "" {
		fmt.Fprintf(b, "; counter table every %s to topic %s (%s)", cfg.Metrics.TableInterval, cfg.Metrics.StatsTopic, cfg.Metrics.StatsFormat)
	}
	fmt.Fprintf(b, "\n\nlcores:\n")
	for _, l := range p.Lcores {
		switch {
		case l.Main:
			fmt.Fprintf(b, "  lcore %-3d main (control, no worker)\n", l.ID)
		case len(l.Workers) == 0:
			fmt.Fprintf(b, "  lcore %-3d idle (no worker)\n", l.ID)
		default:
			names := make([]string, len(l.Workers))
			for i, ref := range l.Workers {
				names[i] = p.Worker(ref).Name
			}
			fmt.Fprintf(b, "  lcore %-3d %s\n", l.ID, strings.Join(names, " "))
		}
	}
	for _, pp := range p.Pipelines {
		fmt.Fprintf(b, "\npipeline %s:\n", pp.Name)
		tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "  worker\tlcore\treads\twrites\n")
		for _, k := range []Kind{KindRX, KindACL, KindFlow, KindKafka} {
			for _, sw := range pp.Workers(k) {
				fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\n", sw.Name, sw.Lcore, p.reads(&pp, &sw), p.writes(&pp, &sw))
			}
		}
		tw.Flush()
	}
	fmt.Fprintf(b, "\nrules (by pipeline, highest priority first):\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  id\tname\tprio\tmatch\tfunction\tflow worker\tkafka worker\ttopic\toutput\n")
	for _, pp := range p.Pipelines {
		for _, ri := range pp.Rules {
			r := p.Rules[ri]
			kw, topic, out := "-", "-", "-"
			if r.ServiceFunction != Drop {
				var names []string
				for _, k := range r.KafkaWorkers {
					names = append(names, pp.Kafka[k].Name)
				}
				kw = strings.Join(names, ",")
				topic, out = r.Topic, string(r.Output)
			}
			var fws []string
			for _, f := range r.FlowWorkers {
				fws = append(fws, pp.Flow[f].Name)
			}
			fw := strings.Join(fws, ",")
			if len(fws) > 1 {
				fw = "by flow hash: " + fw
			}
			fmt.Fprintf(tw, "  %d\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Name, r.Priority, r.match(),
				r.function(), fw, kw, topic, out)
		}
	}
	tw.Flush()
	_, err := io.WriteString(w, b.String())
	return err
}

// String returns Print's output, assuming no free hugepages.
func (p *Plan) String() string {
	var b strings.Builder
	_ = p.Print(&b, 0)
	return b.String()
}

func (p *Plan) reads(pp *PipelinePlan, w *StageWorker) string {
	switch w.Kind {
	case KindRX:
		var b strings.Builder
		for i, q := range w.Queues {
			if i == 0 || w.Queues[i-1].Port != q.Port {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(p.Config.Ports[q.Port].Name)
			}
			fmt.Fprintf(&b, " q%d", q.Queue)
		}
		return b.String()
	case KindACL:
		var from []string
		for _, rx := range pp.RX {
			if rx.Next == w.Index {
				from = append(from, rx.Name)
			}
		}
		return strings.Join(from, ",")
	case KindFlow:
		return "acl workers"
	}
	var from []string
	for _, f := range pp.Flow {
		if f.Next == w.Index {
			from = append(from, f.Name)
		}
	}
	return strings.Join(from, ",")
}

func (p *Plan) writes(pp *PipelinePlan, w *StageWorker) string {
	switch w.Kind {
	case KindRX:
		return pp.ACL[w.Next].Name
	case KindACL:
		return "flow worker of the matching rule"
	case KindFlow:
		names := make([]string, len(w.Rules))
		for i, r := range w.Rules {
			names[i] = p.Rules[r].Name
		}
		if len(names) == 0 {
			return pp.Kafka[w.Next].Name + " (no rules)"
		}
		return pp.Kafka[w.Next].Name + " (rules " + strings.Join(names, ",") + ")"
	}
	return fmt.Sprintf("connection %d (%s)", w.Next, p.Config.Kafka.Sink)
}

func (r *RulePlan) match() string {
	parts := []string{r.Protocol.String()}
	add := func(name, v string) {
		if v != "any" {
			parts = append(parts, name+"="+v)
		}
	}
	add("src", r.SrcIP.String())
	add("dst", r.DstIP.String())
	add("sport", r.SrcPort.String())
	add("dport", r.DstPort.String())
	return strings.Join(parts, " ")
}

func (r *RulePlan) function() string {
	switch r.ServiceFunction {
	case Sampling:
		return fmt.Sprintf("sampling 1:%d", r.SamplingRate)
	case Histogram:
		return fmt.Sprintf("histogram %dns x%d every %s", r.ResolutionNS, r.Buckets, r.ReportInterval)
	}
	return string(r.ServiceFunction)
}

// ProducerSettings returns librdkafka settings as "key=value" pairs in key
// order, each secret shown as "(secret)": for check-config and logs.
func ProducerSettings(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		v := m[k]
		if IsSecret(k) {
			v = "(secret)"
		}
		parts[i] = k + "=" + v
	}
	return strings.Join(parts, " ")
}
