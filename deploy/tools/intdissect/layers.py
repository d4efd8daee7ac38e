"""Scapy layers for In-band Network Telemetry, written from the specification text.

Independent of wire2kafka's Go decoder (report/*.go) and generator (report/intgen/): every
field position below was taken from the spec documents named in each class docstring, not
from code. Section numbers refer to:

  TR2    P4.org Telemetry Report v2.0 (p4lang/p4-applications telemetry/specs/telemetry_report.mdk
         at HEAD 7eedb79, = the published 2020-10-08 PDF)
  TR05   Telemetry Report v0.5 (tag telemetry_v0.5)
  TR10   Telemetry Report v1.0 (tag telemetry_v1.0)
  INT21  P4.org INT Dataplane v2.1 (telemetry/specs/INT.mdk at HEAD)
  INT10  INT Dataplane v1.0 (tag telemetry_v1.0)
  SCION  scionproto/scion doc/protocols/scion-header.rst, extension-header.rst,
         assigned-protocol-numbers.rst
  IDINT-OLD  netsys-lab/id-int-spec specification.md at 001ae35 (ID-INT as a header, NextHdr 253)
  IDINT-NEW  netsys-lab/id-int-spec specification.md at 6bf0d81 + c3034dc (HBH options)

Every class here parses one header and leaves everything after it as scapy Padding
(extract_padding returns it), so the dissector (dissect.py) chains the layers itself and
decides from the fields where the next one starts. Lengths that the spec derives from
other fields are computed by methods (wire_len(), ...) so that a truncated buffer can be
told apart from a complete one: scapy raises struct.error when a fixed-size field is cut,
but silently shortens a variable-length one.
"""

from scapy.fields import (
    BitField,
    ByteField,
    ConditionalField,
    IntField,
    ShortField,
    StrFixedLenField,
    StrLenField,
    XByteField,
    XShortField,
)
from scapy.packet import Packet


class _Header(Packet):
    """A header whose remainder is not its payload: the dissector decides what follows."""

    def extract_padding(self, s):
        return b"", s


def rest_of(pkt):
    """Bytes left after the header `pkt` was dissected from (its scapy Padding)."""
    pad = pkt.getlayer("Padding")
    return bytes(pad.load) if pad is not None else b""


# ---------------------------------------------------------------------------------------------
# Metadata tables
# ---------------------------------------------------------------------------------------------

# TR2 §3.3.1 "RepMdBits": bit 0 (MSB) reserved; bit 1 L1 ingress+egress interface (16+16);
# bit 2 hop latency; bit 3 queue id (8) + occupancy (24); bit 4 ingress timestamp (64); bit 5
# egress timestamp (64); bit 6 L2 ingress+egress interface (32+32); bit 7 egress port TX
# utilization; bit 8 buffer id (8) + occupancy (24); bits 9-14 reserved; bit 15 queue id (8) +
# drop reason (8) + padding (16). "Each bit represents 4 octets of optional metadata, except for
# bits 4, 5 & 6 which represents 8 octets".
# INT21 §5.8 "Instruction Bitmap" uses the same bit numbering for bits 1-8 (bit 0 = node id,
# bit 15 = checksum complement), "Bits 0 - 14 are Baseline ... 4 bytes ... except for bits 4-6,
# each requires 8 bytes".
# Entries: (bit, field name, length in bytes, SCION-INT MetadataType or None).
REP_MD_BITS = [
    (0, "md_rsvd0", 4, None),
    (1, "l1_if", 4, 1),
    (2, "hop_latency", 4, 2),
    (3, "queue_occ", 4, 3),
    (4, "ingress_ts", 8, 4),
    (5, "egress_ts", 8, 5),
    (6, "l2_if", 8, 6),
    (7, "eg_tx_util", 4, 7),
    (8, "buffer_occ", 4, 8),
] + [(b, "md_rsvd%d" % b, 4, None) for b in range(9, 15)] + [
    (15, "queue_drop", 4, 15),
]

INT_V2_BITS = [(0, "node_id", 4, None)] + REP_MD_BITS[1:15]  # bit 15 = checksum complement

