package metrics

import (
	"wire2kafka/dpdk"
	"wire2kafka/kafkaout"
	"wire2kafka/pipeline"
)

// WorkerSource gives every worker's counters and input ring
// (*pipeline.Pipeline has it).
type WorkerSource interface {
	Stats() []pipeline.WorkerStats
}

// PortStats are one port's DPDK counters at one moment.
type PortStats struct {
	Name, Driver string
	Stats        dpdk.Stats
	XStats       []dpdk.XStat
	Err          error // reading the counters failed; Stats and XStats are zero
}

// PortSource gives the ports' counters.
type PortSource interface {
	PortStats() []PortStats
}

// PoolSource gives the mbuf pool's occupancy (*dpdk.Pool has it).
type PoolSource interface {
	InUse() int
	Avail() int
}

// HeapSource gives the occupancy of DPDK's malloc heaps (dpdk.Heap).
type HeapSource func() dpdk.HeapStats

// KafkaSource gives the counters of each Kafka connection
// (*kafkaout.Producer has it).
type KafkaSource interface {
	Counters() []kafkaout.Counters
}

// DiscardSource gives the counts of a discard sink (*kafkaout.Discard has
// it).
type DiscardSource interface {
	Counts() (messages, reports, bytes uint64)
}

// Sources are what the Collector reads; nil ones are left out.
type Sources struct {
	Workers WorkerSource
	Ports   PortSource
	Pool    PoolSource
	Heap    HeapSource
	Kafka   KafkaSource
	Discard DiscardSource
}

// pipelinePorts reads the ports of a pipeline.
type pipelinePorts struct{ p *pipeline.Pipeline }

// PortStats implements PortSource.
func (pp pipelinePorts) PortStats() []PortStats {
	ports := pp.p.Ports()
	out := make([]PortStats, len(ports))
	for i, pi := range ports {
		out[i] = PortStats{Name: pi.Name, Driver: pi.Driver}
		s, err := pi.Port.Stats()
		if err != nil {
			out[i].Err = err
			continue
		}
		out[i].Stats = s
		out[i].XStats, out[i].Err = pi.Port.XStats()
	}
	return out
}

// FromPipeline returns the sources of a pipeline and its sink (a
// *kafkaout.Producer or *kafkaout.Discard; others are left out). The
// pipeline must outlive every scrape: close the Server before
// (*pipeline.Pipeline).Close.
func FromPipeline(p *pipeline.Pipeline, sink kafkaout.Sink) Sources {
	s := Sources{Workers: p, Ports: pipelinePorts{p}, Pool: p.Pool(), Heap: dpdk.Heap}
	switch k := sink.(type) {
	case *kafkaout.Producer:
		s.Kafka = k
	case *kafkaout.Discard:
		s.Discard = k
	}
	return s
}
