import json
DS = {"type": "prometheus", "uid": "wire2kafka-prometheus"}
P = 'pipeline=~"$pipeline"'
PW = 'pipeline=~"$pipeline", worker=~"$worker"'
RI = "$__rate_interval"
panels = []
y = 0
pid = 0
def row(title):
    global y, pid
    pid += 1
    panels.append({"type": "row", "title": title, "id": pid, "collapsed": False, "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}, "panels": []})
    y += 1
x = 0
def panel(title, targets, unit="short", w=12, h=8, typ="timeseries", desc="", stack=False, extra=None):
    global x, y, pid
    pid += 1
    if x + w > 24:
        x = 0; y += h
    p = {"type": typ, "title": title, "id": pid, "datasource": DS, "description": desc,
         "gridPos": {"h": h, "w": w, "x": x, "y": y},
         "fieldConfig": {"defaults": {"unit": unit, "custom": {}} , "overrides": []},
         "options": {"legend": {"displayMode": "table", "placement": "right", "calcs": ["lastNotNull", "max"]}, "tooltip": {"mode": "multi"}},
         "targets": [{"datasource": DS, "expr": e, "legendFormat": l, "refId": chr(65 + i)} for i, (e, l) in enumerate(targets)]}
    if typ == "timeseries":
        p["fieldConfig"]["defaults"]["custom"] = {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 10, "showPoints": "never",
                                                  "stacking": {"mode": "normal" if stack else "none"}}
    if typ in ("bargauge", "stat"):
        p["options"] = {"orientation": "horizontal", "displayMode": "gradient", "reduceOptions": {"calcs": ["lastNotNull"]}, "showUnfilled": True}
        for t in p["targets"]:
            t["instant"] = True
    if extra:
        p.update(extra)
    panels.append(p)
    x += w
    if x >= 24:
        x = 0; y += h
def nl():
    global x, y
    if x:
        x = 0; y += 8

row("Where are my packets?")
panel("Packets per stage (flow)", [
    ('sum(rate(wire2kafka_port_rx_packets_total[%s]))' % RI, "1 NIC received"),
    ('sum(rate(wire2kafka_packets_in_total{%s, stage="rx"}[%s]))' % (P, RI), "2 RX in"),
    ('sum(rate(wire2kafka_packets_in_total{%s, stage="acl"}[%s]))' % (P, RI), "3 ACL in"),
    ('sum(rate(wire2kafka_packets_in_total{%s, stage="flow"}[%s]))' % (P, RI), "4 flow in"),
    ('sum(rate(wire2kafka_packets_in_total{%s, stage="kafka"}[%s]))' % (P, RI), "5 Kafka worker in"),
    ('sum(rate(wire2kafka_packets_out_total{%s, stage="kafka"}[%s]))' % (P, RI), "6 into Kafka messages"),
], unit="pps", w=16, desc="Packet rate entering each stage, in pipeline order. A gap between two lines is packets dropped (or queued) by the stage in between.")
panel("Packets per stage since start", [
    ('sum by (stage) (wire2kafka_packets_in_total{%s})' % P, "{{stage}} in"),
    ('sum by (stage) (wire2kafka_packets_dropped_total{%s})' % P, "{{stage}} dropped"),
    ('sum by (stage) (wire2kafka_packets_queued{%s})' % P, "{{stage}} queued"),
], w=8, typ="bargauge", desc="Totals per stage: in = out + dropped + queued for every stage.")
panel("Drops by stage and reason", [
    ('sum by (stage, reason) (rate(wire2kafka_packets_dropped_total{%s}[%s]))' % (PW, RI), "{{stage}} {{reason}}"),
], unit="pps", desc="ring_full: next stage too slow; no_rule/not_ip: no ACL rule; parse_error: see parse errors; sampled_out/summarized/rule_drop: by the rule's function; sink_full: Kafka queue full; too_large: report bigger than a message.")
panel("Parse errors by reason", [
    ('sum by (stage, reason) (rate(wire2kafka_parse_errors_total{%s}[%s]))' % (PW, RI), "{{stage}} {{reason}}"),
], unit="pps")
row("Workers")
panel("Mpps per worker", [
    ('rate(wire2kafka_packets_in_total{%s}[%s]) / 1e6' % (PW, RI), "{{worker}}"),
], unit="none", w=8)
panel("Ring fill (input ring of each worker)", [
    ('1 - wire2kafka_ring_free_slots{%s} / wire2kafka_ring_capacity_slots{%s}' % (PW, PW), "{{worker}}"),
], unit="percentunit", w=8, extra={"fieldConfig": {"defaults": {"unit": "percentunit", "min": 0, "max": 1, "custom": {"drawStyle": "line", "fillOpacity": 10, "showPoints": "never"}}, "overrides": []}})
panel("Worker load (busy polls / polls)", [
    ('rate(wire2kafka_worker_busy_polls_total{%s}[%s]) / rate(wire2kafka_worker_polls_total{%s}[%s])' % (PW, RI, PW, RI), "{{worker}}"),
], unit="percentunit", w=8)
panel("Queued in workers", [
    ('wire2kafka_packets_queued{%s}' % PW, "{{worker}}"),
], w=8)
panel("Reports per message (Kafka workers)", [
    ('rate(wire2kafka_batch_size_reports_sum{%s}[%s]) / rate(wire2kafka_batch_size_reports_count{%s}[%s])' % (PW, RI, PW, RI), "{{worker}}"),
], w=8)
panel("Mempool", [
    ('wire2kafka_mempool_in_use_mbufs', "in use"),
    ('wire2kafka_mempool_free_mbufs', "free"),
], w=8, stack=True)
row("Kafka")
panel("Kafka delivery (reports/s)", [
    ('sum(rate(wire2kafka_kafka_reports_delivered_total[%s]))' % RI, "delivered"),
    ('sum(rate(wire2kafka_kafka_reports_failed_total[%s]))' % RI, "failed"),
    ('sum(rate(wire2kafka_kafka_reports_dropped_total[%s]))' % RI, "dropped"),
], unit="ops", w=8)
panel("Kafka messages failed by reason", [
    ('sum by (reason) (rate(wire2kafka_kafka_messages_failed_total[%s]))' % RI, "{{reason}}"),
], unit="ops", w=8, desc="Empty while nothing fails.")
panel("Wire-to-delivery latency", [
    ('histogram_quantile(0.5, sum by (le) (rate(wire2kafka_kafka_delivery_latency_seconds_bucket[%s])))' % RI, "p50"),
    ('histogram_quantile(0.99, sum by (le) (rate(wire2kafka_kafka_delivery_latency_seconds_bucket[%s])))' % RI, "p99"),
    ('sum(rate(wire2kafka_kafka_delivery_latency_seconds_sum[%s])) / sum(rate(wire2kafka_kafka_delivery_latency_seconds_count[%s]))' % (RI, RI), "mean"),
], unit="s", w=8, desc="First packet's receive time to the broker's acknowledgement, per message.")
panel("Reports per delivered message", [
    ('histogram_quantile(0.5, sum by (le) (rate(wire2kafka_kafka_delivered_batch_size_reports_bucket[%s])))' % RI, "p50"),
    ('histogram_quantile(0.99, sum by (le) (rate(wire2kafka_kafka_delivered_batch_size_reports_bucket[%s])))' % RI, "p99"),
    ('sum(rate(wire2kafka_kafka_delivered_batch_size_reports_sum[%s])) / sum(rate(wire2kafka_kafka_delivered_batch_size_reports_count[%s]))' % (RI, RI), "mean"),
], w=8, desc="Batch size distribution: how many reports each acknowledged Kafka message carried.")
panel("Producer queue and in flight", [
    ('sum(wire2kafka_kafka_producer_queue_messages)', "librdkafka queue"),
    ('sum(wire2kafka_kafka_messages_in_flight)', "in flight"),
    ('sum(wire2kafka_kafka_messages_queued)', "connection queue"),
], w=8)
panel("Broker round-trip time", [
    ('max(wire2kafka_kafka_broker_rtt_avg_seconds)', "avg"),
    ('max(wire2kafka_kafka_broker_rtt_p99_seconds)', "p99"),
], unit="s", w=8)
panel("Broker request errors and delivered bytes", [
    ('sum by (kind) (rate(wire2kafka_kafka_request_errors_total[%s]))' % RI, "errors {{kind}}"),
    ('sum(rate(wire2kafka_kafka_request_retries_total[%s]))' % RI, "retries"),
    ('sum(rate(wire2kafka_kafka_bytes_delivered_total[%s]))' % RI, "delivered bytes/s"),
], unit="short", w=8)
row("NIC and process")
panel("NIC misses and errors", [
    ('sum by (port) (rate(wire2kafka_port_rx_missed_total[%s]))' % RI, "{{port}} imissed"),
    ('sum by (port) (rate(wire2kafka_port_rx_errors_total[%s]))' % RI, "{{port}} ierrors"),
    ('sum by (port) (rate(wire2kafka_port_rx_nombuf_total[%s]))' % RI, "{{port}} rx_nombuf"),
], unit="pps", w=8)
panel("NIC receive", [
    ('sum by (port) (rate(wire2kafka_port_rx_bytes_total[%s])) * 8' % RI, "{{port}}"),
], unit="bps", w=8)
panel("Go GC pause and memory", [
    ('go_gc_duration_seconds{quantile="1"}', "max GC pause"),
    ('process_resident_memory_bytes / 1e9', "RSS GB"),
], unit="s", w=8)
panel("Config reloads", [
    ('sum by (result) (increase(wire2kafka_config_reloads_total[1h]))', "{{result}}"),
    ('wire2kafka_config_last_reload_successful', "last ok"),
], w=8)
panel("Scrape duration", [
    ('wire2kafka_scrape_duration_seconds', "collector"),
], unit="s", w=8)
panel("Build", [
    ('wire2kafka_build_info', "{{version}} {{goversion}}"),
], w=8, typ="stat")

def var(name, query, label):
    return {"name": name, "label": label, "type": "query", "datasource": DS,
            "query": {"query": query, "refId": name}, "definition": query,
            "refresh": 2, "includeAll": True, "multi": True, "allValue": ".*",
            "current": {"selected": True, "text": ["All"], "value": ["$__all"]}, "sort": 1}
dash = {
    "uid": "wire2kafka-overview", "title": "wire2kafka: where are my packets?", "tags": ["wire2kafka", "dpdk", "kafka"],
    "timezone": "browser", "schemaVersion": 38, "version": 1, "editable": True, "refresh": "5s",
    "time": {"from": "now-15m", "to": "now"},
    "templating": {"list": [
        var("pipeline", 'label_values(wire2kafka_packets_in_total, pipeline)', "pipeline"),
        var("worker", 'label_values(wire2kafka_packets_in_total{pipeline=~"$pipeline"}, worker)', "worker"),
    ]},
    "annotations": {"list": []},
    "panels": panels,
}
print(json.dumps(dash, indent=2))