# INT10 §4.7 (INT Hop-by-Hop Metadata Header Format): bit0 switch id; bit1 L1 ingress+egress
# port id (16+16); bit2 hop latency; bit3 queue id + occupancy; bit4 ingress timestamp; bit5
# egress timestamp; bit6 L2 ingress+egress port id (4 bytes each); bit7 egress port TX
# utilization; bit15 checksum complement; "Each instruction requests 4 bytes of metadata ...
# except if bit 6 is set, which requires 8 bytes". Bits 8-14 are reserved (4 bytes).
INT_V1_BITS = [
    (0, "node_id", 4, None),
    (1, "l1_if", 4, 1),
    (2, "hop_latency", 4, 2),
    (3, "queue_occ", 4, 3),
    (4, "ingress_ts", 4, 4),  # 4 bytes in v1.0; exported zero-extended to 8 (conventions)
    (5, "egress_ts", 4, 5),
    (6, "l2_if", 8, 6),
    (7, "eg_tx_util", 4, 7),
] + [(b, "md_rsvd%d" % b, 4, None) for b in range(8, 15)]


def bitmap_len(bits, table):
    """Bytes of metadata selected by a 16-bit bitmap (bit 0 = MSB) in a table above."""
    return sum(ln for b, _, ln, _ in table if bits & (0x8000 >> b))


# ---------------------------------------------------------------------------------------------
# Telemetry Report v2.0
# ---------------------------------------------------------------------------------------------

class TRGroupHeader(_Header):
    """TR2 §3.2 Telemetry Report Group Header (Ver 2.0), 8 octets:
    Ver(4) | hw_id(6) | Sequence Number(22) / Node ID(32)."""

    name = "TR v2.0 Group Header"
    fields_desc = [
        BitField("ver", 2, 4),
        BitField("hw_id", 0, 6),
        BitField("seq", 0, 22),
        IntField("node_id", 0),
    ]


def _tr_has_main(p):
    # TR2 §3.3: RepType 1 (INT) has the §3.3.1 main contents; RepType 0 (Inner Only) has
    # "empty" main contents. Report Length 0 leaves no room for them (conventions: a 4-byte
    # header-only individual report).
    return p.rep_type == 1 and p.rep_len != 0


def _rep_bit(bit):
    return lambda p: _tr_has_main(p) and bool(p.rep_md_bits & (0x8000 >> bit))


class TRIndividualReport(_Header):
    """TR2 §3.3 Individual Report Header (4 octets) and, for RepType 1, §3.3.1 Individual Report
    Main Contents: RepMdBits(16) | Domain Specific ID(16) / DSMdBits(16) | DSMdstatus(16) /
    Variable Optional Baseline Metadata / Variable Optional Domain Specific Metadata.

    Report Length: 4-byte words after the first word; 0xFF = to the end of the UDP payload
    (§3.3, amended by 42cbfa4). MD Length: words of baseline + DS metadata, "does not include
    the length of the fixed portion" (the 8 bytes RepMdBits..DSMdstatus). The Individual Report
    Inner Contents (truncated packet, DS extension data or TLVs, by InType) follow and are left
    to the dissector (inner_offset())."""

    name = "TR v2.0 Individual Report"
    fields_desc = [
        BitField("rep_type", 1, 4),
        BitField("in_type", 0, 4),
        ByteField("rep_len", 0),
        ByteField("md_len", 0),
        BitField("d", 0, 1),
        BitField("q", 0, 1),
        BitField("f", 0, 1),
        BitField("i", 0, 1),
        BitField("rsvd", 0, 4),
        ConditionalField(XShortField("rep_md_bits", 0), _tr_has_main),
        ConditionalField(XShortField("ds_id", 0), _tr_has_main),
        ConditionalField(XShortField("ds_md_bits", 0), _tr_has_main),
        ConditionalField(XShortField("ds_md_status", 0), _tr_has_main),
    ] + [
        ConditionalField(StrFixedLenField(name, b"", ln), _rep_bit(bit))
        for bit, name, ln, _ in REP_MD_BITS
    ] + [
        # Whatever MD Length holds beyond the RepMdBits values: domain-specific metadata
        # (§3.3.1 "4 octets or a multiple of 4 octets" per DSMdBits bit, sizes domain-defined).
        ConditionalField(
            StrLenField("ds_md", b"",
                        length_from=lambda p: max(0, p.md_len * 4 - p.baseline_len())),
            _tr_has_main),
    ]

    def baseline_len(self):
        return bitmap_len(self.rep_md_bits or 0, REP_MD_BITS) if _tr_has_main(self) else 0

    def inner_offset(self):
        """Offset of the Inner Contents from the start of this individual report."""
        return 4 + 8 + self.md_len * 4 if _tr_has_main(self) else 4

    def report_len(self, available):
        """Total bytes of this individual report (header included); `available` is what is
        left of the UDP payload from its start (used for Report Length 0xFF)."""
        return available if self.rep_len == 0xFF else 4 + self.rep_len * 4

    def metadata(self):
        """{MetadataType: bytes} of the RepMdBits values (reserved bits have no key)."""
        out = {}
        if not _tr_has_main(self):
            return out
        for bit, name, _, key in REP_MD_BITS:
            if key is not None and self.rep_md_bits & (0x8000 >> bit):
                out[key] = bytes(getattr(self, name))
        return out


