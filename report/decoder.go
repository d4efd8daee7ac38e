package report

// Decoder decodes mirrored INT packets into Reports. Allocate one per
// worker with NewDecoder; after that, decoding never allocates. A Decoder
// is not safe for concurrent use.
type Decoder struct {
	cfg         Config
	reportPorts portSet
	scionPorts  portSet
	reports     []Report // len MaxReports, reused
	outer       FiveTuple
	inner       FiveTuple
}

// NewDecoder returns a Decoder for cfg (zero fields take defaults), or an
// error naming the invalid field.
func NewDecoder(cfg Config) (*Decoder, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	d := &Decoder{cfg: c, reports: make([]Report, c.MaxReports)}
	d.reportPorts.addAll(c.ReportPorts)
	d.scionPorts.addAll(c.SCIONPorts)
	return d, nil
}

// Config returns the decoder's configuration with defaults applied.
func (d *Decoder) Config() Config { return d.cfg }

// Outer returns the 5-tuple of the outer packet of the last Decode call
// (valid when that call got past the IP header).
func (d *Decoder) Outer() *FiveTuple { return &d.outer }

// Decode decodes one Ethernet frame received at rxTime (ns since the Unix
// epoch). UDP packets to a report port are decoded as Telemetry Reports,
// UDP packets from or to a SCION port as SCION with ID-INT; anything else is
// ReasonNotINT.
//
// On ReasonOK it returns one or more reports. The slice and the reports
// belong to the decoder and are overwritten by the next call;
// Report.Truncated points into frame. On any other reason the slice is
// empty. Decode never panics and does not allocate.
func (d *Decoder) Decode(frame []byte, rxTime uint64) ([]Report, Reason) {
	if why := ParseFiveTuple(frame, &d.outer); why != ReasonOK {
		return nil, why
	}
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
func (d *Decoder) DecodeTelemetryReport(frame []byte, rxTime uint64) ([]Report, Reason) {
	if why := ParseFiveTuple(frame, &d.outer); why != ReasonOK {
		return nil, why
	}
	return d.decodeTR(frame, rxTime)
}

// DecodeIDINT decodes frame as SCION over IP/UDP with an ID-INT header
// whatever its ports. Results as for Decode.
func (d *Decoder) DecodeIDINT(frame []byte, rxTime uint64) ([]Report, Reason) {
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
