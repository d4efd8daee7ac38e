"""Tests of the dissector with packets built by hand from the specification examples.

Run in the venv check.sh creates:  .../intdissect-venv/bin/python -m pytest deploy/tools/intdissect

The bytes are written out field by field from the spec diagrams (struct.pack), not with the
layers under test, so a wrong field position in layers.py shows up here.
"""

import base64
import json
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import compare  # noqa: E402
import dissect  # noqa: E402

# ------------------------------------------------------------------------------------------
# Builders
# ------------------------------------------------------------------------------------------


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def ip4n(a):
    return struct.unpack(">I", ip4(a))[0]


def ipv4(src, dst, proto, payload_len, dscp=0):
    return struct.pack(">BBHHHBBH4s4s", 0x45, dscp << 2, 20 + payload_len, 1, 0x4000, 64,
                       proto, 0, ip4(src), ip4(dst))


def udp(sport, dport, payload_len):
    return struct.pack(">HHHH", sport, dport, 8 + payload_len, 0)


def tcp(sport, dport):
    return struct.pack(">HHIIBBHHH", sport, dport, 1, 0, 5 << 4, 0x18, 8192, 0, 0)


def ether(payload, ethertype=0x0800):
    return bytes.fromhex("020000000002020000000001") + struct.pack(">H", ethertype) + payload


def outer(payload, dport=32766, sport=40000):
    u = udp(sport, dport, len(payload)) + payload
    return ether(ipv4("192.0.2.1", "192.0.2.2", 17, len(u)) + u)


def tr_group(node_id, hw_id=1, seq=5):
    # TR2 §3.2: Ver(4)=2 | hw_id(6) | Sequence Number(22) / Node ID
    return struct.pack(">II", 2 << 28 | hw_id << 22 | seq, node_id)


def tr_indiv(rep_type, in_type, rep_len, md_len, d=0, q=0, f=1, i=0):
    # TR2 §3.3: RepType(4) | InType(4) | Report Length | MD Length | D|Q|F|I|Rsvd(4)
    return struct.pack(">BBBB", rep_type << 4 | in_type, rep_len, md_len,
                       d << 7 | q << 6 | f << 5 | i << 4)


def int_shim_v2(typ, npt, length, last16):
    # INT21 §5.7.2: Type(4) | NPT(2) | R R | Length(8) | UDP port, IP proto, or DSCP (16)
    return struct.pack(">BBH", typ << 4 | npt << 2, length, last16)


def int_md_v2(hop_ml, rhc, bitmap, ds_id=0, ds_instr=0, ds_flags=0):
    # INT21 §5.8: Ver(4)=2 | D | E | M | Reserved(12) | Hop ML(5) | RemainingHopCnt(8) / ...
    return struct.pack(">IHHHH", 2 << 28 | hop_ml << 8 | rhc, bitmap, ds_id, ds_instr, ds_flags)


def w(*words):
    return b"".join(struct.pack(">I", x) for x in words)


def run(frames, **opts):
    cfg = dissect.Config()
    for k, v in opts.items():
        setattr(cfg, k, v)
    return list(dissect.dissect(frames, cfg))


def hops(rec):
    """[(node id, asn, {key: hex})] of a dissect record."""
    return [(h.get("nodeId", 0), int(h.get("asn", 0)),
             {int(k): base64.b64decode(v).hex() for k, v in h.get("metadata", {}).items()})
            for h in rec["report"]["hops"]]


# ------------------------------------------------------------------------------------------
# Telemetry Report v2.0
# ------------------------------------------------------------------------------------------