class TRTLV(_Header):
    """TR2 §3.3.2 Individual Report Inner Contents for InType 1 (TLV):
    TLVType(4) | Rsvd(4) | TLVLength(8) | TLV Data Template(16), then TLVLength 4-byte words
    ("does not include the length of the first 4-byte word"). TLVType 0 DS extension data,
    1 Ethernet, 2 IPv4, 3 IPv6, 4-15 reserved."""

    name = "TR v2.0 TLV"
    fields_desc = [
        BitField("tlv_type", 0, 4),
        BitField("rsvd", 0, 4),
        ByteField("tlv_len", 0),
        XShortField("template", 0),
        StrLenField("data", b"", length_from=lambda p: p.tlv_len * 4),
    ]

    def wire_len(self):
        return 4 + self.tlv_len * 4


# ---------------------------------------------------------------------------------------------
# Telemetry Report v1.0 and v0.5
# ---------------------------------------------------------------------------------------------

# TR10 §3.2 "Telemetry Report Header (16+ octets)", RepMdBits (6 bits, bit 0 = MSB), one
# 4-octet word each: bit 0 ingress+egress port id (16+16), bit 1 hop latency, bit 2 queue id + occupancy,
# bit 3 egress timestamp, bit 4 queue id + drop reason + padding, bit 5 egress port tx util.
# (bit, name, MetadataType) -- keys as in docs/formats.md section 4.
TR_V1_MD_BITS = [
    (0, "ports", 1),
    (1, "hop_latency", 2),
    (2, "queue_occ", 3),
    (3, "egress_ts", 5),
    (4, "queue_drop", 15),
    (5, "eg_tx_util", 7),
]


class TRv1Header(_Header):
    """TR10 §3.2 "Telemetry Report Header (16+ octets)": Ver(4)=1 | Length(4) | NProt(3) |
    RepMdBits(6) | Reserved(6) | D | Q | F | hw_id(6) / Switch id / Sequence Number / Ingress Timestamp /
    Variable Optional Metadata. Length = header length in 4-octet words including the optional
    metadata. NProt 0 Ethernet, 1 IPv4, 2 IPv6."""

    name = "TR v1.0 Header"
    fields_desc = [
        BitField("ver", 1, 4),
        BitField("length", 4, 4),
        BitField("nprot", 0, 3),
        BitField("rep_md_bits", 0, 6),
        BitField("rsvd", 0, 6),
        BitField("d", 0, 1),
        BitField("q", 0, 1),
        BitField("f", 0, 1),
        BitField("hw_id", 0, 6),
        IntField("switch_id", 0),
        IntField("seq", 0),
        StrFixedLenField("ingress_ts", b"", 4),
    ] + [
        ConditionalField(StrFixedLenField(name, b"", 4),
                         (lambda b: lambda p: bool(p.rep_md_bits & (0x20 >> b)))(bit))
        for bit, name, _ in TR_V1_MD_BITS
    ]

    def min_len(self):
        return 16 + 4 * bin(self.rep_md_bits).count("1")


