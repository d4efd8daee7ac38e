#!/usr/bin/env python3
"""Independent INT dissector: reads a pcap and writes one JSON line per report it finds.

    dissect.py [options] CAPTURE.pcap [-o OUT.jsonl]

Output lines (see README.md):
    {"packet": P, "key": {FlowKey as protobuf JSON}, "report": {"hops": [...], "packetType": ...}}
    {"packet": P, "malformed": true, "reason": "..."}

Field positions come from the spec layers in layers.py; the choices the specs leave open come
from docs/formats.md section 4 (wire2kafka's output conventions). Where this file had to pick
a reading the conventions do not state, the comment says "reading:".
"""

import argparse
import base64
import json
import struct
import sys

import layers as L

VLAN_TPIDS = (0x8100, 0x88A8, 0x9100)
ETH_IPV4, ETH_IPV6 = 0x0800, 0x86DD
PROTO_TCP, PROTO_UDP = 6, 17
PROTO_ENUM = {PROTO_UDP: 1, PROTO_TCP: 2}          # FlowKey.Protocol
PROTO_NAME = {1: "UDP", 2: "TCP"}
IPV6_EXT = (0, 43, 60)                            # hop-by-hop, routing, destination options


class Malformed(Exception):
    """The packet (or one individual report) cannot be decoded; `reason` as wire2kafka counts
    it (intdecode.Reason)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class Config:
    def __init__(self):
        self.report_ports = {32766}
        self.scion_ports = {30041, 30042, 50000}
        self.md_dscp = (0x17, 0x3F)        # INT21 §6.1/§6.2 use DSCP 0x17; None = off
        self.md_udp_ports = set()          # INT_TBD ports (INT21 §5.7.2 option 1)
        self.source_only = {}              # INT-MD Domain Specific ID -> source-only bytes
        self.tcp_int_before_options = False
        self.idint_opt_types = (L.IDINT_OPT_MAIN, L.IDINT_OPT_ENTRY)


class Key:
    __slots__ = ("dst_as", "src_as", "flow_id", "dst_ip", "src_ip", "dst_port", "src_port",
                 "protocol")

    def __init__(self):
        self.dst_as = self.src_as = self.flow_id = 0
        self.dst_ip = self.src_ip = None          # ("v4", int) or ("v6", bytes16)
        self.dst_port = self.src_port = self.protocol = 0

    def to_json(self):
        out = {}
        if self.dst_as:
            out["dstAs"] = str(self.dst_as)
        if self.src_as:
            out["srcAs"] = str(self.src_as)
        if self.flow_id:
            out["flowId"] = self.flow_id
        for name, ip in (("dst", self.dst_ip), ("src", self.src_ip)):
            if ip is None:
                continue
            if ip[0] == "v4":
                out[name + "Ipv4"] = ip[1]
            else:
                hi, lo = struct.unpack(">QQ", ip[1])
                v6 = {}
                if hi:
                    v6["high"] = str(hi)
                if lo:
                    v6["low"] = str(lo)
                out[name + "Ipv6"] = v6
        if self.dst_port:
            out["dstPort"] = self.dst_port
        if self.src_port:
            out["srcPort"] = self.src_port
        if self.protocol:
            out["protocol"] = PROTO_NAME[self.protocol]
        return out


class Hop:
    __slots__ = ("asn", "node_id", "metadata")

    def __init__(self, node_id=0, asn=0, metadata=None):
        self.node_id = node_id
        self.asn = asn
        self.metadata = metadata if metadata is not None else {}

    def to_json(self):
        out = {}
        if self.asn:
            out["asn"] = str(self.asn)
        if self.node_id:
            out["nodeId"] = self.node_id
        if self.metadata:
            out["metadata"] = {str(k): base64.b64encode(v).decode()
                               for k, v in sorted(self.metadata.items())}
        return out


class Report:
    def __init__(self, key, hops, packet_type, source_time_ns=0):
        self.key, self.hops, self.packet_type = key, hops, packet_type
        self.source_time_ns = source_time_ns

    def to_json(self, packet):
        rep = {"hops": [h.to_json() for h in self.hops]}
        if self.packet_type != "None":
            rep["packetType"] = self.packet_type
        if self.source_time_ns:
            rep["sourceTimeNs"] = str(self.source_time_ns)
        return {"packet": packet, "key": self.key.to_json(), "report": rep}


def layer(cls, data):
    """Dissect `data` as layer `cls`; a buffer too short for its fixed fields is bad_length
    (scapy raises struct.error there, and silently shortens variable-length fields, which the
    callers check against wire_len())."""
    try:
        return cls(bytes(data))
    except (struct.error, IndexError, ValueError):
        raise Malformed("bad_length") from None


def u16(b, o):
    return b[o] << 8 | b[o + 1]


def zext8(v):
    """4- or 6-byte timestamps zero-extended to 8 bytes (conventions: keys 4/5)."""
    return b"\0" * (8 - len(v)) + v if len(v) < 8 else v


# ---------------------------------------------------------------------------------------------
# Ethernet / IP / TCP / UDP (the outer frame and the reported inner packet)
# ---------------------------------------------------------------------------------------------

def parse_l2(data, off=0):
    """Ethernet with up to two 802.1Q/802.1ad tags -> (ethertype, offset of L3) or None."""
    if len(data) < off + 14:
        return None
    et, off = u16(data, off + 12), off + 14
    for _ in range(2):
        if et not in VLAN_TPIDS:
            break
        if len(data) < off + 4:
            return None
        et, off = u16(data, off + 2), off + 4
    return et, off


class IPInfo:
    __slots__ = ("src", "dst", "proto", "dscp", "l4", "end", "first_fragment")


def parse_ip(data, off, version):
    """IPv4 (RFC 791) or IPv6 (RFC 8200) header at `off` -> IPInfo, or None when the header
    is not complete. `end` is where the IP packet ends (total/payload length, clipped)."""
    ip = IPInfo()
    if version == 4:
        if len(data) < off + 20 or data[off] >> 4 != 4:
            return None
        ihl = (data[off] & 0x0F) * 4
        if ihl < 20 or len(data) < off + ihl:
            return None
        ip.dscp = data[off + 1] >> 2
        ip.proto = data[off + 9]
        ip.src = ("v4", struct.unpack_from(">I", data, off + 12)[0])
        ip.dst = ("v4", struct.unpack_from(">I", data, off + 16)[0])
        ip.first_fragment = (u16(data, off + 6) & 0x1FFF) == 0
        ip.l4 = off + ihl
        ip.end = min(len(data), off + max(u16(data, off + 2), ihl))
        return ip
    if len(data) < off + 40 or data[off] >> 4 != 6:
        return None
    ip.dscp = (u16(data, off) >> 6) & 0x3F            # Traffic Class bits 0-5
    ip.src = ("v6", bytes(data[off + 8:off + 24]))
    ip.dst = ("v6", bytes(data[off + 24:off + 40]))
    ip.end = min(len(data), off + 40 + u16(data, off + 4))
    nh, o = data[off + 6], off + 40
    ip.first_fragment = True
    while True:
        if nh in IPV6_EXT:
            if len(data) < o + 2:
                return ip_l4_unknown(ip, nh, o)
            nh, o = data[o], o + (data[o + 1] + 1) * 8
        elif nh == 44:                                  # fragment header
            if len(data) < o + 8:
                return ip_l4_unknown(ip, nh, o)
            ip.first_fragment = (u16(data, o + 2) & 0xFFF8) == 0
            nh, o = data[o], o + 8
        else:
            break
    ip.proto, ip.l4 = nh, o
    return ip


def ip_l4_unknown(ip, nh, o):
    ip.proto, ip.l4, ip.first_fragment = nh, o, False
    return ip


def set_ports(key, data, off, end):
    if end >= off + 4:
        key.src_port, key.dst_port = u16(data, off), u16(data, off + 2)


# ---------------------------------------------------------------------------------------------
# INT in the reported packet
# ---------------------------------------------------------------------------------------------

def int_stack(version, bitmap, hop_ml, stack, stack_len, src_only):
    """Hops of an INT-MD stack (INT21 §5.8 / INT10 §4.7), newest first, as carried.
    `stack` is what the report holds of the `stack_len` stack bytes."""
    table = L.INT_V2_BITS if version == 2 else L.INT_V1_BITS
    need = L.bitmap_len(bitmap, table) + (4 if bitmap & 1 else 0)   # bit 15 checksum compl.
    stride = hop_ml * 4
    if need > stride:
        raise Malformed("bad_length")
    if stride == 0:
        return []
    # "a multiple of (Hop ML * 4), plus the size of 'source-only' Domain Specific Metadata";
    # without configuration, a remainder is ignored (conventions), never split into hops.
    n = max(0, stack_len - src_only) // stride
    cls = L.int_hop_class(version, bitmap, hop_ml)
    hops = []
    for i in range(n):
        if (i + 1) * stride > len(stack):
            break                       # cut by the report's truncation: keep complete hops
        hp = cls(stack[i * stride:(i + 1) * stride])
        hop = Hop()
        for bit, name, _, mkey in table:
            if not bitmap & (0x8000 >> bit):
                continue
            v = bytes(getattr(hp, name))
            # INT21 §5.8: "it must add a special all-ones reserved value indicating 'invalid'"
            # -> not exported (conventions). reading: a node id of all ones is left 0.
            if v == b"\xff" * len(v):
                continue
            if bit == 0:
                hop.node_id = int.from_bytes(v, "big")
            elif mkey is not None:
                hop.metadata[mkey] = zext8(v) if mkey in (4, 5) else v
        hops.append(hop)
    return hops


def parse_int(data, shim, end, key, cfg):
    """INT over TCP/UDP at `shim` (INT21 §5.7.2, INT10 §4.6.1). Adjusts the key by NPT and
    returns the stack hops. Raises Malformed for a shim/header that fails validation."""
    if data[shim] >> 4 == 0:
        # INT v1.0 shim: Type is a whole byte (1 hop-by-hop, 2 destination); a v2 shim has
        # Type in the top nibble (1..3), so a zero nibble means v1.0.
        sh = layer(L.INTShimV1, bytes(data[shim:shim + 4]))
        if sh.type not in (1, 2):
            raise Malformed("bad_version")
        if sh.type == 2:
            return []
        if sh.body_len() < L.INTMDHeaderV1.HDR_LEN:
            raise Malformed("bad_length")
        h_off = shim + 4
        if end < h_off + L.INTMDHeaderV1.HDR_LEN:
            return []
        h = layer(L.INTMDHeaderV1, bytes(data[h_off:h_off + 8]))
        if h.ver != 1:
            raise Malformed("bad_version")
        stack_len = sh.body_len() - L.INTMDHeaderV1.HDR_LEN
        s0 = h_off + L.INTMDHeaderV1.HDR_LEN
        return int_stack(1, h.instr_bitmap, h.hop_ml, bytes(data[s0:min(end, s0 + stack_len)]),
                         stack_len, 0)

    sh = layer(L.INTShimV2, bytes(data[shim:shim + 4]))
    if sh.type not in (1, 2, 3):
        raise Malformed("bad_version")
    if sh.npt == 1:
        # "the last two bytes of the shim header carry the original UDP destination port"
        key.dst_port = sh.orig_dport
    elif sh.npt == 2:
        # A new UDP header was inserted: ignore it; the original L4 header follows the INT
        # stack and the shim's last byte is the original IP protocol.
        key.protocol = PROTO_ENUM.get(sh.orig_proto, 0)
        key.src_port = key.dst_port = 0
        if key.protocol:
            set_ports(key, data, shim + 4 + sh.body_len(), end)
    if sh.type != 1:
        return []                       # Destination / INT-MX: no metadata stack
    if sh.body_len() < L.INTMDHeaderV2.HDR_LEN:
        raise Malformed("bad_length")
    h_off = shim + 4
    if end < h_off + 12:
        return []                       # header cut by the report's truncation
    h = layer(L.INTMDHeaderV2, bytes(data[h_off:h_off + 12]))
    if h.ver != 2:
        raise Malformed("bad_version")
    stack_len = sh.body_len() - L.INTMDHeaderV2.HDR_LEN
    s0 = h_off + L.INTMDHeaderV2.HDR_LEN
    return int_stack(2, h.instr_bitmap, h.hop_ml, bytes(data[s0:min(end, s0 + stack_len)]),
                     stack_len, cfg.source_only.get(h.ds_id, 0))


def parse_inner(ptype, data, f_flag, cfg):
    """The reported packet (TR2 §3.3 Truncated Packet): flow key and embedded INT-MD hops.
    Headers cut by the truncation leave the corresponding key fields unset."""
    key = Key()
    if ptype == "Ethernet":
        l2 = parse_l2(data)
        if l2 is None or l2[0] not in (ETH_IPV4, ETH_IPV6):
            return key, []
        version, off = (4 if l2[0] == ETH_IPV4 else 6), l2[1]
    elif ptype in ("IPv4", "IPv6"):
        version, off = (4 if ptype == "IPv4" else 6), 0
    else:
        return key, []
    ip = parse_ip(data, off, version)
    if ip is None:
        return key, []
    key.src_ip, key.dst_ip = ip.src, ip.dst
    if ip.proto not in PROTO_ENUM:
        return key, []
    key.protocol = PROTO_ENUM[ip.proto]
    end = ip.end         # the IP length (clipped to the truncated fragment): no padding
    if not ip.first_fragment:
        return key, []
    set_ports(key, data, ip.l4, end)
    # TR2 §3.4: "If the Tracked Flow Association (F) bit is set to 0, then there will not be
    # any embedded telemetry metadata in the report."
    if not f_flag:
        return key, []
    by_dscp = cfg.md_dscp is not None and \
        (ip.dscp & cfg.md_dscp[1]) == (cfg.md_dscp[0] & cfg.md_dscp[1])
    by_port = ip.proto == PROTO_UDP and end >= ip.l4 + 4 and key.dst_port in cfg.md_udp_ports
    if not (by_dscp or by_port):
        return key, []
    if ip.proto == PROTO_UDP:
        shim = ip.l4 + 8
    else:
        if end < ip.l4 + 13:
            return key, []
        # INT21 §5.7.2: "the INT stack may come before or after the TCP options"
        shim = ip.l4 + (20 if cfg.tcp_int_before_options else (data[ip.l4 + 12] >> 4) * 4)
    if end < shim + 4:
        return key, []
    return key, parse_int(data, shim, end, key, cfg)


# ---------------------------------------------------------------------------------------------
# Telemetry Report
# ---------------------------------------------------------------------------------------------

INTYPE_PTYPE = {3: "Ethernet", 4: "IPv4", 5: "IPv6"}            # TR2 §3.3 InType
TLV_PTYPE = {1: "Ethernet", 2: "IPv4", 3: "IPv6"}               # TR2 §3.3.2 TLVType


def tr_v2_individual(b, grp, cfg):
    """One TR2 individual report (bytes `b`, exactly its Report Length) -> Report."""
    p = layer(L.TRIndividualReport, bytes(b))
    header_hop = Hop(node_id=grp.node_id)
    has_md = False
    if p.rep_type == 1 and p.rep_len != 0:
        if len(b) < 12 or p.baseline_len() > p.md_len * 4 or p.inner_offset() > len(b):
            raise Malformed("bad_length")
        header_hop.metadata = p.metadata()       # values as carried
        has_md = p.rep_md_bits != 0
    inner = bytes(b[p.inner_offset():]) if p.rep_len != 0 else b""
    ptype, pkt = "None", b""
    if p.rep_len != 0:
        if p.in_type in INTYPE_PTYPE:
            ptype, pkt = INTYPE_PTYPE[p.in_type], inner
        elif p.in_type == 1:
            off = 0
            while off + 4 <= len(inner):
                t = layer(L.TRTLV, inner[off:])
                if off + t.wire_len() > len(inner):
                    raise Malformed("bad_length")
                if t.tlv_type in TLV_PTYPE and ptype == "None":
                    ptype, pkt = TLV_PTYPE[t.tlv_type], bytes(t.data)
                off += t.wire_len()
        # InType 0 none, 2 DS extension data, 6-15 reserved: no inner packet
    key, stack = parse_inner(ptype, pkt, p.f, cfg)
    hops = [header_hop] + stack
    # conventions: without RepMdBits metadata, a sink that pushed itself is not listed twice
    if not has_md and stack and stack[0].node_id == grp.node_id:
        hops = stack
    return Report(key, hops, ptype)


def decode_tr_v2(payload, cfg):
    if len(payload) < 8:
        raise Malformed("truncated")
    grp = layer(L.TRGroupHeader, bytes(payload[:8]))
    off, n, skipped, reports, lost = 8, 0, 0, [], []
    while off < len(payload):
        if len(payload) - off < 4:
            lost.append("bad_length")
            break
        rep_len = payload[off + 1]          # Report Length: second byte
        end = len(payload) if rep_len == 0xFF else off + 4 + rep_len * 4
        n += 1
        if end > len(payload):
            lost.append("bad_length")
            break
        if payload[off] >> 4 in (0, 1):
            try:
                reports.append(tr_v2_individual(payload[off:end], grp, cfg))
            except Malformed as m:
                lost.append(m.reason)
        else:
            skipped += 1                 # RepType 2 (IOAM) and reserved: skipped silently
        off = end
    if reports:
        return reports
    if lost:
        raise Malformed(lost[0])
    if n == 0:
        raise Malformed("bad_length")
    raise Malformed("unsupported")


def decode_tr_v1(payload, cfg):
    if len(payload) < 16:
        raise Malformed("truncated")
    h = layer(L.TRv1Header, bytes(payload))
    hl = h.length * 4
    if hl < h.min_len() or hl > len(payload):
        raise Malformed("bad_length")
    hop = Hop(node_id=h.switch_id, metadata={4: zext8(bytes(h.ingress_ts))})
    for bit, name, mkey in L.TR_V1_MD_BITS:
        if h.rep_md_bits & (0x20 >> bit):
            v = bytes(getattr(h, name))
            hop.metadata[mkey] = zext8(v) if mkey == 5 else v
    ptype = {0: "Ethernet", 1: "IPv4", 2: "IPv6"}.get(h.nprot, "None")
    key, stack = parse_inner(ptype, bytes(payload[hl:]), h.f, cfg)
    return [Report(key, [hop] + stack, ptype)]


def decode_tr_v05(payload, cfg):
    if len(payload) < 12:
        raise Malformed("truncated")
    h = layer(L.TRv05Header, bytes(payload[:12]))
    hop = Hop(metadata={4: zext8(bytes(h.ingress_ts))})
    off = 12
    if h.nproto == 1:
        if len(payload) < 24:
            raise Malformed("truncated")
        d = layer(L.TRv05Drop, bytes(payload[12:24]))
        hop.node_id = d.switch_id
        hop.metadata[1] = bytes(d.ports)
        hop.metadata[15] = bytes(d.queue_drop)
        off = 24
    elif h.nproto == 2:
        if len(payload) < 28:
            raise Malformed("truncated")
        s = layer(L.TRv05Local, bytes(payload[12:28]))
        hop.node_id = s.switch_id
        hop.metadata[1] = bytes(s.ports)
        hop.metadata[3] = bytes(s.queue_occ)
        hop.metadata[5] = zext8(bytes(s.egress_ts))
        off = 28
    elif h.nproto != 0:
        raise Malformed("unsupported")
    key, stack = parse_inner("Ethernet", bytes(payload[off:]), h.f, cfg)
    return [Report(key, [hop] + stack, "Ethernet")]


def decode_tr(payload, cfg):
    ver = payload[0] >> 4 if payload else -1
    if ver == 2:
        return decode_tr_v2(payload, cfg)
    if ver == 1:
        return decode_tr_v1(payload, cfg)
    if ver == 0:
        return decode_tr_v05(payload, cfg)
    if ver < 0:
        raise Malformed("truncated")
    raise Malformed("bad_version")


# ---------------------------------------------------------------------------------------------
# SCION / ID-INT
# ---------------------------------------------------------------------------------------------

QUEUE_PAIRS = ((0x4E, 0x4F, 3), (0x51, 0x52, 8))     # (id inst, length inst, MetadataType)
DIRECT_MAP = {0x4D: 7, 0x4C: 22, 0x8A: 16, 0x8E: 17, 0x8C: 18, 0x8B: 19, 0x8F: 20, 0x8D: 21}


def idint_hop(e, main, is_source, src_as):
    """One ID-INT stack entry -> Hop, with the key mapping of conventions.md."""
    hop = Hop(metadata={0x204: e.flags_hop_bytes()})
    asn = None
    if not e.flag_c:                     # encrypted entries keep only 0x204
        if e.mask & 8:
            hop.node_id = e.node_id
        if e.mask & 4:
            hop.metadata[0x201] = struct.pack(">H", e.node_cnt)
        if e.mask & 3:
            igr = e.igr_if if e.mask & 2 else 0xFFFF
            egr = e.egr_if if e.mask & 1 else 0xFFFF
            hop.metadata[1] = struct.pack(">HH", igr, egr)
        aggregated = e.flag_a or main.mod != 0
        plain = {}                       # instruction -> value of slots that may be mapped
        for i, v in e.slots():
            inst = getattr(main, "inst%d" % i)
            af = getattr(main, "af%d" % i)
            if aggregated and af not in (0, 1):
                hop.metadata[0x100 + inst] = v
                continue
            plain[inst] = v
            if inst == 0x81:
                asn = int.from_bytes(v, "big")
            elif inst in (0x82, 0x83):
                hop.metadata[4 if inst == 0x82 else 5] = zext8(v)
            elif inst in DIRECT_MAP:
                hop.metadata[DIRECT_MAP[inst]] = v
            else:
                hop.metadata[0x100 + inst] = v
        for id_inst, len_inst, mkey in QUEUE_PAIRS:
            if id_inst in plain and len_inst in plain:
                qid = int.from_bytes(plain[id_inst], "big")
                qlen = min(int.from_bytes(plain[len_inst], "big"), 0xFFFFFF)
                if qid <= 255:
                    hop.metadata[mkey] = bytes([qid]) + qlen.to_bytes(3, "big")
    if asn is None and is_source:
        asn = src_as                     # reading: also for an encrypted source entry
    hop.asn = asn or 0
    return hop


def check_main(m):
    if m.ver != 0:
        raise Malformed("bad_version")
    if m.vrf == 3:
        raise Malformed("unsupported")   # Vrf 3 reserved: the verifier length is unknown


def idint_old(s, off, src_as):
    """IDINT-OLD main header + stack at `off` -> (hops newest first, next header, end)."""
    if len(s) < off + 20:
        raise Malformed("bad_length")
    m = layer(L.IDINTOld, bytes(s[off:]))
    check_main(m)
    st = off + m.main_len()
    end = st + m.length * 4
    if m.length == 0 or end > len(s):
        raise Malformed("bad_length")
    entries, o = [], st
    while o < end:
        e = layer(L.IDINTEntryOld, bytes(s[o:end]))
        if end - o < 8 or o + e.wire_len() > end:
            raise Malformed("bad_length")
        entries.append(e)
        o += e.wire_len()
    # "The stack is extended by inserting new stack entries at the top": source entry last.
    if not entries[-1].flag_s or any(e.flag_s for e in entries[:-1]):
        raise Malformed("bad_length")
    hops = [idint_hop(e, m, i == len(entries) - 1, src_as) for i, e in enumerate(entries)]
    return hops, m.next_hdr, end, m.src_ts


def idint_new(opts, i, src_as, cfg):
    """IDINT-NEW IdIntOption at `i` of the HBH options area `opts` -> (hops newest first,
    offset after the last entry, source timestamp)."""
    if len(opts) < i + 22:
        raise Malformed("bad_length")
    m = layer(L.IdIntOption, bytes(opts[i:]))
    check_main(m)
    st = i + m.wire_len()
    stack_end = st + 4 * m.stack_len
    tos = st + 4 * m.tos
    if stack_end > len(opts) or tos >= stack_end:
        raise Malformed("bad_length")
    entries, o, last = [], st, -1
    while o <= tos:
        if o + 6 > stack_end or opts[o] != cfg.idint_opt_types[1]:
            raise Malformed("bad_length")
        e = layer(L.IdIntEntry, bytes(opts[o:stack_end]))
        if e.ml_reserved() or o + e.wire_len() > stack_end:
            raise Malformed("bad_length")
        entries.append(e)
        last, o = o, o + e.wire_len()
    # "the stack must contain at least ... the source entry, which is inserted simultaneously
    # with the main option": source first; TOS points at the most recently written entry.
    if last != tos or not entries[0].flag_s or any(e.flag_s for e in entries[1:]):
        raise Malformed("bad_length")
    hops = [idint_hop(e, m, j == 0, src_as) for j, e in enumerate(entries)]
    hops.reverse()                       # newest first, source last
    return hops, o, m.src_ts


def hbh_options(ext, base, s, src_as, cfg):
    """Walk the TLV options of a SCION HBH header; return (hops, source ts) of an ID-INT
    IdIntOption if there is one, else None."""
    opts = bytes(s[base + 2:base + ext.wire_len()])
    i, found = 0, None
    while i < len(opts):
        o = layer(L.SCIONOption, opts[i:])
        if o.opt_type == cfg.idint_opt_types[0] and found is None:
            hops, i, ts = idint_new(opts, i, src_as, cfg)
            found = (hops, ts)
            continue
        if i + o.wire_len() > len(opts):
            raise Malformed("bad_length")
        i += o.wire_len()
    return found


def host_addr(t, length, raw):
    # scion-header.rst DT/DL: T=0 is an IP address, L=0 4 bytes (IPv4), L=3 16 bytes (IPv6)
    if t == 0 and length == 0:
        return ("v4", int.from_bytes(raw, "big"))
    if t == 0 and length == 3:
        return ("v6", bytes(raw))
    return None


def decode_scion(s, cfg):
    if len(s) < 12:
        raise Malformed("truncated")
    if s[0] >> 4 != 0:
        raise Malformed("bad_version")
    h = layer(L.SCION, bytes(s))
    hdr = h.hdr_len * 4
    if hdr < h.addr_end() or hdr > len(s) or hdr + h.payload_len != len(s):
        raise Malformed("bad_length")
    key = Key()
    key.flow_id, key.dst_as, key.src_as = h.flow_id, h.dst_as, h.src_as
    key.dst_ip = host_addr(h.dt, h.dl, bytes(h.dst_host))
    key.src_ip = host_addr(h.st, h.sl, bytes(h.src_host))
    nh, off, found, seen = h.next_hdr, hdr, None, set()
    while nh not in seen:
        if nh in (L.SCION_HBH, L.SCION_E2E):
            if len(s) < off + 2:
                raise Malformed("bad_length")
            ext = layer(L.SCIONExt, bytes(s[off:]))
            if off + ext.wire_len() > len(s):
                raise Malformed("bad_length")
            if nh == L.SCION_HBH and found is None:
                got = hbh_options(ext, off, s, h.src_as, cfg)
                if got is not None:
                    found = got
            seen.add(nh)
            nh, off = ext.next_hdr, off + ext.wire_len()
        elif nh == L.SCION_EXPERIMENT and found is None:
            hops, nh, off, ts = idint_old(s, off, h.src_as)
            found = (hops, ts)
            seen.add(L.SCION_EXPERIMENT)
        else:
            break
    if found is None:
        raise Malformed("not_int")
    if nh in PROTO_ENUM:
        key.protocol = PROTO_ENUM[nh]
        set_ports(key, s, off, len(s))
    return [Report(key, found[0], "SCION", found[1])]


# ---------------------------------------------------------------------------------------------
# Frames
# ---------------------------------------------------------------------------------------------

def decode_frame(data, cfg):
    l2 = parse_l2(data)
    if l2 is None:
        raise Malformed("truncated")
    if l2[0] not in (ETH_IPV4, ETH_IPV6):
        raise Malformed("not_int")
    ip = parse_ip(data, l2[1], 4 if l2[0] == ETH_IPV4 else 6)
    if ip is None:
        raise Malformed("truncated")
    if ip.proto != PROTO_UDP:
        raise Malformed("not_int")
    if not ip.first_fragment or len(data) < ip.l4 + 8:
        raise Malformed("truncated")
    sport, dport, ulen = u16(data, ip.l4), u16(data, ip.l4 + 2), u16(data, ip.l4 + 4)
    if ulen < 8:
        raise Malformed("bad_length")
    if ip.l4 + ulen > len(data):
        raise Malformed("truncated")
    payload = memoryview(data)[ip.l4 + 8:ip.l4 + ulen]
    if dport in cfg.report_ports:
        return decode_tr(payload, cfg)
    if sport in cfg.scion_ports or dport in cfg.scion_ports:
        return decode_scion(payload, cfg)
    raise Malformed("not_int")


def read_pcap(path):
    """Frames of a classic pcap file (micro- or nanosecond, either byte order)."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\x4d\x3c\xb2\xa1", b"\xd4\xc3\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\x3c\x4d", b"\xa1\xb2\xc3\xd4"):
        e = ">"
    else:
        raise SystemExit("%s: not a pcap file (pcapng is not supported)" % path)
    (linktype,) = struct.unpack_from(e + "I", data, 20)
    if linktype & 0xFFFF != 1:
        raise SystemExit("%s: link type %d, want 1 (Ethernet)" % (path, linktype))
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack_from(e + "IIII", data, off)
        yield data[off + 16:off + 16 + incl]
        off += 16 + incl


