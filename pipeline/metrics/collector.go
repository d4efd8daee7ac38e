package metrics

import (
	"strconv"
	"sync"
	"time"
	"wire2kafka/report/intdecode"

	"github.com/prometheus/client_golang/prometheus"

	"wire2kafka/config"
	"wire2kafka/kafkaout"
	"wire2kafka/pipeline"
)

// Collector is a prometheus.Collector over wire2kafka's own counters: it
// reads them at scrape time only. Safe for concurrent use.
type Collector struct {
	src     Sources
	d       *descs
	version string

	mu       sync.Mutex // guards the reload state
	reloadOK uint64
	reloadKO uint64
	lastOK   bool
	lastAt   time.Time
}

// NewCollector returns a collector over src; version goes into
// wire2kafka_build_info.
func NewCollector(src Sources, version string) *Collector {
	return &Collector{src: src, d: newDescs(), version: version}
}

// RecordReload counts one config reload: applied when err is nil, refused
// otherwise.
func (c *Collector) RecordReload(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil {
		c.reloadOK++
	} else {
		c.reloadKO++
	}
	c.lastOK, c.lastAt = err == nil, time.Now()
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.d.all() {
		ch <- d
	}
}

// Collect implements prometheus.Collector: it reads every source once.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	start := time.Now()
	if c.src.Workers != nil {
		c.collectWorkers(ch, c.src.Workers.Stats())
	}
	if c.src.Pool != nil {
		ch <- gauge(c.d.poolInUse, float64(c.src.Pool.InUse()))
		ch <- gauge(c.d.poolFree, float64(c.src.Pool.Avail()))
	}
	if c.src.Heap != nil {
		h := c.src.Heap()
		ch <- gauge(c.d.heapSize, float64(h.Size))
		ch <- gauge(c.d.heapAllocated, float64(h.Allocated))
	}
	if c.src.Ports != nil {
		c.collectPorts(ch, c.src.Ports.PortStats())
	}
	if c.src.Kafka != nil {
		for i, k := range c.src.Kafka.Counters() {
			c.collectConn(ch, strconv.Itoa(i), k)
		}
	}
	if c.src.Discard != nil {
		m, r, b := c.src.Discard.Counts()
		ch <- counter(c.d.discardMessages, m)
		ch <- counter(c.d.discardReports, r)
		ch <- counter(c.d.discardBytes, b)
	}
	c.collectReloads(ch)
	ch <- gauge(c.d.buildInfo, 1, c.version, goVersion())
	ch <- gauge(c.d.scrapeDuration, time.Since(start).Seconds())
}

func (c *Collector) collectWorkers(ch chan<- prometheus.Metric, stats []pipeline.WorkerStats) {
	d := c.d
	for _, w := range stats {
		l := []string{w.Pipeline, w.Kind.String(), w.Name}
		ch <- counter(d.packetsIn, w.In, l...)
		ch <- counter(d.packetsOut, w.Out, l...)
		ch <- gauge(d.queued, float64(w.Queued), l...)
		for r, n := range w.Drops {
			ch <- counter(d.dropped, n, with(l, pipeline.Reason(r).String())...)
		}
		ch <- counter(d.polls, w.Polls, l...)
		ch <- counter(d.busyPolls, w.BusyPolls, l...)
		if w.RingCap > 0 {
			ch <- gauge(d.ringFree, float64(w.RingFree), l...)
			ch <- gauge(d.ringCap, float64(w.RingCap), l...)
		}
		switch w.Kind {
		case config.KindRX:
			ch <- counter(d.rxBytes, w.Bytes, l...)
		case config.KindACL:
			c.parseErrors(ch, l, w.ParseErrors)
			ch <- counter(d.copies, w.Copies, l...)
		case config.KindFlow:
			ch <- counter(d.histograms, w.Histograms, l...)
			ch <- counter(d.histogramsLost, w.HistogramsLost, l...)
		case config.KindKafka:
			c.parseErrors(ch, l, w.ParseErrors)
			for r, n := range w.ReportErrors {
				ch <- counter(d.reportErrors, n, with(l, intdecode.Reason(r).String())...)
			}
			ch <- counter(d.partialStacks, w.PartialStacks, l...)
			ch <- counter(d.keyStatesEvicted, w.KeyStatesEvicted, l...)
			ch <- counter(d.workerReports, w.Reports, l...)
			ch <- counter(d.workerReportsDropped, w.ReportsDropped, l...)
			ch <- counter(d.workerMessages, w.Messages, l...)
			ch <- counter(d.workerBytes, w.Bytes, l...)
			ch <- prometheus.MustNewConstSummary(d.batchSize, w.Messages, float64(w.Reports), nil, l...)
		}
	}
}

func (c *Collector) parseErrors(ch chan<- prometheus.Metric, l []string, errs [intdecode.NumReasons]uint64) {
	for r, n := range errs {
		ch <- counter(c.d.parseErrors, n, with(l, intdecode.Reason(r).String())...)
	}
}