class TRv05Header(_Header):
    """TR05 §3.2.1 "Telemetry Report Fixed Header (12 octets)": Ver(4)=0 | NProto(4) | D | Q | F |
    Reserved(15) | hw_id(6) / Sequence Number / Ingress Timestamp. NProto 0 Ethernet,
    1 Telemetry Drop header + Ethernet, 2 Telemetry Switch Local header + Ethernet."""

    name = "TR v0.5 Fixed Header"
    fields_desc = [
        BitField("ver", 0, 4),
        BitField("nproto", 0, 4),
        BitField("d", 0, 1),
        BitField("q", 0, 1),
        BitField("f", 0, 1),
        BitField("rsvd", 0, 15),
        BitField("hw_id", 0, 6),
        IntField("seq", 0),
        StrFixedLenField("ingress_ts", b"", 4),
    ]


class TRv05Drop(_Header):
    """TR05 §3.2.2 "Telemetry Drop Report Header (12 octets)": Switch id / Ingress port id(16) |
    Egress port id(16) / Queue id(8) | Drop reason(8) | Pad(16)."""

    name = "TR v0.5 Drop Report Header"
    fields_desc = [
        IntField("switch_id", 0),
        StrFixedLenField("ports", b"", 4),
        StrFixedLenField("queue_drop", b"", 4),
    ]


class TRv05Local(_Header):
    """TR05 §3.2.3 "Telemetry Switch Local Report Header (16 octets)": Switch id /
    Ingress port id(16) | Egress port id(16) / Queue id(8) | Queue occupancy(24) / Egress timestamp."""

    name = "TR v0.5 Switch Local Report Header"
    fields_desc = [
        IntField("switch_id", 0),
        StrFixedLenField("ports", b"", 4),
        StrFixedLenField("queue_occ", b"", 4),
        StrFixedLenField("egress_ts", b"", 4),
    ]


# ---------------------------------------------------------------------------------------------
# INT v2.1 (and v2.0) over TCP/UDP
# ---------------------------------------------------------------------------------------------

class INTShimV2(_Header):
    """INT21 §5.7.2 "INT shim header for TCP/UDP":
    Type(4) | NPT(2) | R R | Length(8) | UDP port, IP Proto, or DSCP (16).
    Type (§5.1): 1 INT-MD, 2 Destination, 3 INT-MX. Length = INT metadata header + stack in
    4-byte words, "The length of the shim header (1 word) is NOT counted since INT version 2.0".
    NPT=0: first byte reserved, DSCP in the top 6 bits of the second; NPT=1: the original UDP
    destination port; NPT=2: first byte reserved, second the original IP protocol."""

    name = "INT v2 Shim (TCP/UDP)"
    fields_desc = [
        BitField("type", 1, 4),
        BitField("npt", 0, 2),
        BitField("rsvd", 0, 2),
        ByteField("length", 0),
        ConditionalField(ShortField("orig_dport", 0), lambda p: p.npt == 1),
        ConditionalField(ByteField("rsvd2", 0), lambda p: p.npt != 1),
        ConditionalField(ByteField("orig_proto", 0), lambda p: p.npt == 2),
        ConditionalField(BitField("orig_dscp", 0, 6), lambda p: p.npt not in (1, 2)),
        ConditionalField(BitField("rsvd3", 0, 2), lambda p: p.npt not in (1, 2)),
    ]

    def body_len(self):
        """Bytes after the shim that belong to INT (header + stack)."""
        return self.length * 4


class INTMDHeaderV2(_Header):
    """INT21 §5.8 INT-MD Metadata Header (12 bytes):
    Ver(4)=2 | D | E | M | Reserved(12) | Hop ML(5) | Remaining Hop Count(8) /
    Instruction Bitmap(16) | Domain Specific ID(16) / DS Instruction(16) | DS Flags(16),
    followed by the metadata stack (each hop Hop ML * 4 bytes, newest on top, plus optional
    'source-only' DS metadata of the source, excluded from Hop ML)."""

    name = "INT v2 MD Header"
    fields_desc = [
        BitField("ver", 2, 4),
        BitField("d", 0, 1),
        BitField("e", 0, 1),
        BitField("m", 0, 1),
        BitField("rsvd", 0, 12),
        BitField("hop_ml", 0, 5),
        ByteField("rhc", 0),
        XShortField("instr_bitmap", 0),
        XShortField("ds_id", 0),
        XShortField("ds_instr", 0),
        XShortField("ds_flags", 0),
    ]
    HDR_LEN = 12


