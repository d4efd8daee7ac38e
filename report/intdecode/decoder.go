package intdecode

import "wire2kafka/report"

// Decoder decodes mirrored INT packets into Reports. Allocate one per
// worker with NewDecoder; after that, decoding never allocates. A Decoder
// is not safe for concurrent use.
type Decoder struct {
	cfg         Config
	reportPorts portSet
	scionPorts  portSet
	mdPorts     portSet
	reports     []report.Report // MaxFrame/4+1, reused
	hops        []report.Hop    // hop pool shared by the reports of one packet
	usedHops    int             // hops of the pool taken by finished reports
	outer       FiveTuple
	inner       FiveTuple
	stats       Stats
	intSeen     bool                   // the current report had an INT-MD header
	intHdr      uint64                 // its KeyINTHeader value, 8 bytes big-endian
	intDS       uint64                 // its KeyINTDomain value, 6 bytes big-endian (DS ID != 0)
	keyOnly     bool                   // DispatchKey: stop at the flow key (no stacks)
	intEntries  [16]report.EntryHeader // per INT-MD instruction bit: its metadata entry header
	hdrEntry    report.EntryHeader     // KeyINTHeader, 8 bytes
	dsEntry     report.EntryHeader     // KeyINTDomain, 6 bytes
	trEntries   trEntries              // Telemetry Report fixed fields
	layouts     []report.StackLayout   // per report slot: the layout of its last stack (Config.StackInFrame)
	cur         int                    // the report slot newReport handed out last
	idint       idintInFrame           // ID-INT stacks left in the frame (Config.StackInFrame)
	idN         int                    // entries of the current ID-INT stack recorded in idint.recs
}

// Stats describes the last Decode call beyond its returned reports.
type Stats struct {
	// Lost counts the individual reports of the packet that were dropped,
	// by reason. A Telemetry Report group loses only its bad reports; the
	// others are returned.
	Lost [NumReasons]uint16
	// PartialStacks counts returned reports whose embedded INT stack was
	// cut by the reporting switch's truncation: the complete hops are
	// kept.
	PartialStacks uint16
}

// LostTotal returns the number of individual reports lost.
func (s *Stats) LostTotal() int {
	n := 0
	for _, v := range s.Lost {
		n += int(v)
	}
	return n
}

// NewDecoder returns a Decoder for cfg (zero fields take defaults), or an
// error naming the invalid field.
func NewDecoder(cfg Config) (*Decoder, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	d := &Decoder{
		cfg:     c,
		reports: make([]report.Report, c.MaxFrame/4+1),
		hops:    make([]report.Hop, c.MaxFrame/4+report.MaxHops),
	}
	d.intEntries = intEntryHeaders()
	d.hdrEntry = report.MakeEntryHeader(report.KeyINTHeader, 8)
	d.dsEntry = report.MakeEntryHeader(report.KeyINTDomain, 6)
	d.trEntries = makeTREntries()
	if c.StackInFrame {
		d.layouts = make([]report.StackLayout, len(d.reports))
		d.idint = newIDINTInFrame()
	}
	d.reportPorts.addAll(c.ReportPorts)
	d.scionPorts.addAll(c.SCIONPorts)
	d.mdPorts.addAll(c.MDUDPPorts)
	return d, nil
}

// Stats returns the statistics of the last Decode call. The pointer stays
// valid; the values are overwritten by the next call.
func (d *Decoder) Stats() *Stats { return &d.stats }

// begin resets the per-packet state.
func (d *Decoder) begin() {
	d.stats = Stats{}
	d.usedHops = 0
}

// newReport returns the cleared report n with its hop window in the pool.
func (d *Decoder) newReport(n int, rxTime uint64) *report.Report {
	r := &d.reports[n]
	d.cur = n
	r.Reset()
	r.ReceiveTime = rxTime
	end := min(d.usedHops+report.MaxHops, len(d.hops))
	r.Hops = d.hops[d.usedHops:end:end]
	return r
}

// keep makes report r permanent: its hops leave the pool. A stack left in
// the frame counts as if its hops were in the pool, so that the pool's
// limits (ReasonTooManyHops) do not depend on Config.StackInFrame.
func (d *Decoder) keep(r *report.Report) { d.usedHops += r.NumHops + r.Stack.N }

// lose counts one individual report dropped for why.
func (d *Decoder) lose(why Reason) { d.stats.Lost[why]++ }

// Config returns the decoder's configuration with defaults applied.
func (d *Decoder) Config() Config { return d.cfg }

// Decode decodes one Ethernet frame received at rxTime (ns since the Unix
// epoch). UDP packets to a report port are decoded as Telemetry Reports,
// UDP packets from or to a SCION port as SCION with ID-INT; anything else is
// ReasonNotINT.
//
// On ReasonOK it returns one or more reports. The slice and the reports
// belong to the decoder and are overwritten by the next call;
// Report.Truncated points into frame. On any other reason the slice is
// empty. Decode never panics and does not allocate.
func (d *Decoder) Decode(frame []byte, rxTime uint64) ([]report.Report, Reason) {
	d.begin()
	if why := ParseFiveTuple(frame, &d.outer); why != ReasonOK {
		return nil, why
	}
	return d.decodeParsed(frame, rxTime)
}

// DecodeOuter is Decode for a frame whose outer headers a stage before
// parsed with ParseFiveTuple (o is that FiveTuple's Outer): the headers are
// not parsed again. Results as for Decode with the same frame; an o that
// does not fit the frame gives ReasonTruncated, never a panic.
func (d *Decoder) DecodeOuter(frame []byte, rxTime uint64, o Outer) ([]report.Report, Reason) {
	d.begin()
	if !d.outer.load(frame, o, false) {
		return nil, ReasonTruncated
	}
	return d.decodeParsed(frame, rxTime)
}

// decodeParsed decodes frame after its outer headers are in d.outer.
func (d *Decoder) decodeParsed(frame []byte, rxTime uint64) ([]report.Report, Reason) {
	if d.outer.Proto != ipProtoUDP || !d.outer.HasPorts {
		return nil, ReasonNotINT
	}
	switch {
	case d.reportPorts.has(d.outer.DstPort):
		return d.decodeTR(frame, rxTime)
	case d.scionPorts.has(d.outer.DstPort) || d.scionPorts.has(d.outer.SrcPort):
		return d.decodeIDINT(frame, rxTime)
	}
	return nil, ReasonNotINT
}

// DecodeTelemetryReport decodes frame as a Telemetry Report over UDP
// whatever its ports. Results as for Decode.
func (d *Decoder) DecodeTelemetryReport(frame []byte, rxTime uint64) ([]report.Report, Reason) {
	d.begin()
	if why := ParseFiveTuple(frame, &d.outer); why != ReasonOK {
		return nil, why
	}
	return d.decodeTR(frame, rxTime)
}

// DecodeIDINT decodes frame as SCION over IP/UDP with an ID-INT header
// whatever its ports. Results as for Decode.
func (d *Decoder) DecodeIDINT(frame []byte, rxTime uint64) ([]report.Report, Reason) {
	d.begin()
	if why := ParseFiveTuple(frame, &d.outer); why != ReasonOK {
		return nil, why
	}
	return d.decodeIDINT(frame, rxTime)
}

// truncate returns b cut to the configured maximum.
func (d *Decoder) truncate(b []byte) []byte {
	if len(b) > d.cfg.MaxTruncated {
		return b[:d.cfg.MaxTruncated]
	}
	return b
}
