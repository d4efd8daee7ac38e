package metrics

import "github.com/prometheus/client_golang/prometheus"

const ns = "wire2kafka"

var (
	workerLabels = []string{"pipeline", "stage", "worker"}
	portLabels   = []string{"port", "driver"}
	connLabels   = []string{"connection"}
)

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(ns+"_"+name, help, labels, nil)
}

func with(base []string, more ...string) []string {
	return append(append([]string(nil), base...), more...)
}

// descs are the metric descriptions of the Collector, one per metric name.
type descs struct {
	packetsIn, packetsOut, dropped, parseErrors, queued   *prometheus.Desc
	reportErrors, partialStacks, copies, keyStatesEvicted *prometheus.Desc
	ringFree, ringCap, polls, busyPolls                   *prometheus.Desc
	rxBytes, workerReports, workerReportsDropped          *prometheus.Desc
	workerMessages, workerBytes, batchSize                *prometheus.Desc
	histograms, histogramsLost                            *prometheus.Desc

	poolInUse, poolFree, heapSize, heapAllocated *prometheus.Desc

	portRxPackets, portRxBytes, portMissed, portRxErrors, portNoMbuf *prometheus.Desc
	portTxPackets, portTxBytes, portTxErrors, portXStats, portErrors *prometheus.Desc

	kSubmitted, kSubmittedReports, kSubmittedBytes, kProduced, kQueueFullRetries *prometheus.Desc
	kInFlight, kQueued, kDelivered, kDeliveredReports, kDeliveredBytes           *prometheus.Desc
	kFailed, kFailedReports, kDropped, kDroppedReports, kClientErrors            *prometheus.Desc
	kLatency, kDeliveredBatch                                                    *prometheus.Desc
	kStatsEvents, kQueueMsgs, kQueueBytes, kBrokersUp, kRTTAvg, kRTTP99          *prometheus.Desc
	kRequestErrors, kRetries, kTxMessages, kTxBytes                              *prometheus.Desc

	discardMessages, discardReports, discardBytes *prometheus.Desc

	reloads, lastReload, lastReloadTime, buildInfo, scrapeDuration *prometheus.Desc
}