class INTMXHeaderV2(_Header):
    """INT21 §5.9 INT-MX Header (12 bytes): Ver(4)=2 | D | Reserved(27) / Instruction
    Bitmap(16) | Domain Specific ID(16) / DS Instruction(16) | DS Flags(16), then optional
    'source-inserted' DS metadata. No metadata stack."""

    name = "INT v2 MX Header"
    fields_desc = [
        BitField("ver", 2, 4),
        BitField("d", 0, 1),
        BitField("rsvd", 0, 27),
        XShortField("instr_bitmap", 0),
        XShortField("ds_id", 0),
        XShortField("ds_instr", 0),
        XShortField("ds_flags", 0),
    ]


# ---------------------------------------------------------------------------------------------
# INT v1.0 over TCP/UDP
# ---------------------------------------------------------------------------------------------

class INTShimV1(_Header):
    """INT10 §4.6.1 (INT over TCP/UDP) "INT shim header for TCP/UDP":
    Type(8) | Reserved(8) | Length(8) | DSCP(6) | R R. Type 1 hop-by-hop, 2 destination.
    Length = INT metadata header + INT stack + the shim header, in 4-byte words."""

    name = "INT v1.0 Shim (TCP/UDP)"
    fields_desc = [
        ByteField("type", 1),
        ByteField("rsvd", 0),
        ByteField("length", 0),
        BitField("dscp", 0, 6),
        BitField("rsvd2", 0, 2),
    ]

    def body_len(self):
        return self.length * 4 - 4


class INTMDHeaderV1(_Header):
    """INT10 §4.7 "INT Hop-by-Hop Metadata Header Format" (8 bytes):
    Ver(4)=1 | Rep(2) | C | E | M | Reserved(10) | Hop ML(5) | Remaining Hop Count(8) /
    Instruction Bitmap(16) | Reserved(16)."""

    name = "INT v1.0 Hop-by-Hop Header"
    fields_desc = [
        BitField("ver", 1, 4),
        BitField("rep", 0, 2),
        BitField("c", 0, 1),
        BitField("e", 0, 1),
        BitField("m", 0, 1),
        BitField("rsvd", 0, 10),
        BitField("hop_ml", 0, 5),
        ByteField("rhc", 0),
        XShortField("instr_bitmap", 0),
        XShortField("rsvd2", 0),
    ]
    HDR_LEN = 8


_hop_classes = {}


def int_hop_class(version, bitmap, hop_ml):
    """A Packet class for one INT-MD stack entry of `hop_ml` words under `bitmap`: the
    baseline metadata in bit order (INT21 §5.8 "The node must add metadata in the order of bits
    set in the Instruction Bitmap and DS Instruction, except that the Checksum Complement is
    last"), then the per-hop DS metadata and checksum complement as one opaque field."""
    k = (version, bitmap, hop_ml)
    cls = _hop_classes.get(k)
    if cls is None:
        table = INT_V2_BITS if version == 2 else INT_V1_BITS
        flds = [StrFixedLenField(name, b"", ln)
                for bit, name, ln, _ in table if bitmap & (0x8000 >> bit)]
        rest = hop_ml * 4 - bitmap_len(bitmap, table)
        flds.append(StrFixedLenField("ds_md_cc", b"", max(0, rest)))
        cls = type("INTHopV%d_%04x_%d" % (version, bitmap, hop_ml), (_Header,),
                   {"name": "INT v%d hop" % version, "fields_desc": flds,
                    "table": table, "bitmap": bitmap})
        _hop_classes[k] = cls
    return cls


# ---------------------------------------------------------------------------------------------
# SCION
# ---------------------------------------------------------------------------------------------