def dissect(frames, cfg):
    """Yield the output records for an iterable of frames."""
    for n, frame in enumerate(frames):
        try:
            reports = decode_frame(frame, cfg)
        except Malformed as m:
            yield {"packet": n, "malformed": True, "reason": m.reason}
            continue
        except Exception as exc:          # a dissector bug: say so, keep going
            print("intdissect: packet %d: %r" % (n, exc), file=sys.stderr)
            yield {"packet": n, "malformed": True, "reason": "dissector_error: %r" % exc}
            continue
        for r in reports:
            yield r.to_json(n)


def int_list(v):
    """'1,2' / [1, "0x2"] / 3 -> {ints}."""
    if v is None or v == "":
        return set()
    if isinstance(v, int):
        return {v}
    if isinstance(v, str):
        v = v.split(",")
    return {int(x, 0) if isinstance(x, str) else int(x) for x in v if str(x).strip()}


def dscp_setting(v):
    """'0x17/0x3f', '23', 23, {"value": 23, "mask": 63} or 'off' -> (value, mask) or None."""
    if isinstance(v, dict):
        return (int(v.get("value", 0)), int(v.get("mask", 0x3F)))
    if isinstance(v, int):
        return (v, 0x3F)
    if v is None or str(v).strip().lower() in ("off", "none", "", "false"):
        return None
    val, _, mask = str(v).partition("/")
    return (int(val, 0), int(mask, 0) if mask else 0x3F)


