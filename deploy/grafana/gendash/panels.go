package main

// The dashboard's rows and panels, in order. Label filters of the
// template variables:
const (
	p  = `pipeline=~"$pipeline"`
	pw = `pipeline=~"$pipeline", worker=~"$worker"`
	ri = "$__rate_interval"
)

func ptr(f float64) *float64 { return &f }

var sections = []section{
	{"Where are my packets?", []panel{
		{title: "Packets per stage (flow)", unit: "pps", width: 16,
			desc: "Packet rate entering each stage, in pipeline order. A gap between two lines is packets dropped (or queued) by the stage in between.",
			targets: []target{
				{`sum(rate(wire2kafka_port_rx_packets_total[` + ri + `]))`, "1 NIC received"},
				{`sum(rate(wire2kafka_packets_in_total{` + p + `, stage="rx"}[` + ri + `]))`, "2 RX in"},
				{`sum(rate(wire2kafka_packets_in_total{` + p + `, stage="acl"}[` + ri + `]))`, "3 ACL in"},
				{`sum(rate(wire2kafka_packets_in_total{` + p + `, stage="flow"}[` + ri + `]))`, "4 flow in"},
				{`sum(rate(wire2kafka_packets_in_total{` + p + `, stage="kafka"}[` + ri + `]))`, "5 Kafka worker in"},
				{`sum(rate(wire2kafka_packets_out_total{` + p + `, stage="kafka"}[` + ri + `]))`, "6 into Kafka messages"},
			}},
		{title: "Packets per stage since start", kind: bars, width: 8,
			desc: "Totals per stage: in = out + dropped + queued for every stage.",
			targets: []target{
				{`sum by (stage) (wire2kafka_packets_in_total{` + p + `})`, "{{stage}} in"},
				{`sum by (stage) (wire2kafka_packets_dropped_total{` + p + `})`, "{{stage}} dropped"},
				{`sum by (stage) (wire2kafka_packets_queued{` + p + `})`, "{{stage}} queued"},
			}},
		{title: "Drops by stage and reason", unit: "pps",
			desc: "ring_full: next stage too slow; no_rule/not_ip: no ACL rule; parse_error: see parse errors; sampled_out/summarized/rule_drop: by the rule's function; sink_full: Kafka queue full; too_large: report bigger than a message.",
			targets: []target{
				{`sum by (stage, reason) (rate(wire2kafka_packets_dropped_total{` + pw + `}[` + ri + `]))`, "{{stage}} {{reason}}"},
			}},
		{title: "Parse errors by reason", unit: "pps", targets: []target{
			{`sum by (stage, reason) (rate(wire2kafka_parse_errors_total{` + pw + `}[` + ri + `]))`, "{{stage}} {{reason}}"},
		}},
	}},
	{"Workers", []panel{
		{title: "Mpps per worker", unit: "none", width: 8, targets: []target{
			{`rate(wire2kafka_packets_in_total{` + pw + `}[` + ri + `]) / 1e6`, "{{worker}}"},
		}},
		{title: "Ring fill (input ring of each worker)", unit: "percentunit", width: 8, min: ptr(0), max: ptr(1), targets: []target{
			{`1 - wire2kafka_ring_free_slots{` + pw + `} / wire2kafka_ring_capacity_slots{` + pw + `}`, "{{worker}}"},
		}},
		{title: "Worker load (busy polls / polls)", unit: "percentunit", width: 8, targets: []target{
			{`rate(wire2kafka_worker_busy_polls_total{` + pw + `}[` + ri + `]) / rate(wire2kafka_worker_polls_total{` + pw + `}[` + ri + `])`, "{{worker}}"},
		}},
		{title: "Queued in workers", width: 8, targets: []target{
			{`wire2kafka_packets_queued{` + pw + `}`, "{{worker}}"},
		}},
		{title: "Reports per message (Kafka workers)", width: 8, targets: []target{
			{`rate(wire2kafka_batch_size_reports_sum{` + pw + `}[` + ri + `]) / rate(wire2kafka_batch_size_reports_count{` + pw + `}[` + ri + `])`, "{{worker}}"},
		}},
		{title: "Mempool", width: 8, stack: true, targets: []target{
			{`wire2kafka_mempool_in_use_mbufs`, "in use"},
			{`wire2kafka_mempool_free_mbufs`, "free"},
		}},
	}},
	{"Kafka", []panel{
		{title: "Kafka delivery (reports/s)", unit: "ops", width: 8, targets: []target{
			{`sum(rate(wire2kafka_kafka_reports_delivered_total[` + ri + `]))`, "delivered"},
			{`sum(rate(wire2kafka_kafka_reports_failed_total[` + ri + `]))`, "failed"},
			{`sum(rate(wire2kafka_kafka_reports_dropped_total[` + ri + `]))`, "dropped"},
		}},
		{title: "Kafka messages failed by reason", unit: "ops", width: 8, desc: "Empty while nothing fails.", targets: []target{
			{`sum by (reason) (rate(wire2kafka_kafka_messages_failed_total[` + ri + `]))`, "{{reason}}"},
		}},
		{title: "Wire-to-delivery latency", unit: "s", width: 8, desc: "First packet's receive time to the broker's acknowledgement, per message.", targets: []target{
			{`histogram_quantile(0.5, sum by (le) (rate(wire2kafka_kafka_delivery_latency_seconds_bucket[` + ri + `])))`, "p50"},
			{`histogram_quantile(0.99, sum by (le) (rate(wire2kafka_kafka_delivery_latency_seconds_bucket[` + ri + `])))`, "p99"},
			{`sum(rate(wire2kafka_kafka_delivery_latency_seconds_sum[` + ri + `])) / sum(rate(wire2kafka_kafka_delivery_latency_seconds_count[` + ri + `]))`, "mean"},
		}},
		{title: "Reports per delivered message", width: 8, desc: "Batch size distribution: how many reports each acknowledged Kafka message carried.", targets: []target{
			{`histogram_quantile(0.5, sum by (le) (rate(wire2kafka_kafka_delivered_batch_size_reports_bucket[` + ri + `])))`, "p50"},
			{`histogram_quantile(0.99, sum by (le) (rate(wire2kafka_kafka_delivered_batch_size_reports_bucket[` + ri + `])))`, "p99"},
			{`sum(rate(wire2kafka_kafka_delivered_batch_size_reports_sum[` + ri + `])) / sum(rate(wire2kafka_kafka_delivered_batch_size_reports_count[` + ri + `]))`, "mean"},
		}},
		{title: "Producer queue and in flight", width: 8, targets: []target{
			{`sum(wire2kafka_kafka_producer_queue_messages)`, "librdkafka queue"},
			{`sum(wire2kafka_kafka_messages_in_flight)`, "in flight"},
			{`sum(wire2kafka_kafka_messages_queued)`, "connection queue"},
		}},
		{title: "Broker round-trip time", unit: "s", width: 8, targets: []target{
			{`max(wire2kafka_kafka_broker_rtt_avg_seconds)`, "avg"},
			{`max(wire2kafka_kafka_broker_rtt_p99_seconds)`, "p99"},
		}},
		{title: "Broker request errors and delivered bytes", width: 8, targets: []target{
			{`sum by (kind) (rate(wire2kafka_kafka_request_errors_total[` + ri + `]))`, "errors {{kind}}"},
			{`sum(rate(wire2kafka_kafka_request_retries_total[` + ri + `]))`, "retries"},
			{`sum(rate(wire2kafka_kafka_bytes_delivered_total[` + ri + `]))`, "delivered bytes/s"},
		}},
	}},
	{"NIC and process", []panel{
		{title: "NIC misses and errors", unit: "pps", width: 8, targets: []target{
			{`sum by (port) (rate(wire2kafka_port_rx_missed_total[` + ri + `]))`, "{{port}} imissed"},
			{`sum by (port) (rate(wire2kafka_port_rx_errors_total[` + ri + `]))`, "{{port}} ierrors"},
			{`sum by (port) (rate(wire2kafka_port_rx_nombuf_total[` + ri + `]))`, "{{port}} rx_nombuf"},
		}},
		{title: "NIC receive", unit: "bps", width: 8, targets: []target{
			{`sum by (port) (rate(wire2kafka_port_rx_bytes_total[` + ri + `])) * 8`, "{{port}}"},
		}},
		{title: "Go GC pause and memory", unit: "s", width: 8, targets: []target{
			{`go_gc_duration_seconds{quantile="1"}`, "max GC pause"},
			{`process_resident_memory_bytes / 1e9`, "RSS GB"},
		}},
		{title: "Config reloads", width: 8, targets: []target{
			{`sum by (result) (increase(wire2kafka_config_reloads_total[1h]))`, "{{result}}"},
			{`wire2kafka_config_last_reload_successful`, "last ok"},
		}},
		{title: "Scrape duration", unit: "s", width: 8, targets: []target{
			{`wire2kafka_scrape_duration_seconds`, "collector"},
		}},
		{title: "Build", kind: single, width: 8, targets: []target{
			{`wire2kafka_build_info`, "{{version}} {{goversion}}"},
		}},
	}},
}