class SCION(_Header):
    """SCION common header (12 bytes) and address header, then the path (skipped raw).
    SCION scion-header.rst "Common Header": Version(4) | QoS(8) | FlowID(20) / NextHdr(8) |
    HdrLen(8) | PayloadLen(16) / PathType(8) | DT(2) | DL(2) | ST(2) | SL(2) | RSV(16).
    HdrLen = common + address + path header length in 4-byte units. "Address Header":
    DstISD(16) DstAS(48) / SrcISD(16) SrcAS(48) / DstHostAddr / SrcHostAddr, host addresses of
    4 * (L + 1) bytes (T=0: IP, L=0 IPv4, L=3 IPv6; T=1 L=0: service)."""

    name = "SCION"
    fields_desc = [
        BitField("version", 0, 4),
        BitField("qos", 0, 8),
        BitField("flow_id", 0, 20),
        ByteField("next_hdr", 0),
        ByteField("hdr_len", 0),
        ShortField("payload_len", 0),
        ByteField("path_type", 0),
        BitField("dt", 0, 2),
        BitField("dl", 0, 2),
        BitField("st", 0, 2),
        BitField("sl", 0, 2),
        ShortField("rsv", 0),
        ShortField("dst_isd", 0),
        BitField("dst_as", 0, 48),
        ShortField("src_isd", 0),
        BitField("src_as", 0, 48),
        StrLenField("dst_host", b"", length_from=lambda p: 4 * (p.dl + 1)),
        StrLenField("src_host", b"", length_from=lambda p: 4 * (p.sl + 1)),
        StrLenField("path", b"", length_from=lambda p: max(0, p.hdr_len * 4 - p.addr_end())),
    ]

    def addr_end(self):
        return 12 + 16 + 4 * (self.dl + 1) + 4 * (self.sl + 1)


# SCION assigned-protocol-numbers.rst
SCION_HBH = 200
SCION_E2E = 201
SCION_EXPERIMENT = 253  # "use for experimentation and testing"; ID-INT (old revision)


class SCIONExt(_Header):
    """SCION extension-header.rst: Hop-by-Hop (NextHdr 200) / End-to-End (201) Options Header:
    NextHdr(8) | ExtLen(8) | Options. The spec text says the length is "4B * ExtLen"; the
    reference implementation (scionproto/scion pkg/slayers extn.go) and every ID-INT
    implementation use (ExtLen + 1) * 4 bytes, as IPv6 does, which is what is used here."""

    name = "SCION Extension"
    fields_desc = [
        ByteField("next_hdr", 0),
        ByteField("ext_len", 0),
        StrLenField("options", b"", length_from=lambda p: p.wire_len() - 2),
    ]

    def wire_len(self):
        return (self.ext_len + 1) * 4


class SCIONOption(_Header):
    """SCION extension-header.rst "TLV-encoded Options": OptType(8) | OptDataLen(8) | OptData;
    Pad1 (type 0) is a single byte without length and data."""

    name = "SCION Option"
    fields_desc = [
        ByteField("opt_type", 1),
        ConditionalField(ByteField("opt_data_len", 0), lambda p: p.opt_type != 0),
        ConditionalField(StrLenField("opt_data", b"", length_from=lambda p: p.opt_data_len),
                         lambda p: p.opt_type != 0),
    ]

    def wire_len(self):
        return 1 if self.opt_type == 0 else 2 + self.opt_data_len


# ---------------------------------------------------------------------------------------------
# ID-INT
# ---------------------------------------------------------------------------------------------

def _verifier_fields(cond):
    # "VerifierISD(16) VerifierAS(48) VerifierHostAddr (4-16 bytes)" if Vrf == 0; VL encodes the
    # length "with the same encoding as the DT/ST fields in the SCION address header".
    return [
        ConditionalField(ShortField("verifier_isd", 0), cond),
        ConditionalField(BitField("verifier_as", 0, 48), cond),
        ConditionalField(StrLenField("verifier_host", b"", length_from=lambda p: 4 * (p.vl + 1)),
                         cond),
    ]


def _main_word0():
    # Ver(3) | I | D | E | X | R | Mod(2) | Vrf(2) | VT(2) | VL(2)   (both revisions)
    return [
        BitField("ver", 0, 3),
        BitField("flag_i", 0, 1),
        BitField("flag_d", 0, 1),
        BitField("flag_e", 0, 1),
        BitField("flag_x", 0, 1),
        BitField("flag_r", 0, 1),
        BitField("mod", 0, 2),
        BitField("vrf", 0, 2),
        BitField("vt", 0, 2),
        BitField("vl", 0, 2),
    ]


