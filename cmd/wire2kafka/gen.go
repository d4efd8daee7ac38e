package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"wire2kafka/report/intgen"
)

func init() {
	register(command{
		name:    "gen",
		summary: "write a pcap of INT traffic and its ground-truth file",
		run:     runGen,
	})
}

func runGen(args []string) error {
	return gen(args, os.Stdout, os.Stderr)
}

// gen parses the gen flags, writes the capture and the truth file and
// prints a summary line to stdout.
func gen(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o intgen.Options
	format := fs.String("format", "tr", "INT format: tr (Telemetry Report v2.0 over UDP) or idint (SCION ID-INT over IP/UDP)")
	out := fs.String("o", "", "capture file to write (pcap; required)")
	truth := fs.String("truth", "", "ground-truth file to write (JSON lines; default: capture name with .truth.jsonl)")
	fs.IntVar(&o.Flows, "flows", 4, "number of flows")
	fs.IntVar(&o.Hops, "hops", 3, "INT hops per report (1-16)")
	fs.IntVar(&o.Packets, "packets", 100, "number of packets")
	md := fs.String("md", "", "metadata per hop, comma separated: tr: MetadataType numbers 1-8 (default 2,3,4); idint: up to 4 instruction bytes (default 0x81,0x82,0x4d,0x8b)")
	fs.IntVar(&o.Size, "size", 0, "target frame size in bytes; frames are padded up to it (0: no padding)")
	fs.DurationVar(&o.Gap, "gap", 10*time.Microsecond, "mean inter-arrival time")
	fs.BoolVar(&o.Exponential, "exp", false, "exponentially distributed inter-arrival times (default: fixed gap)")
	fs.Float64Var(&o.Malformed, "malformed", 0, "fraction of malformed packets (0-1)")
	fs.IntVar(&o.ReportsPerPacket, "reports-per-packet", 1, "individual reports per Telemetry Report group (tr only)")
	fs.Uint64Var(&o.Seed, "seed", 1, "random seed; equal flags and seed give identical files")
	start := fs.String("start", "", "time of the first packet, RFC 3339 (default 2026-01-01T00:00:00Z)")
	fs.BoolVar(&o.Micro, "micro", false, "microsecond pcap timestamps (default nanosecond)")
	fs.BoolVar(&o.Mix, "mix", false, "every variant: tr: TR v2.0 INT and Inner Only reports, domain-specific metadata, drop reports, TR v1.0 and v0.5, inner Ethernet/802.1Q/IPv4/IPv6, TCP and UDP, INT by DSCP (NPT 0) and by INT_TBD port (NPT 1, 2); idint: both ID-INT wire revisions")
	mdPorts := fs.String("md-udp-ports", "", "INT_TBD UDP ports of the inner packets, comma separated, as configured in int.md_udp_ports (default with -mix: 5000)")
	reportPorts := fs.String("report-ports", "", "UDP ports of Telemetry Report collectors, comma separated (default 32766)")
	scionPorts := fs.String("scion-ports", "", "SCION underlay UDP ports, comma separated (default 30041,30042,50000)")
	fs.IntVar(&o.Decoder.MaxTruncated, "max-truncated", 0, "truncated packet bytes kept per report, as configured in the pipeline (default 128)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: wire2kafka gen -o FILE.pcap [flags]\n\n"+
			"Writes a capture of mirrored INT packets and a ground-truth file listing, per\n"+
			"flow and in order, the reports a correct pipeline must produce and the malformed\n"+
			"packets it must count (with their reason). See docs/formats.md.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *out == "" {
		fs.Usage()
		return errors.New("-o FILE is required")
	}
	o.Format = intgen.Format(*format)
	var err error
	if o.Metadata, err = parseUints(*md, 32); err != nil {
		return fmt.Errorf("-md: %w", err)
	}
	if *md == "" {
		o.Metadata = nil
	}
	if o.Decoder.ReportPorts, err = parsePorts(*reportPorts); err != nil {
		return fmt.Errorf("-report-ports: %w", err)
	}
	if o.Decoder.SCIONPorts, err = parsePorts(*scionPorts); err != nil {
		return fmt.Errorf("-scion-ports: %w", err)
	}
	if o.Decoder.MDUDPPorts, err = parsePorts(*mdPorts); err != nil {
		return fmt.Errorf("-md-udp-ports: %w", err)
	}
	if *start != "" {
		t, err := time.Parse(time.RFC3339Nano, *start)
		if err != nil {
			return fmt.Errorf("-start: %w", err)
		}
		o.Start = uint64(t.UnixNano())
	}
	if err := o.Validate(); err != nil {
		return err
	}
	if *truth == "" {
		*truth = strings.TrimSuffix(*out, ".pcap") + ".truth.jsonl"
	}
	sum, err := writeCapture(o, *out, *truth)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d packets, %d bytes) and %s (%d reports, %d malformed, %d lost in packets with other reports)\n",
		*out, sum.Packets, sum.Bytes, *truth, sum.Reports, sum.Malformed, sum.Lost)
	return nil
}

// writeCapture creates both files and runs the generator.
func writeCapture(o intgen.Options, capPath, truthPath string) (intgen.Summary, error) {
	cf, err := os.Create(capPath)
	if err != nil {
		return intgen.Summary{}, err
	}
	defer cf.Close()
	tf, err := os.Create(truthPath)
	if err != nil {
		return intgen.Summary{}, err
	}
	defer tf.Close()
	sum, err := intgen.Generate(o, cf, tf)
	if err != nil {
		return sum, err
	}
	if err := cf.Close(); err != nil {
		return sum, err
	}
	return sum, tf.Close()
}

// parseUints parses a comma-separated list of numbers (decimal or 0x hex).
func parseUints(s string, bits int) ([]uint32, error) {
	out := []uint32{}
	if s == "" {
		return out, nil
	}
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseUint(strings.TrimSpace(f), 0, bits)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", f, err)
		}
		out = append(out, uint32(v))
	}
	return out, nil
}

// parsePorts parses a comma-separated list of UDP ports; "" gives nil.
func parsePorts(s string) ([]uint16, error) {
	if s == "" {
		return nil, nil
	}
	vs, err := parseUints(s, 16)
	if err != nil {
		return nil, err
	}
	ps := make([]uint16, len(vs))
	for i, v := range vs {
		if v == 0 {
			return nil, errors.New("port 0")
		}
		ps[i] = uint16(v)
	}
	return ps, nil
}