def test_tr_4_1_baseline_metadata_truncated_ipv4():
    """TR2 §4.1: RepMdBits 0101 0000... = L1 interface ids (bit 1) + queue occupancy (bit 3),
    MD Length 2, Report Length 14, truncated IPv4 + TCP."""
    inner = ipv4("10.0.0.1", "10.0.0.2", 6, 20) + tcp(1234, 80)
    rep = (tr_indiv(1, 4, 14, 2) + struct.pack(">HHHH", 0x5000, 0, 0, 0) +
           w(0x00010002, 0x0300ABCD) + inner)
    assert len(rep) == 4 + 14 * 4
    [rec] = run([outer(tr_group(7) + rep)])
    assert rec["packet"] == 0
    assert rec["key"] == {"dstIpv4": ip4n("10.0.0.2"), "srcIpv4": ip4n("10.0.0.1"),
                          "dstPort": 80, "srcPort": 1234, "protocol": "TCP"}
    assert rec["report"]["packetType"] == "IPv4"
    assert hops(rec) == [(7, 0, {1: "00010002", 3: "0300abcd"})]


def tr_4_3_report(switch3=0x33):
    """TR2 §4.3 (= INT21 §6.3 seen by the sink): new UDP header + INT-MD (NPT 2) before TCP;
    the sink puts its queue occupancy in the report header (RepMdBits bit 3, MD Length 1)."""
    stack = w(0x00000002, 0x01000022, 0x00000001, 0x01000011)       # hop2, hop1
    int_part = int_shim_v2(1, 2, 7, 6) + int_md_v2(2, 6, 0x9000) + stack
    l4 = udp(0xABCD, 5001, len(int_part) + 20) + int_part + tcp(1234, 80)
    inner = ipv4("10.0.0.1", "10.0.0.2", 17, len(l4)) + l4
    rep = tr_indiv(1, 4, 23, 1) + struct.pack(">HHHH", 0x1000, 0, 0, 0) + w(0x07000033) + inner
    assert len(rep) == 4 + 23 * 4
    return outer(tr_group(switch3) + rep)


def test_tr_4_3_npt2_by_udp_port():
    [rec] = run([tr_4_3_report()], md_udp_ports={5001})
    # NPT 2: the inserted UDP header is ignored, protocol from the shim, ports from the
    # original TCP header after the stack
    assert rec["key"] == {"dstIpv4": ip4n("10.0.0.2"), "srcIpv4": ip4n("10.0.0.1"),
                          "dstPort": 80, "srcPort": 1234, "protocol": "TCP"}
    assert hops(rec) == [(0x33, 0, {3: "07000033"}),
                         (2, 0, {3: "01000022"}),
                         (1, 0, {3: "01000011"})]


def test_tr_4_3_without_int_port_is_plain_udp():
    # not marked by DSCP and the port is not configured: no INT, the key is what is seen
    [rec] = run([tr_4_3_report()])
    assert rec["key"]["protocol"] == "UDP" and rec["key"]["dstPort"] == 5001
    assert hops(rec) == [(0x33, 0, {3: "07000033"})]


def int_6_1_packet(q2=0x01000022, cut=0):
    """INT21 §6.1: INT-MD over TCP, DSCP 0x17, shim Type 1 NPT 0 Length 7, Hop ML 2,
    bitmap 1001 (node id + queue occupancy), hop2 then hop1, then TCP payload."""
    stack = w(0x00000002, q2, 0x00000001, 0x01000011)
    body = tcp(1234, 80) + int_shim_v2(1, 0, 7, 0) + int_md_v2(2, 6, 0x9000) + stack + b"data"
    pkt = ipv4("10.0.0.1", "10.0.0.2", 6, len(body), dscp=0x17) + body
    return pkt[:len(pkt) - cut] if cut else pkt