func newDescs() *descs {
	w, p, c := workerLabels, portLabels, connLabels
	return &descs{
		packetsIn:            desc("packets_in_total", "Packets a worker took in.", w...),
		packetsOut:           desc("packets_out_total", "Packets a worker passed on to the next stage (Kafka workers: packets written into submitted messages).", w...),
		dropped:              desc("packets_dropped_total", "Packets a worker dropped, by reason.", with(w, "reason")...),
		parseErrors:          desc("parse_errors_total", "Packets dropped because the 5-tuple (ACL) or INT (Kafka worker) did not parse, by decoder reason.", with(w, "reason")...),
		reportErrors:         desc("report_errors_total", "Individual INT reports a Kafka worker's decoder dropped inside packets that gave other reports (the packet is counted out), by decoder reason.", with(w, "reason")...),
		copies:               desc("packet_copies_total", "Extra copies of packets an ACL worker made: a Telemetry Report group whose reports belong to flows of several of an N:M rule's workers goes to each (in + copies = out + dropped + queued).", w...),
		keyStatesEvicted:     desc("key_states_evicted_total", "Per-key states (sequence numbers) a Kafka worker evicted to make room for new flow keys (kafka.batch.key_states); a returning key restarts at sequence 1.", w...),
		partialStacks:        desc("int_partial_stacks_total", "Reports whose embedded INT stack was cut by the reporting switch's truncation; the complete hops are kept.", w...),
		queued:               desc("packets_queued", "Packets inside a worker (open batches, pending bursts); in = out + dropped + queued.", w...),
		ringFree:             desc("ring_free_slots", "Free slots of the worker's input ring.", w...),
		ringCap:              desc("ring_capacity_slots", "Capacity of the worker's input ring.", w...),
		polls:                desc("worker_polls_total", "Poll passes of a worker.", w...),
		busyPolls:            desc("worker_busy_polls_total", "Poll passes of a worker that found work; busy/all is its load.", w...),
		rxBytes:              desc("rx_bytes_total", "Bytes an RX worker received.", w...),
		workerReports:        desc("worker_reports_total", "Reports a Kafka worker wrote into submitted messages.", w...),
		workerReportsDropped: desc("worker_reports_dropped_total", "Reports in messages a Kafka worker dropped because the sink was full.", w...),
		workerMessages:       desc("worker_messages_total", "Messages a Kafka worker submitted to the sink.", w...),
		workerBytes:          desc("worker_message_bytes_total", "Value bytes of the messages a Kafka worker submitted.", w...),
		batchSize:            desc("batch_size_reports", "Reports per message submitted by a Kafka worker (sum: reports, count: messages).", w...),
		histograms:           desc("histograms_total", "Histogram records a flow worker emitted.", w...),
		histogramsLost:       desc("histograms_lost_total", "Histogram records a flow worker could not emit.", w...),

		poolInUse:     desc("mempool_in_use_mbufs", "Mbufs of the packet pool in use."),
		poolFree:      desc("mempool_free_mbufs", "Mbufs of the packet pool free."),
		heapSize:      desc("dpdk_heap_size_bytes", "Size of DPDK's malloc heaps (eal.memory_mb at most), summed over NUMA sockets."),
		heapAllocated: desc("dpdk_heap_allocated_bytes", "Bytes allocated in DPDK's malloc heaps: mempool, rings, ACL classifiers (old classifiers are freed after a reload)."),

		portRxPackets: desc("port_rx_packets_total", "Packets a DPDK port received (ipackets).", p...),
		portRxBytes:   desc("port_rx_bytes_total", "Bytes a DPDK port received (ibytes).", p...),
		portMissed:    desc("port_rx_missed_total", "Packets the NIC dropped because the RX queues were full (imissed).", p...),
		portRxErrors:  desc("port_rx_errors_total", "Erroneous packets received (ierrors).", p...),
		portNoMbuf:    desc("port_rx_nombuf_total", "RX mbuf allocation failures (rx_nombuf).", p...),
		portTxPackets: desc("port_tx_packets_total", "Packets a DPDK port sent (opackets).", p...),
		portTxBytes:   desc("port_tx_bytes_total", "Bytes a DPDK port sent (obytes).", p...),
		portTxErrors:  desc("port_tx_errors_total", "Failed transmissions (oerrors).", p...),
		portXStats:    desc("port_xstats_total", "A DPDK extended statistic of a port, by its driver name.", with(p, "name")...),
		portErrors:    desc("port_stats_errors", "1 when the port's counters could not be read at this scrape.", p...),

		kSubmitted:        desc("kafka_messages_submitted_total", "Messages submitted to a Kafka connection.", c...),
		kSubmittedReports: desc("kafka_reports_submitted_total", "Reports in the messages submitted to a Kafka connection.", c...),
		kSubmittedBytes:   desc("kafka_bytes_submitted_total", "Value bytes of the messages submitted to a Kafka connection.", c...),
		kProduced:         desc("kafka_messages_produced_total", "Messages librdkafka accepted.", c...),
		kQueueFullRetries: desc("kafka_queue_full_retries_total", "Produce attempts refused by librdkafka with queue full, then retried.", c...),
		kInFlight:         desc("kafka_messages_in_flight", "Messages accepted by librdkafka without a delivery report yet.", c...),
		kQueued:           desc("kafka_messages_queued", "Messages waiting in a connection's input queue.", c...),
		kDelivered:        desc("kafka_messages_delivered_total", "Messages acknowledged by the broker.", c...),
		kDeliveredReports: desc("kafka_reports_delivered_total", "Reports in messages acknowledged by the broker.", c...),
		kDeliveredBytes:   desc("kafka_bytes_delivered_total", "Value bytes of messages acknowledged by the broker.", c...),
		kFailed:           desc("kafka_messages_failed_total", "Messages whose delivery failed, by librdkafka error name.", with(c, "reason")...),
		kFailedReports:    desc("kafka_reports_failed_total", "Reports in messages whose delivery failed.", c...),
		kDropped:          desc("kafka_messages_dropped_total", "Messages submitted after the producer closed (never produced).", c...),
		kDroppedReports:   desc("kafka_reports_dropped_total", "Reports in messages submitted after the producer closed.", c...),
		kClientErrors:     desc("kafka_client_errors_total", "librdkafka client-level error events (broker down, transport), by error name.", with(c, "reason")...),
		kLatency:          desc("kafka_delivery_latency_seconds", "Wire-to-delivery latency: first packet's receive time to the broker's acknowledgement, per message.", c...),
		kDeliveredBatch:   desc("kafka_delivered_batch_size_reports", "Reports per delivered message: histogram of batch sizes (sum: reports, count: messages).", c...),
		kStatsEvents:      desc("kafka_stats_events_total", "librdkafka statistics events parsed.", c...),
		kQueueMsgs:        desc("kafka_producer_queue_messages", "Messages in librdkafka's producer queue (msg_cnt).", c...),
		kQueueBytes:       desc("kafka_producer_queue_bytes", "Bytes in librdkafka's producer queue (msg_size).", c...),
		kBrokersUp:        desc("kafka_brokers_up", "Brokers in state UP at the last statistics event.", c...),
		kRTTAvg:           desc("kafka_broker_rtt_avg_seconds", "Broker round-trip time, average, largest over brokers.", c...),
		kRTTP99:           desc("kafka_broker_rtt_p99_seconds", "Broker round-trip time, 99th percentile, largest over brokers.", c...),
		kRequestErrors:    desc("kafka_request_errors_total", "Broker request errors summed over brokers, by kind (tx, rx, timeout).", with(c, "kind")...),
		kRetries:          desc("kafka_request_retries_total", "Broker request retries summed over brokers.", c...),
		kTxMessages:       desc("kafka_tx_messages_total", "Messages librdkafka sent to brokers (txmsgs).", c...),
		kTxBytes:          desc("kafka_tx_bytes_total", "Message bytes librdkafka sent to brokers (txmsg_bytes).", c...),

		discardMessages: desc("discard_messages_total", "Messages the discard sink counted and dropped."),
		discardReports:  desc("discard_reports_total", "Reports in messages the discard sink counted."),
		discardBytes:    desc("discard_bytes_total", "Key and value bytes the discard sink counted."),

		reloads:        desc("config_reloads_total", "Config reloads (SIGHUP), by result (success, failure).", "result"),
		lastReload:     desc("config_last_reload_successful", "1 when the last config reload was applied, 0 when it was refused."),
		lastReloadTime: desc("config_last_reload_timestamp_seconds", "Unix time of the last config reload attempt."),
		buildInfo:      desc("build_info", "Always 1; labels say which build runs.", "version", "goversion"),
		scrapeDuration: desc("scrape_duration_seconds", "Time the collector took to read all counters at this scrape."),
	}
}

