#!/usr/bin/env python3
"""Compare a wire2kafka ground-truth file with intdissect's output, packet by packet.

    compare.py TRUTH.jsonl DISSECT.jsonl [--show N]

TRUTH is what `wire2kafka gen` writes (docs/formats.md section 5): a header line, then
{"type":"report","packet":P,"key":{..},"report":{..}} and
{"type":"malformed","packet":P,"reason":..} lines; unknown fields and line types are ignored.
DISSECT is dissect.py's output: {"packet":P,"key":..,"report":..} and
{"packet":P,"malformed":true,..}.

Per packet it compares the multiset of reports: each report's key, its hops (node id, asn,
metadata keys below 0x300 with their values) in order, its packet type and source timestamp.
receive_time_ns, truncated_packet, sequence and metadata keys >= 0x300 are ignored. A packet
malformed on one side and not on the other is a mismatch; the reasons of two malformed
results are not compared (they are listed as a note). Exit status 1 on any mismatch.
"""

import argparse
import base64
import collections
import json
import sys

PACKET_TYPES = ["None", "Ethernet", "IPv4", "IPv6", "SCION"]
PROTOCOLS = ["None", "UDP", "TCP"]
IGNORED_KEY_FLOOR = 0x300


def enum_name(v, names):
    if v is None:
        return names[0]
    if isinstance(v, int) or (isinstance(v, str) and v.isdigit()):
        i = int(v)
        return names[i] if 0 <= i < len(names) else str(i)
    return v


def norm_ip(k, name):
    """('v4', n) / ('v6', high, low) / None: a oneof member present with zero is kept."""
    if name + "Ipv4" in k:
        return ("v4", int(k[name + "Ipv4"]))
    if name + "Ipv6" in k:
        v6 = k[name + "Ipv6"] or {}
        return ("v6", int(v6.get("high", 0)), int(v6.get("low", 0)))
    return None


def norm_key(k):
    k = k or {}
    return (
        ("dstAs", int(k.get("dstAs", 0))),
        ("srcAs", int(k.get("srcAs", 0))),
        ("flowId", int(k.get("flowId", 0))),
        ("dstIp", norm_ip(k, "dst")),
        ("srcIp", norm_ip(k, "src")),
        ("dstPort", int(k.get("dstPort", 0))),
        ("srcPort", int(k.get("srcPort", 0))),
        ("protocol", enum_name(k.get("protocol"), PROTOCOLS)),
    )


def norm_hop(h):
    md = {}
    for k, v in (h.get("metadata") or {}).items():
        if int(k) < IGNORED_KEY_FLOOR:
            md[int(k)] = base64.b64decode(v)
    return (int(h.get("asn", 0)), int(h.get("nodeId", 0)), tuple(sorted(md.items())))


def norm_report(key, rep):
    rep = rep or {}
    return (
        norm_key(key),
        tuple(norm_hop(h) for h in rep.get("hops") or []),
        enum_name(rep.get("packetType"), PACKET_TYPES),
        int(rep.get("sourceTimeNs", 0)),
    )


class Side:
    """Reports and malformed verdicts of one file, by packet."""

    def __init__(self):
        self.reports = collections.defaultdict(list)
        self.malformed = {}
        self.header = None


def load_truth(path):
    s = Side()
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            t = rec.get("type")
            if t == "header":
                s.header = rec
            elif t == "report":
                s.reports[int(rec["packet"])].append(norm_report(rec.get("key"), rec.get("report")))
            elif t == "malformed":
                s.malformed[int(rec["packet"])] = rec.get("reason", "")
    return s


def load_dissect(path):
    s = Side()
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            if rec.get("malformed"):
                s.malformed[int(rec["packet"])] = rec.get("reason", "")
            elif "report" in rec:
                s.reports[int(rec["packet"])].append(norm_report(rec.get("key"), rec.get("report")))
    return s


# ---------------------------------------------------------------------------------------------
# Describing differences
# ---------------------------------------------------------------------------------------------

def fmt_val(v):
    if isinstance(v, bytes):
        return v.hex() or "''"
    if isinstance(v, tuple) and v and v[0] == "v4":
        n = v[1]
        return "%d.%d.%d.%d" % (n >> 24, n >> 16 & 255, n >> 8 & 255, n & 255)
    if isinstance(v, tuple) and v and v[0] == "v6":
        return "v6:%016x%016x" % (v[1], v[2])
    return repr(v)


def fmt_key(k):
    return "{" + ", ".join("%s=%s" % (n, fmt_val(v)) for n, v in k if v not in (0, None, "None")) + "}"


def fmt_hop(h):
    asn, node, md = h
    return "node=%d asn=%d md={%s}" % (node, asn, ", ".join("%d:%s" % (k, v.hex()) for k, v in md))