def inner_only(node_id, inner, in_type=4):
    # TR2 §3.3 RepType 0 Inner Only (as in §4.4): no main contents
    inner = inner + b"\0" * (-len(inner) % 4)
    return outer(tr_group(node_id) + tr_indiv(0, in_type, len(inner) // 4, 0) + inner)


def test_int_6_1_dscp_0x17_inner_only():
    [rec] = run([inner_only(0x33, int_6_1_packet())])
    assert rec["key"] == {"dstIpv4": ip4n("10.0.0.2"), "srcIpv4": ip4n("10.0.0.1"),
                          "dstPort": 80, "srcPort": 1234, "protocol": "TCP"}
    # Inner Only: the reporting node's hop carries its node id only; then the stack
    assert hops(rec) == [(0x33, 0, {}), (2, 0, {3: "01000022"}), (1, 0, {3: "01000011"})]


def test_int_6_1_sink_on_the_stack_is_not_listed_twice():
    [rec] = run([inner_only(2, int_6_1_packet())])
    assert [h[0] for h in hops(rec)] == [2, 1]


def test_int_6_1_dscp_off():
    [rec] = run([inner_only(0x33, int_6_1_packet())], md_dscp=None)
    assert hops(rec) == [(0x33, 0, {})]


def test_int_all_ones_and_truncated_stack():
    # hop2's queue occupancy "invalid" (all ones) is not exported; the report's fragment
    # ends inside hop1 (4 bytes of payload + 4 of hop1 cut): hop1 is dropped, hop2 kept
    [rec] = run([inner_only(0x33, int_6_1_packet(q2=0xFFFFFFFF, cut=8))])
    assert hops(rec) == [(0x33, 0, {}), (2, 0, {})]


def test_tr_4_4_vxlan_npt1():
    """TR2 §4.4: INT-MD over UDP in VXLAN, NPT 1 (the shim carries the original UDP port
    4789), RepType 0 Inner Only, 3 hops of node id + L1 interface ids. (The example's shim
    says Length=7; 3 header words + 3 hops of Hop ML 2 are 9, which is used here.)"""
    stack = w(3, 0x00030004, 2, 0x00020003, 1, 0x00010002)
    rest = int_shim_v2(1, 1, 9, 4789) + int_md_v2(2, 5, 0xC000) + stack + bytes(8) + \
        ether(ipv4("10.10.1.1", "10.10.2.2", 6, 20) + tcp(1, 2))
    l4 = udp(56789, 5001, len(rest)) + rest
    inner = ipv4("192.168.1.1", "192.168.2.2", 17, len(l4)) + l4
    [rec] = run([inner_only(9, inner)], md_udp_ports={5001})
    assert rec["key"] == {"dstIpv4": ip4n("192.168.2.2"), "srcIpv4": ip4n("192.168.1.1"),
                          "dstPort": 4789, "srcPort": 56789, "protocol": "UDP"}
    assert hops(rec) == [(9, 0, {}), (3, 0, {1: "00030004"}), (2, 0, {1: "00020003"}),
                         (1, 0, {1: "00010002"})]


def test_ipv6_vlan_inner_packet():
    # InType 3 (Ethernet) with an 802.1Q tag, IPv6 Traffic Class DSCP 0x17, UDP, INT-MD NPT 0
    stack = w(5, 0x01000055)
    body = udp(1000, 2000, 4 + 12 + len(stack)) + int_shim_v2(1, 0, 5, 0) + \
        int_md_v2(2, 7, 0x9000) + stack
    src = bytes.fromhex("20010db8" + "00" * 11 + "01")
    dst = bytes.fromhex("20010db8" + "00" * 11 + "02")
    ip6 = struct.pack(">IHBB", 6 << 28 | (0x17 << 2) << 20, len(body), 17, 64) + src + dst
    eth = bytes.fromhex("020000000002020000000001") + struct.pack(">HHH", 0x8100, 10, 0x86DD)
    [rec] = run([inner_only(0x33, eth + ip6 + body, in_type=3)])
    assert rec["report"]["packetType"] == "Ethernet"
    assert rec["key"] == {"dstIpv6": {"high": str(0x20010DB800000000), "low": "2"},
                          "srcIpv6": {"high": str(0x20010DB800000000), "low": "1"},
                          "dstPort": 2000, "srcPort": 1000, "protocol": "UDP"}
    assert hops(rec) == [(0x33, 0, {}), (5, 0, {3: "01000055"})]


def test_int_6_17_source_only_metadata():
    """INT21 §6.17: Hop ML 1, node ids of hop2, hop1, gateway, then 8 bytes of source-only
    DS metadata (the host MAC, DS ID 0x5453)."""
    stack = w(2, 1, 0x10, 0xA61AF6B1, 0x647D0000)
    body = udp(1000, 2000, 4 + 12 + len(stack)) + int_shim_v2(1, 0, 8, 0) + \
        int_md_v2(1, 5, 0x8000, 0x5453, 0x8000, 0x4000) + stack
    pkt = ipv4("10.0.0.1", "10.0.0.2", 17, len(body), dscp=0x17) + body
    [rec] = run([inner_only(0x33, pkt)], source_only={0x5453: 8})
    assert [h[0] for h in hops(rec)] == [0x33, 2, 1, 0x10]
    # without the domain's source-only length the conventions split it into hops
    [rec] = run([inner_only(0x33, pkt)])
    assert [h[0] for h in hops(rec)] == [0x33, 2, 1, 0x10, 0xA61AF6B1, 0x647D0000]


def test_int_v1_stack_inside_tr_v2():
    """INT10 §5.1: shim Type 1 (a whole byte), Ver 1 header, switch id + queue occupancy.
    The example's shim says Length = 8, one word more than shim + header + stack (7): the
    stack is then 20 bytes, 2 hops of 8 plus an ignored remainder."""
    stack = w(2, 0x01000022, 1, 0x01000011)
    shim = struct.pack(">BBBB", 1, 0, 8, 0)
    hdr = struct.pack(">IHH", 1 << 28 | 2 << 8 | 6, 0x9000, 0)
    body = tcp(1234, 80) + shim + hdr + stack
    pkt = ipv4("10.0.0.1", "10.0.0.2", 6, len(body), dscp=0x17) + body
    [rec] = run([inner_only(0x33, pkt)])
    assert hops(rec) == [(0x33, 0, {}), (2, 0, {3: "01000022"}), (1, 0, {3: "01000011"})]


def test_tr_reserved_bits_drop_reason_and_length_ff():
    # RepMdBits bit 9 (reserved, 4 bytes skipped) + bit 15 (queue id + drop reason + pad),
    # Report Length 0xFF: to the end of the UDP payload
    inner = ipv4("10.0.0.1", "10.0.0.2", 17, 8) + udp(7, 9, 0)
    rep = tr_indiv(1, 4, 0xFF, 2, d=1, f=0) + struct.pack(">HHHH", 0x0041, 0, 0, 0) + \
        w(0xDEADBEEF, 0x05170000) + inner
    [rec] = run([outer(tr_group(4) + rep)])
    assert hops(rec) == [(4, 0, {15: "05170000"})]
    assert rec["key"]["srcPort"] == 7


def test_tr_report_length_0_and_coalesced_reports():
    a = tr_indiv(1, 4, 0, 0)                                 # header only
    inner = ipv4("10.0.0.1", "10.0.0.2", 17, 8) + udp(7, 9, 0)
    b = tr_indiv(1, 4, 2 + 1 + 7, 1) + struct.pack(">HHHH", 0x2000, 0, 0, 0) + w(100) + inner
    c = tr_indiv(2, 0, 0, 0)                                 # RepType 2 (IOAM): skipped
    recs = run([outer(tr_group(4) + a + c + b)])
    assert [r["report"].get("packetType", "None") for r in recs] == ["None", "IPv4"]
    assert recs[0]["key"] == {} and hops(recs[0]) == [(4, 0, {})]
    assert hops(recs[1]) == [(4, 0, {2: "00000064"})]


def test_tr_tlv_inner():
    """TR2 §4.2: InType 1, a DS extension TLV then an IPv4 TLV; DS metadata after the
    RepMdBits values (MD Length covers it)."""
    inner = ipv4("10.0.0.1", "10.0.0.2", 17, 8) + udp(7, 9, 0)
    tlvs = struct.pack(">BBH", 0x00, 1, 0x1234) + w(0xCAFE) + \
        struct.pack(">BBH", 0x20, len(inner) // 4, 0) + inner
    rep = tr_indiv(1, 1, 2 + 3 + len(tlvs) // 4, 3) + struct.pack(">HHHH", 0x5000, 7, 0x8000, 0) + \
        w(0x00010002, 0x0300ABCD, 0x11111111) + tlvs
    [rec] = run([outer(tr_group(4) + rep)])
    assert rec["report"]["packetType"] == "IPv4"
    assert hops(rec) == [(4, 0, {1: "00010002", 3: "0300abcd"})]
    assert rec["key"]["dstPort"] == 9


def test_tr_group_verdicts():
    only_ioam = outer(tr_group(4) + tr_indiv(2, 0, 0, 0))
    empty = outer(tr_group(4))
    bad_ver = outer(struct.pack(">II", 3 << 28, 4))
    bad_md = outer(tr_group(4) + tr_indiv(1, 0, 2, 0) + struct.pack(">HHHH", 0x4000, 0, 0, 0))
    recs = run([only_ioam, empty, bad_ver, bad_md, ether(b"\0" * 40, 0x0806)])
    assert [r.get("reason") for r in recs] == \
        ["unsupported", "bad_length", "bad_version", "bad_length", "not_int"]
    assert all(r["malformed"] for r in recs)


# ------------------------------------------------------------------------------------------
# Telemetry Report v1.0 / v0.5
# ------------------------------------------------------------------------------------------

def test_tr_v1_header():
    """TR10 §3.2: Ver 1, Length 5 (16 + one optional word), NProt 1 (IPv4), RepMdBits bit 3
    (egress timestamp), F=1, hw_id 3."""
    word0 = 1 << 28 | 5 << 24 | 1 << 21 | 0x04 << 15 | 1 << 6 | 3
    inner = ipv4("10.0.0.1", "10.0.0.2", 17, 8) + udp(7, 9, 0)
    [rec] = run([outer(w(word0, 0x99, 12, 0x11223344, 0x55667788) + inner)])
    assert rec["report"]["packetType"] == "IPv4"
    assert hops(rec) == [(0x99, 0, {4: "0000000011223344", 5: "0000000055667788"})]


def test_tr_v05_drop_report():
    """TR05 §3.2.1 + §3.2.2: NProto 1 = drop report header, then Ethernet."""
    word0 = 0 << 28 | 1 << 24 | 1 << 23 | 2
    drop = w(0x77, 0x00050006, 0x03110000)
    inner = ether(ipv4("10.0.0.1", "10.0.0.2", 17, 8) + udp(7, 9, 0))
    [rec] = run([outer(w(word0, 1, 0xAABBCCDD) + drop + inner)])
    assert rec["report"]["packetType"] == "Ethernet"
    assert hops(rec) == [(0x77, 0, {1: "00050006", 4: "00000000aabbccdd", 15: "03110000"})]


# ------------------------------------------------------------------------------------------
# SCION / ID-INT
# ------------------------------------------------------------------------------------------

DST_AS, SRC_AS = 0xFF0000000111, 0xFF0000000222


def scion(next_hdr, rest):
    """SCION common + address header (IPv4 hosts) with a 36-byte SCION path."""
    path = w(0x00002000) + bytes(8) + bytes(24)     # PathMeta, 1 info field, 2 hop fields
    hdr_len = (12 + 16 + 8 + len(path)) // 4
    common = struct.pack(">IBBHBBH", 0 << 28 | 0x12345, next_hdr, hdr_len, len(rest), 1, 0, 0)
    addr = struct.pack(">HHI", 1, DST_AS >> 32, DST_AS & 0xFFFFFFFF) + \
        struct.pack(">HHI", 1, SRC_AS >> 32, SRC_AS & 0xFFFFFFFF) + \
        ip4("10.0.0.2") + ip4("10.0.0.1")
    return common + addr + path + rest


def idint_key(rec):
    assert rec["key"] == {"dstAs": str(DST_AS), "srcAs": str(SRC_AS), "flowId": 0x12345,
                          "dstIpv4": ip4n("10.0.0.2"), "srcIpv4": ip4n("10.0.0.1"),
                          "dstPort": 5678, "srcPort": 1234, "protocol": "UDP"}
    assert rec["report"]["packetType"] == "SCION"


def test_idint_old_revision():
    """IDINT-OLD (001ae35): NextHdr 253, verifier 3rd party with an IPv4 host, instructions
    ASN / ingress timestamp / queue id / queue length; newest entry first, source last."""
    newest = struct.pack(">BBH", 0x20, 1 << 2, 0xBDAD) + w(0x101) + struct.pack(">HH", 5, 6) + \
        struct.pack(">HI", DST_AS >> 32, DST_AS & 0xFFFFFFFF) + bytes.fromhex("000000abcdef") + \
        w(3, 0x100) + b"MAC1"
    source = struct.pack(">BBH", 0x80, 0, 0x8180) + w(1) + bytes.fromhex("000000012345") + \
        b"\0\0" + b"MAC0"
    stack = newest + source
    main = struct.pack(">BBBBBBH", 0x10, 0x00, len(stack) // 4, 17, 0, 0x40, 0xB000) + \
        bytes([0x81, 0x82, 0x4E, 0x4F]) + struct.pack(">HIH", 0, 0x12345678, 8080) + \
        struct.pack(">HHI", 1, 0xFF00, 0x333) + ip4("10.9.9.9")
    l4 = struct.pack(">HHHH", 1234, 5678, 12, 0) + b"ping"
    [rec] = run([outer(scion(253, main + stack + l4), dport=30042)])
    idint_key(rec)
    assert rec["report"]["sourceTimeNs"] == str(0x12345678)
    assert hops(rec) == [
        (0x101, DST_AS, {1: "00050006", 4: "0000000000abcdef", 3: "03000100",
                         0x14E: "00000003", 0x14F: "00000100", 0x204: "2004"}),
        (1, SRC_AS, {4: "0000000000012345", 0x204: "8000"}),
    ]


def test_idint_old_revision_errors():
    source = struct.pack(">BBH", 0x00, 0, 0x8000) + w(1) + b"MAC0"      # S flag missing
    main = struct.pack(">BBBBBBH", 0, 0x10, len(source) // 4, 17, 0, 0x40, 0x8000) + \
        bytes(4) + bytes(8)
    l4 = struct.pack(">HHHH", 1234, 5678, 8, 0)
    bad_ver = bytearray(main)
    bad_ver[0] = 0x20
    recs = run([outer(scion(253, main + source + l4), dport=30042),
                outer(scion(253, bytes(bad_ver) + source + l4), dport=4000, sport=50000),
                outer(scion(17, l4), dport=30041)])
    assert [r.get("reason") for r in recs] == ["bad_length", "bad_version", "not_int"]


def test_idint_new_revision_hbh_options():
    """IDINT-NEW (6bf0d81 + c3034dc): HBH option 253 (IdIntOption, at 4n+2) then IdIntEntry
    options 254, source first, TOS = the newest entry; ML in units of 2 bytes; PadN fills
    StackLen."""
    source = struct.pack(">BBBBH", 254, 18, 0x80, 0, 0x80C0) + w(1) + \
        bytes.fromhex("000000012345") + b"MAC0"
    newer = struct.pack(">BBBBH", 254, 30, 0x40, 2 << 2, 0xB6C0) + w(0x202) + \
        struct.pack(">HH", 7, 8) + struct.pack(">HI", DST_AS >> 32, DST_AS & 0xFFFFFFFF) + \
        bytes.fromhex("0000000abcde") + b"\0\0" + b"MAC1"
    assert len(source) == 20 and len(newer) == 32
    pad = bytes([1, 6]) + bytes(6)
    stack = source + newer + pad
    main = struct.pack(">BBBBBBH", 253, 20, 0x00, 0x20, len(stack) // 4, len(source) // 4, 0) + \
        struct.pack(">H", 0xB000) + bytes([0x81, 0x82, 0x00, 0x00]) + \
        struct.pack(">HIH", 0, 0x12345678, 8080)
    opts = main + stack
    hbh = struct.pack(">BB", 17, (2 + len(opts)) // 4 - 1) + opts
    assert len(hbh) % 4 == 0
    l4 = struct.pack(">HHHH", 1234, 5678, 12, 0) + b"ping"
    [rec] = run([outer(scion(200, hbh + l4), dport=30041)])
    idint_key(rec)
    assert hops(rec) == [
        (0x202, DST_AS, {1: "00070008", 4: "00000000000abcde", 0x204: "4008"}),
        (1, SRC_AS, {4: "0000000000012345", 0x204: "8000"}),
    ]


# ------------------------------------------------------------------------------------------
# pcap reading and the comparer
# ------------------------------------------------------------------------------------------

def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1767225600, i, len(fr), len(fr)) + fr)


def test_pcap_and_compare_roundtrip(tmp_path):
    frames = [tr_4_3_report(), outer(tr_group(4))]
    pcap = tmp_path / "x.pcap"
    write_pcap(pcap, frames)
    out = tmp_path / "x.dissect.jsonl"
    dissect.main([str(pcap), "-o", str(out), "--md-udp-ports", "5001"])
    recs = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["packet"] for r in recs] == [0, 1] and recs[1]["malformed"]

    # a truth file as wire2kafka gen writes it (bytes base64, uint64 as strings, extra
    # fields, keys >= 0x300 and fields the comparer ignores)
    rep = dict(recs[0]["report"])
    rep["hops"] = [dict(h) for h in rep["hops"]]
    rep["hops"][0]["metadata"] = dict(rep["hops"][0]["metadata"], **{"768": "AAAA"})
    rep.update(truncatedPacket="AAAA", receiveTimeNs="1767225600000000000", sequence="3")
    truth = [{"type": "header", "format": "tr", "packets": 2, "new_field": 1},
             {"type": "report", "packet": 0, "flow": 0, "index": 0, "key_hex": "00",
              "key": recs[0]["key"], "report": rep},
             {"type": "malformed", "packet": 1, "reason": "bad_length"}]
    tpath = tmp_path / "x.truth.jsonl"
    tpath.write_text("".join(json.dumps(t) + "\n" for t in truth))
    assert compare.main([str(tpath), str(out)]) == 0

    # a changed metadata value, a lost report and a wrong verdict are mismatches
    rep["hops"][1]["metadata"]["3"] = base64.b64encode(b"\x01\x02\x03\x04").decode()
    truth[2] = {"type": "report", "packet": 1, "key": {}, "report": {"hops": []}}
    tpath.write_text("".join(json.dumps(t) + "\n" for t in truth))
    res = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "compare.py"),
                          str(tpath), str(out)], capture_output=True, text=True)
    assert res.returncode == 1
    assert "md 3 value" in res.stdout and "dissect malformed, truth reports" in res.stdout


def test_compare_normalises_protojson():
    a = compare.norm_report({"dstAs": "5", "dstIpv6": {"low": "1"}, "protocol": "TCP"},
                            {"hops": [{"nodeId": 1, "metadata": {"2": "AAAAAQ=="}}],
                             "packetType": "IPv6"})
    b = compare.norm_report({"dstAs": 5, "dstIpv6": {"high": "0", "low": 1}, "protocol": 2},
                            {"hops": [{"nodeId": 1, "asn": "0", "metadata": {"2": "AAAAAQ==",
                                                                            "800": "AA=="}}],
                             "packetType": 3, "truncatedPacket": "AA=="})
    assert a == b
    assert compare.norm_key({"dstIpv4": 0}) != compare.norm_key({})


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as d:
        sys.exit(subprocess.call([sys.executable, "-m", "pytest", "-q", os.path.dirname(__file__)],
                                 cwd=d))