// all lists every description (for Describe).
func (d *descs) all() []*prometheus.Desc {
	return []*prometheus.Desc{
		d.packetsIn, d.packetsOut, d.dropped, d.parseErrors, d.reportErrors, d.partialStacks, d.keyStatesEvicted, d.copies, d.queued, d.ringFree, d.ringCap, d.polls, d.busyPolls,
		d.rxBytes, d.workerReports, d.workerReportsDropped, d.workerMessages, d.workerBytes, d.batchSize,
		d.histograms, d.histogramsLost, d.poolInUse, d.poolFree, d.heapSize, d.heapAllocated,
		d.portRxPackets, d.portRxBytes, d.portMissed, d.portRxErrors, d.portNoMbuf,
		d.portTxPackets, d.portTxBytes, d.portTxErrors, d.portXStats, d.portErrors,
		d.kSubmitted, d.kSubmittedReports, d.kSubmittedBytes, d.kProduced, d.kQueueFullRetries,
		d.kInFlight, d.kQueued, d.kDelivered, d.kDeliveredReports, d.kDeliveredBytes,
		d.kFailed, d.kFailedReports, d.kDropped, d.kDroppedReports, d.kClientErrors,
		d.kLatency, d.kDeliveredBatch, d.kStatsEvents, d.kQueueMsgs, d.kQueueBytes, d.kBrokersUp, d.kRTTAvg, d.kRTTP99,
		d.kRequestErrors, d.kRetries, d.kTxMessages, d.kTxBytes,
		d.discardMessages, d.discardReports, d.discardBytes,
		d.reloads, d.lastReload, d.lastReloadTime, d.buildInfo, d.scrapeDuration,
	}
}
