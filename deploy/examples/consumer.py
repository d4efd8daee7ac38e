#!/usr/bin/env python3
"""Read wire2kafka topics with confluent-kafka and print the reports.

Every message has the headers w2k-type (report, report-batch, packet-batch,
histogram), w2k-count and w2k-seq; report messages are keyed by the
protobuf-encoded FlowKey (docs/formats.md). The Python classes come from
report/report.proto:

    protoc -I report --python_out=GEN report/report.proto
    python3 deploy/examples/consumer.py --gen GEN -b 127.0.0.1:19092 -t ASff00_0_1-1 -e

With -e the program stops when every partition is at its end, then prints a
last line "total: M messages, R reports" (the test reads it).

--schema scion-int reads the messages as an upstream SCION-INT consumer
does, with classes generated from upstream's report.proto (restated in
deploy/examples/scionint_report.proto): only single-report messages, only
the fields upstream knows (wire2kafka's additions are unknown fields to it).
"""
import argparse
import ipaddress
import sys

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-b", "--brokers", default="127.0.0.1:19092", help="bootstrap brokers")
    p.add_argument("-t", "--topic", action="append", required=True, help="topic (repeatable)")
    p.add_argument("-e", "--exit", action="store_true", help="exit when every partition is at its end")
    p.add_argument("--gen", default=".", help="directory holding report_pb2.py (protoc --python_out)")
    p.add_argument("--max", type=int, default=0, help="stop after this many messages")
    p.add_argument("-X", dest="settings", action="append", default=[], metavar="KEY=VALUE",
                   help="librdkafka setting (TLS, SASL, ...), repeatable; KEY_file=PATH reads a secret "
                        "(sasl.password_file, ssl.key.password_file) from a file")
    p.add_argument("--schema", choices=("wire2kafka", "scion-int"), default="wire2kafka",
                   help="classes in --gen: wire2kafka's report.proto or upstream SCION-INT's")
    return p.parse_args()


SECRET_FILE_KEYS = ("sasl.password", "ssl.key.password", "ssl.keystore.password", "sasl.oauthbearer.client.secret")


def settings(pairs):
    """librdkafka settings from -X KEY=VALUE; KEY_file=PATH reads the secret KEY from PATH (as wire2kafka does)."""
    out = {}
    for p in pairs:
        k, sep, v = p.partition("=")
        if not sep:
            sys.exit("-X %r: want KEY=VALUE" % p)
        if k.endswith("_file") and k[:-5] in SECRET_FILE_KEYS:
            with open(v) as f:
                k, v = k[:-5], f.read().rstrip("\r\n")
        out[k] = v
    return out


def flow_key_text(k):
    def addr(msg, oneof):
        which = msg.WhichOneof(oneof)
        if which is None:
            return "-"
        if which.endswith("ipv4"):
            return str(ipaddress.IPv4Address(getattr(msg, which)))
        a = getattr(msg, which)
        return "[%s]" % ipaddress.IPv6Address((a.high << 64) | a.low)

    return "%s:%d > %s:%d flow=%d src_as=%x dst_as=%x" % (
        addr(k, "src_ip"), k.src_port, addr(k, "dst_ip"), k.dst_port, k.flow_id, k.src_as, k.dst_as)


def report_text(r):
    hops = " ".join("%x/%#x{%s}" % (h.asn, h.node_id, ",".join("%d:%s" % (t, h.metadata[t].hex()) for t in sorted(h.metadata)))
                    for h in r.hops)
    return "report rx_ns=%d seq=%d packet=%dB hops=%d: %s" % (r.receive_time_ns, r.sequence, len(r.truncated_packet), len(r.hops), hops)


def upstream_report_text(r):
    """A Report with upstream SCION-INT's fields only (hops, packet type, truncated packet)."""
    hops = " ".join("%x/%#x{%s}" % (h.asn, h.node_id, ",".join("%d:%s" % (t, h.metadata[t].hex()) for t in sorted(h.metadata)))
                    for h in r.hops)
    return "upstream report type=%s packet=%dB hops=%d: %s" % (
        r.PacketType.Name(r.packet_type), len(r.truncated_packet), len(r.hops), hops)


def main():
    args = parse_args()
    sys.path.insert(0, args.gen)
    import report_pb2  # generated from report/report.proto

    conf = {"bootstrap.servers": args.brokers, "group.id": "wire2kafka-python-example",
            "enable.auto.commit": False, "enable.partition.eof": True}
    conf.update(settings(args.settings))
    c = Consumer(conf)
    parts = []
    for t in args.topic:
        md = c.list_topics(t, timeout=10)
        tm = md.topics[t]
        if tm.error is not None:
            sys.exit("topic %s: %s" % (t, tm.error))
        parts += [TopicPartition(t, p, OFFSET_BEGINNING) for p in tm.partitions]
    c.assign(parts)
    at_end = set()
    messages = reports = 0
    try:
        while not (args.exit and len(at_end) == len(parts)) and not (args.max and messages >= args.max):
            m = c.poll(1.0)
            if m is None:
                continue
            if m.error():
                if m.error().code() == KafkaError._PARTITION_EOF:
                    at_end.add((m.topic(), m.partition()))
                    continue
                sys.exit("consume: %s" % m.error())
            at_end.discard((m.topic(), m.partition()))
            headers = {k: v.decode() for k, v in (m.headers() or [])}
            kind = headers.get("w2k-type", "report")  # SCION-INT messages have no headers
            messages += 1
            print("%s/%d@%d %s count=%s seq=%s" % (m.topic(), m.partition(), m.offset(), kind,
                                                   headers.get("w2k-count", "1"), headers.get("w2k-seq", "-")))
            if args.schema == "scion-int":
                if kind != "report":
                    continue  # upstream has no batch, packet or histogram messages
                key = report_pb2.FlowKey()
                key.ParseFromString(m.key())
                print("  key " + flow_key_text(key))
                print("  " + upstream_report_text(report_pb2.Report.FromString(m.value())))
                reports += 1
            elif kind in ("report", "report-batch"):
                key = report_pb2.FlowKey()
                key.ParseFromString(m.key())
                print("  key " + flow_key_text(key))
                if kind == "report":
                    batch = [report_pb2.Report.FromString(m.value())]
                else:
                    b = report_pb2.ReportBatch.FromString(m.value())
                    print("  batch sequence=%d producer=%s report_offset=%d" % (b.sequence, b.producer_id, b.report_offset))
                    batch = b.reports
                for r in batch:
                    print("  " + report_text(r))
                reports += len(batch)
            elif kind == "packet-batch":
                b = report_pb2.PacketBatch.FromString(m.value())
                print("  %d packets, %d bytes" % (len(b.packets), sum(len(p.data) for p in b.packets)))
            elif kind == "histogram":
                h = report_pb2.Histogram.FromString(m.value())
                print("  histogram rule=%d packets=%d buckets=%s" % (h.rule_id, h.packets, list(h.buckets)))
    finally:
        c.close()
    print("total: %d messages, %d reports" % (messages, reports))


if __name__ == "__main__":
    main()
