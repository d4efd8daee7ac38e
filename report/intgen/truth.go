package intgen

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"wire2kafka/report/intdecode"

	"google.golang.org/protobuf/encoding/protojson"

	"wire2kafka/report"
	"wire2kafka/report/reportpb"
)

// TruthLine is one line of a ground-truth file (JSON lines). The first
// line has Type "header"; then, in packet order, one "report" line per
// report a correct pipeline produces and one "malformed" line per packet it
// must count as dropped with Reason. Index counts the reports of Flow from
// 0, so per-flow order is explicit.
type TruthLine struct {
	Type string `json:"type"` // header, report, malformed, lost

	// header
	Format       Format   `json:"format,omitempty"`
	Seed         uint64   `json:"seed,omitempty"`
	Flows        int      `json:"flows,omitempty"`
	Hops         int      `json:"hops,omitempty"`
	Packets      int      `json:"packets,omitempty"`
	Metadata     []uint32 `json:"metadata,omitempty"`
	ReportPorts  []uint16 `json:"report_ports,omitempty"`
	SCIONPorts   []uint16 `json:"scion_ports,omitempty"`
	MaxTruncated int      `json:"max_truncated,omitempty"`
	Mix          bool     `json:"mix,omitempty"`
	MDUDPPorts   []uint16 `json:"md_udp_ports,omitempty"`
	MDDSCP       string   `json:"md_dscp,omitempty"` // "0x17/0x3f" (value/mask) or "off"

	// report and malformed
	Packet int `json:"packet"` // 0-based packet number in the pcap

	// report
	Flow   int             `json:"flow"`
	Index  int             `json:"index"`
	KeyHex string          `json:"key_hex,omitempty"` // Kafka key bytes (AppendFlowKey), hex
	Key    json.RawMessage `json:"key,omitempty"`     // protojson of telemetry.report.FlowKey
	Report json.RawMessage `json:"report,omitempty"`  // protojson of telemetry.report.Report

	// malformed (a packet yielding no report) and lost (one individual
	// report of a packet whose other reports are written)
	Reason string `json:"reason,omitempty"` // intdecode.Reason name
}

type truthWriter struct {
	w   *bufio.Writer
	enc *json.Encoder
	key []byte
}

func newTruthWriter(w io.Writer) *truthWriter {
	bw := bufio.NewWriter(w)
	return &truthWriter{w: bw, enc: json.NewEncoder(bw)}
}

func (t *truthWriter) header(o *Options) error {
	return t.enc.Encode(TruthLine{Type: "header", Format: o.Format, Seed: o.Seed, Flows: o.Flows, Hops: o.Hops,
		Packets: o.Packets, Metadata: o.Metadata, ReportPorts: o.Decoder.ReportPorts, SCIONPorts: o.Decoder.SCIONPorts,
		MaxTruncated: o.Decoder.MaxTruncated, Mix: o.Mix, MDUDPPorts: o.Decoder.MDUDPPorts,
		MDDSCP: mdDSCPString(&o.Decoder)})
}

func (t *truthWriter) report(pkt, flow, index int, r *report.Report) error {
	key, err := protojson.Marshal(r.Key.Proto())
	if err != nil {
		return fmt.Errorf("intgen: truth key: %w", err)
	}
	rep, err := protojson.Marshal(r.Proto())
	if err != nil {
		return fmt.Errorf("intgen: truth report: %w", err)
	}
	t.key = report.AppendFlowKey(t.key[:0], &r.Key)
	return t.enc.Encode(TruthLine{Type: "report", Packet: pkt, Flow: flow, Index: index,
		KeyHex: hex.EncodeToString(t.key), Key: key, Report: rep})
}

func (t *truthWriter) malformed(pkt int, why intdecode.Reason) error {
	return t.enc.Encode(TruthLine{Type: "malformed", Packet: pkt, Reason: why.String()})
}

func (t *truthWriter) lost(pkt int, why intdecode.Reason) error {
	return t.enc.Encode(TruthLine{Type: "lost", Packet: pkt, Reason: why.String()})
}

func (t *truthWriter) flush() error { return t.w.Flush() }

// TruthReport is a parsed "report" line.
type TruthReport struct {
	Packet, Flow, Index int
	KeyBytes            []byte
	Key                 *reportpb.FlowKey
	Report              *reportpb.Report
}

// Truth is a parsed ground-truth file.
type Truth struct {
	Header    TruthLine
	Reports   []TruthReport // in packet order
	Malformed []TruthLine   // in packet order
	// Lost are individual reports dropped inside packets whose other
	// reports are written (counted in report_errors_total), in packet order.
	Lost []TruthLine
}

// ReadTruth parses a ground-truth file written by Generate.
func ReadTruth(r io.Reader) (*Truth, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	t := &Truth{}
	for n := 1; sc.Scan(); n++ {
		var l TruthLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("intgen: truth line %d: %w", n, err)
		}
		switch l.Type {
		case "header":
			t.Header = l
		case "malformed":
			t.Malformed = append(t.Malformed, l)
		case "lost":
			t.Lost = append(t.Lost, l)
		case "report":
			tr := TruthReport{Packet: l.Packet, Flow: l.Flow, Index: l.Index, Key: &reportpb.FlowKey{}, Report: &reportpb.Report{}}
			var err error
			if tr.KeyBytes, err = hex.DecodeString(l.KeyHex); err != nil {
				return nil, fmt.Errorf("intgen: truth line %d: key_hex: %w", n, err)
			}
			if err := protojson.Unmarshal(l.Key, tr.Key); err != nil {
				return nil, fmt.Errorf("intgen: truth line %d: key: %w", n, err)
			}
			if err := protojson.Unmarshal(l.Report, tr.Report); err != nil {
				return nil, fmt.Errorf("intgen: truth line %d: report: %w", n, err)
			}
			t.Reports = append(t.Reports, tr)
		default:
			return nil, fmt.Errorf("intgen: truth line %d: unknown type %q", n, l.Type)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("intgen: truth: %w", err)
	}
	return t, nil
}

// ReportsByKey groups the expected reports by Kafka key (string of the
// FlowKey bytes), each list in the order a consumer of that key must see
// them. End-to-end tests compare it with what they read from Kafka, after
// clearing receive_time_ns (the pipeline stamps its own).
func (t *Truth) ReportsByKey() map[string][]*reportpb.Report {
	m := make(map[string][]*reportpb.Report)
	for _, r := range t.Reports {
		m[string(r.KeyBytes)] = append(m[string(r.KeyBytes)], r.Report)
	}
	return m
}

// mdDSCPString writes the decoder's INT DSCP setting as "value/mask" or
// "off".
func mdDSCPString(c *intdecode.Config) string {
	if c.MDDSCPOff {
		return "off"
	}
	return fmt.Sprintf("%#x/%#x", c.MDDSCP, c.MDDSCPMask)
}