def diff_reports(t, d):
    """Lines describing how report d (dissect) differs from t (truth); (kinds, lines)."""
    kinds, lines = [], []
    if t[0] != d[0]:
        for (n, tv), (_, dv) in zip(t[0], d[0]):
            if tv != dv:
                kinds.append("key." + n)
                lines.append("key %s: truth %s, dissect %s" % (n, fmt_val(tv), fmt_val(dv)))
    if t[2] != d[2]:
        kinds.append("packetType")
        lines.append("packetType: truth %s, dissect %s" % (t[2], d[2]))
    if t[3] != d[3]:
        kinds.append("sourceTimeNs")
        lines.append("sourceTimeNs: truth %d, dissect %d" % (t[3], d[3]))
    th, dh = t[1], d[1]
    if len(th) != len(dh):
        kinds.append("hop count")
        lines.append("hops: truth %d, dissect %d" % (len(th), len(dh)))
    for i, (a, b) in enumerate(zip(th, dh)):
        if a == b:
            continue
        if a[1] != b[1]:
            kinds.append("hop.nodeId")
            lines.append("hop %d nodeId: truth %d, dissect %d" % (i, a[1], b[1]))
        if a[0] != b[0]:
            kinds.append("hop.asn")
            lines.append("hop %d asn: truth %d, dissect %d" % (i, a[0], b[0]))
        am, bm = dict(a[2]), dict(b[2])
        for k in sorted(set(am) | set(bm)):
            if k not in bm:
                kinds.append("md %d only in truth" % k)
                lines.append("hop %d key %d (0x%x): truth %s, dissect absent" % (i, k, k, am[k].hex()))
            elif k not in am:
                kinds.append("md %d only in dissect" % k)
                lines.append("hop %d key %d (0x%x): truth absent, dissect %s" % (i, k, k, bm[k].hex()))
            elif am[k] != bm[k]:
                kinds.append("md %d value" % k)
                lines.append("hop %d key %d (0x%x): truth %s, dissect %s" %
                             (i, k, k, am[k].hex(), bm[k].hex()))
    if len(th) != len(dh):
        for i in range(min(len(th), len(dh)), max(len(th), len(dh))):
            side, h = ("truth", th[i]) if i < len(th) else ("dissect", dh[i])
            lines.append("hop %d only in %s: %s" % (i, side, fmt_hop(h)))
    return kinds, lines


def pair_up(ts, ds):
    """Exact matches first; the rest paired by equal key, then in order."""
    ts, ds = list(ts), list(ds)
    matched = 0
    for t in list(ts):
        if t in ds:
            ts.remove(t)
            ds.remove(t)
            matched += 1
    pairs = []
    for t in list(ts):
        for d in ds:
            if d[0] == t[0]:
                pairs.append((t, d))
                ts.remove(t)
                ds.remove(d)
                break
    while ts and ds:
        pairs.append((ts.pop(0), ds.pop(0)))
    return matched, pairs, ts, ds


def compare(truth, dis, show=10, out=sys.stdout):
    packets = sorted(set(truth.reports) | set(truth.malformed) |
                     set(dis.reports) | set(dis.malformed))
    mismatches = []                      # (packet, kinds, lines)
    compared = matched = 0
    reason_notes = collections.Counter()
    for p in packets:
        tr, dr = truth.reports.get(p, []), dis.reports.get(p, [])
        tm, dm = p in truth.malformed, p in dis.malformed
        if tm or dm:
            if tm and dm:
                if truth.malformed[p] != dis.malformed[p]:
                    reason_notes[(truth.malformed[p], dis.malformed[p])] += 1
            elif tm:
                mismatches.append((p, ["truth malformed, dissect reports"],
                                   ["truth: malformed (%s); dissect: %d report(s)" %
                                    (truth.malformed[p], len(dr))] +
                                   ["  dissect key %s hops [%s]" % (fmt_key(r[0]),
                                    "; ".join(fmt_hop(h) for h in r[1])) for r in dr]))
            else:
                mismatches.append((p, ["dissect malformed, truth reports"],
                                   ["truth: %d report(s); dissect: malformed (%s)" %
                                    (len(tr), dis.malformed[p])] +
                                   ["  truth key %s hops [%s]" % (fmt_key(r[0]),
                                    "; ".join(fmt_hop(h) for h in r[1])) for r in tr]))
            if tm and tr:
                mismatches.append((p, ["truth malformed and reports"],
                                   ["truth has both a malformed line and reports"]))
            continue
        compared += max(len(tr), len(dr))
        m, pairs, t_only, d_only = pair_up(tr, dr)
        matched += m
        for t, d in pairs:
            kinds, lines = diff_reports(t, d)
            mismatches.append((p, kinds, ["report key %s" % fmt_key(t[0])] + ["  " + x for x in lines]))
        for t in t_only:
            mismatches.append((p, ["report only in truth"],
                               ["report only in truth: key %s hops [%s]" %
                                (fmt_key(t[0]), "; ".join(fmt_hop(h) for h in t[1]))]))
        for d in d_only:
            mismatches.append((p, ["report only in dissect"],
                               ["report only in dissect: key %s hops [%s]" %
                                (fmt_key(d[0]), "; ".join(fmt_hop(h) for h in d[1]))]))

    hdr = truth.header or {}
    w = out.write
    w("intdissect compare: truth format %s, %s packets in the header; %d packets seen\n" %
      (hdr.get("format", "?"), hdr.get("packets", "?"), len(packets)))
    w("  reports compared: %d, equal: %d; malformed: truth %d, dissect %d\n" %
      (compared, matched, len(truth.malformed), len(dis.malformed)))
    for (a, b), n in sorted(reason_notes.items()):
        w("  note: %d packet(s) malformed on both sides, reason truth %s, dissect %s\n" % (n, a, b))
    if not mismatches:
        w("OK: no mismatches\n")
        return 0
    kinds = collections.Counter(k for _, ks, _ in mismatches for k in set(ks))
    w("MISMATCHES: %d (in %d packets)\n" % (len(mismatches), len({p for p, _, _ in mismatches})))
    for k, n in kinds.most_common():
        w("  %4d  %s\n" % (n, k))
    for p, _, lines in mismatches[:show]:
        w("packet %d:\n" % p)
        for x in lines:
            w("    %s\n" % x)
    if len(mismatches) > show:
        w("... %d more\n" % (len(mismatches) - show))
    return 1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("truth")
    ap.add_argument("dissect")
    ap.add_argument("--show", type=int, default=10, help="mismatches shown in detail")
    a = ap.parse_args(argv)
    return compare(load_truth(a.truth), load_dissect(a.dissect), a.show)


if __name__ == "__main__":
    sys.exit(main())
