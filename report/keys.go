package report

// wire2kafka's own metadata keys (>= 0x300) for report-level fields. They
// sit on the first hop of a report (the reporting node, or the newest
// ID-INT entry) and never collide with MetadataType (0-22) or the ID-INT
// keys (0x100-0x2ff). docs/formats.md section 4 lists their layouts.
const (
	// KeyTRGroup: TR version (1 byte), hw_id (1), sequence number (4).
	KeyTRGroup = 0x300
	// KeyTRReport: RepType<<4|InType (1 byte), flags D=0x80 Q=0x40 F=0x20
	// I=0x10 (1 byte).
	KeyTRReport = 0x301
	// KeyTRDomain: Domain Specific ID, DSMdBits, DSMdStatus (2 bytes each).
	KeyTRDomain = 0x302
	// KeyTRDomainMD: domain-specific metadata words, 8 bytes per key from
	// KeyTRDomainMD (at most MaxDomainMD bytes).
	KeyTRDomainMD = 0x310
	// KeyINTHeader: shim type, NPT, INT version, flags D<<2|E<<1|M, Hop ML,
	// Remaining Hop Count, instruction bitmap (2 bytes).
	KeyINTHeader = 0x320
	// KeyINTDomain: DS ID, DS Instruction, DS Flags (2 bytes each).
	KeyINTDomain = 0x321
	// KeyIDINTMain: revision (0 = NextHdr 253, 1 = HBH option), main flags
	// byte, Mod|Vrf|VT|VL byte, DelayHops byte.
	KeyIDINTMain = 0x340
	// KeyIDINTInstr: InstF|AF1..AF4 (2 bytes), Inst1..Inst4 (4 bytes).
	KeyIDINTInstr = 0x341
)

// MaxDomainMD is the most Telemetry Report domain-specific metadata bytes
// exported (under KeyTRDomainMD and KeyTRDomainMD+1).
const MaxDomainMD = 16