def _inst_fields():
    # InstF(4) | AF1(3) | AF2(3) | AF3(3) | AF4(3) / Inst1..Inst4 (8 each)
    return [
        BitField("inst_f", 0, 4),
        BitField("af1", 0, 3),
        BitField("af2", 0, 3),
        BitField("af3", 0, 3),
        BitField("af4", 0, 3),
        XByteField("inst1", 0),
        XByteField("inst2", 0),
        XByteField("inst3", 0),
        XByteField("inst4", 0),
        BitField("src_ts", 0, 48),
        ShortField("src_port", 0),
    ]


class IDINTOld(_Header):
    """IDINT-OLD "ID-INT Main Header" (NextHdr 253 in the SCION or HBH header):
    Ver(3) | I | D | E | X | R | Mod(2) | Vrf(2) | VT(2) | VL(2) | Length(8) | NextHdr(8) /
    DelayHops(6) | Res(2) | MaxStackLen(8) | InstF(4) | AF1..AF4(3 each) /
    Inst1..Inst4 / Source Timestamp(48) | Source Port(16) / [Verifier if Vrf == 0] /
    Telemetry Stack (Length 4-byte words; entries pushed on top, source entry last).
    The text says "20 to 40 bytes"; with a 16-byte verifier host it is 44."""

    name = "ID-INT (old, NextHdr 253)"
    fields_desc = _main_word0() + [
        ByteField("length", 0),
        ByteField("next_hdr", 0),
        BitField("delay_hops", 0, 6),
        BitField("res", 0, 2),
        ByteField("max_stack_len", 0),
    ] + _inst_fields() + _verifier_fields(lambda p: p.vrf == 0) + [
        StrLenField("stack", b"", length_from=lambda p: p.length * 4),
    ]

    def main_len(self):
        return 20 + (8 + 4 * (self.vl + 1) if self.vrf == 0 else 0)


class IdIntOption(_Header):
    """IDINT-NEW "ID-INT Main Option Header (IdIntOption)", a SCION HBH option aligned 4n+2:
    OptType(8) | OptDataLen(8) / Ver(3) | I | D | E | X | R | Mod | Vrf | VT | VL | StackLen(8) |
    TOS(8) / DelayHops(6) | Reserved(10) | InstF | AF1..AF4 / Inst1..4 / Source Timestamp(48) |
    Source Port(16) / [Verifier if Vrf == 0]. 22 to 46 bytes. StackLen: allocated stack space
    in 4-byte words; TOS: offset of the most recently written entry from the stack start, in
    4-byte words. OptType 253 (SCION's experimental HBH range, used by the reference
    implementations; the spec's example shows 2)."""

    name = "ID-INT IdIntOption"
    fields_desc = [
        ByteField("opt_type", 253),
        ByteField("opt_data_len", 0),
    ] + _main_word0() + [
        ByteField("stack_len", 0),
        ByteField("tos", 0),
        BitField("delay_hops", 0, 6),
        BitField("rsvd", 0, 10),
    ] + _inst_fields() + _verifier_fields(lambda p: p.vrf == 0)

    def wire_len(self):
        # computed from the fields, not from OptDataLen (whose meaning the spec leaves open)
        return 22 + (8 + 4 * (self.vl + 1) if self.vrf == 0 else 0)


def ml_len_old(ml):
    """IDINT-OLD "ML": 0xx = 0 bytes, 100 = 2, 101 = 4, 110 = 6, 111 = 8."""
    return 2 * ((ml & 3) + 1) if ml & 4 else 0


def ml_len_new(ml):
    """IDINT-NEW (c3034dc) "ML": length in units of two bytes, 0 = absent, > 4 reserved
    (None)."""
    return 2 * ml if ml <= 4 else None