def source_only_setting(v):
    """['0x5453:8'] / {"21587": 8} / [{"domain": 21587, "bytes": 8}] -> {ds id: bytes}."""
    out = {}
    if isinstance(v, dict):
        v = ["%s:%s" % kv for kv in v.items()]
    for item in v or []:
        if isinstance(item, dict):
            vals = list(item.values())
            out[int(vals[0])] = int(vals[1])
            continue
        d, _, n = str(item).partition(":")
        out[int(d, 0)] = int(n, 0)
    return out


def truth_header(path):
    """The header line of a `wire2kafka gen` truth file ({} if there is none)."""
    with open(path) as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                return rec if rec.get("type") == "header" else {}
    return {}


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pcap")
    ap.add_argument("-o", "--output", help="output file (default: standard output)")
    ap.add_argument("--config-from-truth", metavar="TRUTH",
                    help="take ports and INT detection settings from the header line of a "
                         "wire2kafka gen truth file (report_ports, scion_ports, md_dscp, "
                         "md_udp_ports, source_only_md); the options below override it")
    ap.add_argument("--report-ports", help="Telemetry Report UDP ports (default 32766)")
    ap.add_argument("--scion-ports", help="SCION UDP ports (default 30041,30042,50000)")
    ap.add_argument("--md-dscp", help="INT DSCP as VALUE/MASK, or 'off' (default 0x17/0x3f)")
    ap.add_argument("--md-udp-ports", help="INT_TBD UDP destination ports (default none)")
    ap.add_argument("--source-only", action="append", metavar="DSID:BYTES",
                    help="INT-MD source-only DS metadata length per Domain Specific ID")
    ap.add_argument("--tcp-int-before-options", action="store_true",
                    help="the INT shim precedes the TCP options (default: after them)")
    ap.add_argument("--idint-opt-types", default="253,254",
                    help="HBH option types of IdIntOption and IdIntEntry (default 253,254)")
    a = ap.parse_args(argv)
    hdr = truth_header(a.config_from_truth) if a.config_from_truth else {}

    def pick(cli, name, default):
        if cli is not None:
            return cli
        return hdr[name] if name in hdr and hdr[name] is not None else default

    cfg = Config()
    cfg.report_ports = int_list(pick(a.report_ports, "report_ports", "32766"))
    cfg.scion_ports = int_list(pick(a.scion_ports, "scion_ports", "30041,30042,50000"))
    cfg.md_udp_ports = int_list(pick(a.md_udp_ports, "md_udp_ports", ""))
    cfg.md_dscp = dscp_setting(pick(a.md_dscp, "md_dscp", "0x17/0x3f"))
    cfg.source_only = source_only_setting(pick(a.source_only, "source_only_md", []))
    cfg.tcp_int_before_options = a.tcp_int_before_options
    types = [int(x, 0) for x in a.idint_opt_types.split(",")]
    if len(types) != 2:
        ap.error("--idint-opt-types wants two numbers")
    cfg.idint_opt_types = tuple(types)
    return a, cfg


def main(argv=None):
    a, cfg = parse_args(argv)
    out = open(a.output, "w") if a.output else sys.stdout
    try:
        for rec in dissect(read_pcap(a.pcap), cfg):
            out.write(json.dumps(rec, separators=(",", ":")) + "\n")
    finally:
        if a.output:
            out.close()


if __name__ == "__main__":
    main()