func (c *Collector) collectPorts(ch chan<- prometheus.Metric, ports []PortStats) {
	d := c.d
	for _, p := range ports {
		l := []string{p.Name, p.Driver}
		if p.Err != nil {
			ch <- gauge(d.portErrors, 1, l...)
			continue
		}
		ch <- gauge(d.portErrors, 0, l...)
		s := p.Stats
		ch <- counter(d.portRxPackets, s.IPackets, l...)
		ch <- counter(d.portRxBytes, s.IBytes, l...)
		ch <- counter(d.portMissed, s.IMissed, l...)
		ch <- counter(d.portRxErrors, s.IErrors, l...)
		ch <- counter(d.portNoMbuf, s.RxNoMbuf, l...)
		ch <- counter(d.portTxPackets, s.OPackets, l...)
		ch <- counter(d.portTxBytes, s.OBytes, l...)
		ch <- counter(d.portTxErrors, s.OErrors, l...)
		seen := map[string]bool{}
		for _, x := range p.XStats {
			if seen[x.Name] {
				continue // a driver repeating a name would make the scrape fail
			}
			seen[x.Name] = true
			ch <- counter(d.portXStats, x.Value, with(l, x.Name)...)
		}
	}
}

func (c *Collector) collectConn(ch chan<- prometheus.Metric, conn string, k kafkaout.Counters) {
	d := c.d
	ch <- counter(d.kSubmitted, k.Submitted, conn)
	ch <- counter(d.kSubmittedReports, k.SubmittedReports, conn)
	ch <- counter(d.kSubmittedBytes, k.SubmittedBytes, conn)
	ch <- counter(d.kProduced, k.Produced, conn)
	ch <- counter(d.kQueueFullRetries, k.QueueFullRetries, conn)
	ch <- gauge(d.kInFlight, float64(k.InFlight), conn)
	ch <- gauge(d.kQueued, float64(k.Queued), conn)
	ch <- counter(d.kDelivered, k.Delivered, conn)
	ch <- counter(d.kDeliveredReports, k.DeliveredReports, conn)
	ch <- counter(d.kDeliveredBytes, k.DeliveredBytes, conn)
	for reason, n := range k.FailedBy {
		ch <- counter(d.kFailed, n, conn, reason)
	}
	ch <- counter(d.kFailedReports, k.FailedReports, conn)
	ch <- counter(d.kDropped, k.Dropped, conn)
	ch <- counter(d.kDroppedReports, k.DroppedReports, conn)
	for reason, n := range k.ClientErrors {
		ch <- counter(d.kClientErrors, n, conn, reason)
	}
	ch <- prometheus.MustNewConstHistogram(d.kLatency, bucketTotal(k.Latency), k.LatencySum.Seconds(), latencyBuckets(k.Latency), conn)
	ch <- prometheus.MustNewConstHistogram(d.kDeliveredBatch, bucketTotal(k.Batch), float64(k.DeliveredReports), batchBuckets(k.Batch), conn)
	s := k.Librdkafka
	ch <- counter(d.kStatsEvents, s.Events, conn)
	ch <- gauge(d.kQueueMsgs, float64(s.QueueMsgs), conn)
	ch <- gauge(d.kQueueBytes, float64(s.QueueBytes), conn)
	ch <- gauge(d.kBrokersUp, float64(s.BrokersUp), conn)
	ch <- gauge(d.kRTTAvg, float64(s.RTTAvgMicros)/1e6, conn)
	ch <- gauge(d.kRTTP99, float64(s.RTTP99Micros)/1e6, conn)
	ch <- counter(d.kRequestErrors, s.TxErrors, conn, "tx")
	ch <- counter(d.kRequestErrors, s.RxErrors, conn, "rx")
	ch <- counter(d.kRequestErrors, s.ReqTimeouts, conn, "timeout")
	ch <- counter(d.kRetries, s.TxRetries, conn)
	ch <- counter(d.kTxMessages, s.TxMessages, conn)
	ch <- counter(d.kTxBytes, s.TxBytes, conn)
}

// cumBuckets turns per-bucket counts (one per upper bound, plus a last
// unbounded bucket) into Prometheus' cumulative buckets, the bounds given
// in the metric's unit by bound(i).
func cumBuckets(counts []uint64, n int, bound func(i int) float64) map[float64]uint64 {
	b := make(map[float64]uint64, n)
	var cum uint64
	for i := range n {
		if i < len(counts) {
			cum += counts[i]
		}
		b[bound(i)] = cum
	}
	return b
}

func latencyBuckets(counts []uint64) map[float64]uint64 {
	return cumBuckets(counts, len(kafkaout.LatencyBounds), func(i int) float64 { return kafkaout.LatencyBounds[i].Seconds() })
}

func batchBuckets(counts []uint64) map[float64]uint64 {
	return cumBuckets(counts, len(kafkaout.BatchBounds), func(i int) float64 { return float64(kafkaout.BatchBounds[i]) })
}

// bucketTotal is the number of observations of a histogram's counts.
func bucketTotal(counts []uint64) uint64 {
	var n uint64
	for _, c := range counts {
		n += c
	}
	return n
}

func (c *Collector) collectReloads(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	ok, ko, last, at := c.reloadOK, c.reloadKO, c.lastOK, c.lastAt
	c.mu.Unlock()
	ch <- counter(c.d.reloads, ok, "success")
	ch <- counter(c.d.reloads, ko, "failure")
	if !at.IsZero() {
		v := 0.0
		if last {
			v = 1
		}
		ch <- gauge(c.d.lastReload, v)
		ch <- gauge(c.d.lastReloadTime, float64(at.UnixNano())/1e9)
	}
}

func counter(d *prometheus.Desc, v uint64, labels ...string) prometheus.Metric {
	return prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
}

func gauge(d *prometheus.Desc, v float64, labels ...string) prometheus.Metric {
	return prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
}
