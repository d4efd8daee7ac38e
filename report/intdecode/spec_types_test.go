package intdecode_test

// Types of the spec conformance cases (spec_tr_test.go, spec_int_test.go,
// spec_idint_test.go). The cases are packets assembled byte by byte from the
// specs' text and examples, sharing no code with report/intgen; the runner
// (spec_run_test.go) decodes each frame and compares the result with Want.
//
// Metadata comparison: every key listed in a specHop.MD must be present with
// exactly that value. Keys 0-22 (MetadataType) and 0x100-0x2ff (ID-INT
// private keys) that the decoder emits but the case does not list are an
// error ("nothing extra"); keys >= 0x300 (wire2kafka report-level keys, see
// docs/formats.md) are compared only when the case lists them.

// specConfig holds the decoder settings a case needs beyond the defaults.
type specConfig struct {
	ReportPorts []uint16       // Telemetry Report UDP destination ports; default [32766]
	SCIONPorts  []uint16       // SCION underlay UDP ports; default [30041, 30042, 50000]
	MDDSCP      *[2]uint8      // int.md_dscp {value, mask}; nil = default {0x17, 0x3f}
	MDDSCPOff   bool           // int.md_dscp: off
	MDUDPPorts  []uint16       // int.md_udp_ports (INT_TBD); default none
	SourceOnly  map[uint16]int // int.source_only_md: INT domain id -> source-only metadata bytes
}

// specKey is the expected FlowKey (the Kafka key): the monitored flow.
type specKey struct {
	SrcIP, DstIP     string // netip text form ("10.0.0.1", "2001:db8::1"); "" = absent
	SrcPort, DstPort uint16
	Proto            string // "udp", "tcp" or "" (none)
	SrcAS, DstAS     uint64 // SCION AS numbers (48 bits), 0 = absent
	FlowID           uint32 // SCION flow id, 0 = absent
}

// specHop is one expected hop, sink (newest) first.
type specHop struct {
	NodeID uint32
	ASN    uint64
	MD     map[uint32]string // metadata key -> value as lower-case hex, no separators
}

// specReport is one expected report.
type specReport struct {
	Key        specKey
	PacketType string // "none", "ethernet", "ipv4", "ipv6" or "scion"
	Hops       []specHop
}

// specCase is one packet and what a conforming decoder makes of it.
type specCase struct {
	Name   string
	Cites  string // the spec, revision and section the packet follows
	Config specConfig
	Frame  []byte // the whole Ethernet frame
	// Want are the reports, in packet order.
	Want []specReport
	// Lost counts the individual reports of this packet that are dropped,
	// by reason name (intdecode.Reason.String(): "bad_length", "truncated",
	// "bad_version", "unsupported", "too_many_hops", ...). Nil = none.
	Lost map[string]int
	// Reason is the packet-level outcome when Want is empty: the reason
	// the whole packet yields no report ("not_int", "bad_version", ...).
	// Ignored when Want is not empty (the packet-level outcome is then ok).
	Reason string
}