def _entry_fields(ml_len, pad_base):
    # Flags S I E A C Res(3) | Hop(6) Res(2) | Mask(4) ML1..ML4(3 each) [| Nonce(96) if C]
    # | Metadata: node id (4, Mask bit 0), node count (2, bit 1), ingress IF (2, bit 2),
    # egress IF (2, the spec's "Bit 4", i.e. the fourth bit 0x1), slots 1-4 (ML bytes each)
    # | padding to a multiple of 4 | MAC (4).
    def md_len(p):
        n = (4 if p.mask & 8 else 0) + (2 if p.mask & 4 else 0) + \
            (2 if p.mask & 2 else 0) + (2 if p.mask & 1 else 0)
        for ml in (p.ml1, p.ml2, p.ml3, p.ml4):
            n += ml_len(ml) or 0
        return n

    def slot(i):
        return StrLenField("md%d" % i, b"",
                           length_from=lambda p: ml_len(getattr(p, "ml%d" % i)) or 0)

    return md_len, [
        BitField("flag_s", 0, 1),
        BitField("flag_i", 0, 1),
        BitField("flag_e", 0, 1),
        BitField("flag_a", 0, 1),
        BitField("flag_c", 0, 1),
        BitField("res", 0, 3),
        BitField("hop", 0, 6),
        BitField("res2", 0, 2),
        BitField("mask", 0, 4),
        BitField("ml1", 0, 3),
        BitField("ml2", 0, 3),
        BitField("ml3", 0, 3),
        BitField("ml4", 0, 3),
        ConditionalField(StrFixedLenField("nonce", b"", 12), lambda p: p.flag_c == 1),
        ConditionalField(IntField("node_id", 0), lambda p: bool(p.mask & 8)),
        ConditionalField(ShortField("node_cnt", 0), lambda p: bool(p.mask & 4)),
        ConditionalField(ShortField("igr_if", 0), lambda p: bool(p.mask & 2)),
        ConditionalField(ShortField("egr_if", 0), lambda p: bool(p.mask & 1)),
        slot(1), slot(2), slot(3), slot(4),
        StrLenField("pad", b"", length_from=lambda p: (-(md_len(p) + pad_base)) % 4),
        StrFixedLenField("mac", b"", 4),
    ]


_old_md_len, _old_entry_fields = _entry_fields(ml_len_old, 0)
_new_md_len, _new_entry_fields = _entry_fields(ml_len_new, 2)


class _EntryMixin:
    def flags_hop_bytes(self):
        """The entry's flags byte and hop-index byte as carried (conventions key 0x204)."""
        f = (self.flag_s << 7 | self.flag_i << 6 | self.flag_e << 5 | self.flag_a << 4 |
             self.flag_c << 3 | self.res)
        return bytes([f, self.hop << 2 | self.res2])

    def slots(self):
        """[(slot index 1-4, bytes)] of the present instruction slots."""
        return [(i, bytes(getattr(self, "md%d" % i))) for i in (1, 2, 3, 4)
                if getattr(self, "ml%d" % i) and self.ml_len(getattr(self, "ml%d" % i))]


class IDINTEntryOld(_EntryMixin, _Header):
    """IDINT-OLD "Telemetry Stack Entries": minimum 8 bytes, padded to a multiple of 4 bytes
    (padding counted from the entry start: header 4 + nonce 12 are multiples of 4)."""

    name = "ID-INT stack entry (old)"
    fields_desc = _old_entry_fields
    ml_len = staticmethod(ml_len_old)

    def wire_len(self):
        md = _old_md_len(self)
        return 4 + 12 * self.flag_c + md + (-md) % 4 + 4


class IdIntEntry(_EntryMixin, _Header):
    """IDINT-NEW "ID-INT Stack Entry Option Header (IdIntEntry)": OptType(8)=254 |
    OptDataLen(8) | the old entry fields, aligned 4n, length a multiple of 4 (so padding is
    (-(metadata + 2)) mod 4: 6 header bytes)."""

    name = "ID-INT IdIntEntry"
    fields_desc = [ByteField("opt_type", 254), ByteField("opt_data_len", 0)] + _new_entry_fields
    ml_len = staticmethod(ml_len_new)

    def wire_len(self):
        md = _new_md_len(self)
        return 6 + 12 * self.flag_c + md + (-(md + 2)) % 4 + 4

    def ml_reserved(self):
        return any(ml > 4 for ml in (self.ml1, self.ml2, self.ml3, self.ml4))


IDINT_OPT_MAIN = 253
IDINT_OPT_ENTRY = 254
