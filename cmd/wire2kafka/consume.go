package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"wire2kafka/cmd/wire2kafka/consume"
	"wire2kafka/config"
	"wire2kafka/report/intgen"
	"wire2kafka/report/pcap"
)

func init() {
	register(command{
		name:    "consume",
		summary: "read wire2kafka topics: decode, print, verify against a truth file, write pcap",
		run:     runConsume,
	})
}

func runConsume(args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return consumeCmd(ctx, args, os.Stdout, os.Stderr)
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// consumeCmd parses the consume flags, reads the topics and writes what
// the flags ask for to stdout. It returns an error (exit 1) when a message
// cannot be decoded or --verify finds a difference.
func consumeCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("consume", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var rc consume.ReaderConfig
	var topics, props listFlag
	brokers := os.Getenv("KAFKA_BOOTSTRAP")
	if brokers == "" {
		brokers = "127.0.0.1:19092"
	}
	fs.StringVar(&rc.Brokers, "b", brokers, "bootstrap brokers (default $KAFKA_BOOTSTRAP or 127.0.0.1:19092)")
	fs.StringVar(&rc.Brokers, "brokers", brokers, "same as -b")
	fs.Var(&topics, "t", "topic, or a pattern starting with ^ (e.g. ^AS); repeatable")
	fs.StringVar(&rc.Group, "G", "", "consumer group (subscribe and commit offsets); default: assign all partitions, commit nothing")
	fs.StringVar(&rc.Offset, "o", "beginning", "start offset: beginning, end, stored, N, or -N (last N per partition)")
	fs.BoolVar(&rc.ExitAtEnd, "e", false, "exit when every partition is at its end")
	fs.IntVar(&rc.MaxMessages, "c", 0, "exit after this many messages (0: no limit)")
	fs.Var(&props, "X", "librdkafka consumer setting key=value (TLS, SASL, ...); repeatable; sasl.password_file=PATH (and the other *_file secrets of kafka.producer) reads the secret from a file")
	format := fs.String("format", "json", "per-message output: json (one line per message), text, or none")
	verify := fs.String("verify", "", "ground-truth file of `wire2kafka gen`: compare every report, exit non-zero on any difference")
	pcapFile := fs.String("pcap", "", "write the packets of packet-batch messages to this pcap file (nanosecond, Ethernet)")
	summary := fs.Bool("summary", false, "print reports per topic and flow, one decoded report and totals at the end")
	timeout := fs.Duration("timeout", 0, "stop after this long (0: no limit)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: wire2kafka consume [flags] -t TOPIC [-t TOPIC...]\n\n"+
			"Reads wire2kafka topics and decodes every message type (report, report-batch,\n"+
			"packet-batch, histogram; SCION-INT reports without headers too). With --summary or\n"+
			"--verify, per-message output is off unless --format is given.\n\n"+
			"Examples:\n"+
			"  wire2kafka consume -t '^AS' -e --summary\n"+
			"  wire2kafka consume -t ASff00_0_1-1 -e --verify x.truth.jsonl\n"+
			"  wire2kafka consume -t raw -e --pcap out.pcap --format none\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (topics go with -t)", fs.Arg(0))
	}
	if len(topics) == 0 {
		fs.Usage()
		return errors.New("need at least one -t topic")
	}
	rc.Topics = topics
	rc.Librdkafka = map[string]string{}
	for _, p := range props {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			return fmt.Errorf("-X %q: want key=value", p)
		}
		if name, ok := strings.CutSuffix(k, "_file"); ok { // a secret from a file, as in kafka.producer
			secret, err := config.ReadSecretFile(name, v)
			if err != nil {
				return fmt.Errorf("-X %s: %w", k, err)
			}
			k, v = name, secret
		}
		rc.Librdkafka[k] = v
	}
	formatSet := false
	fs.Visit(func(f *flag.Flag) { formatSet = formatSet || f.Name == "format" })
	if !formatSet && (*summary || *verify != "") {
		*format = "none"
	}
	var write func(io.Writer, *consume.Message, *consume.Decoded) error
	switch *format {
	case "json":
		write = consume.WriteJSON
	case "text":
		write = consume.WriteText
	case "none":
	default:
		return fmt.Errorf("--format %q: want json, text or none", *format)
	}

	var verifier *consume.Verifier
	if *verify != "" {
		f, err := os.Open(*verify)
		if err != nil {
			return err
		}
		truth, err := intgen.ReadTruth(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *verify, err)
		}
		verifier = consume.NewVerifier(truth)
	}
	var pw *pcap.Writer
	if *pcapFile != "" {
		f, err := os.Create(*pcapFile)
		if err != nil {
			return err
		}
		defer f.Close()
		if pw, err = pcap.NewWriter(f, true, 0); err != nil {
			return err
		}
	}
	sum := consume.NewSummary()
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}

	bad, packets := 0, 0
	_, err := consume.Read(ctx, rc, func(m *consume.Message) error {
		d, err := consume.Decode(m)
		if err != nil {
			bad++
			fmt.Fprintln(stderr, err)
			return nil
		}
		sum.Add(m, d)
		if verifier != nil {
			verifier.Add(m, d)
		}
		if pw != nil && d.Packets != nil {
			for _, p := range d.Packets.Packets {
				if err := pw.WritePacket(p.TimeNs, p.Data, int(p.OrigLen)); err != nil {
					return err
				}
				packets++
			}
		}
		if write != nil {
			return write(stdout, m, d)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if pw != nil {
		if err := pw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "consume: wrote %d packets to %s\n", packets, *pcapFile)
	}
	if *summary {
		sum.Write(stdout)
	}
	var problems []string
	if bad > 0 {
		problems = append(problems, fmt.Sprintf("%d messages could not be decoded", bad))
	}
	if verifier != nil {
		r := verifier.Result()
		r.Write(stdout)
		if !r.OK() {
			problems = append(problems, "verify found differences")
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	if n, items := sum.Messages(); *summary || verifier != nil {
		fmt.Fprintf(stderr, "consume: %d messages, %d reports/packets\n", n, items)
	}
	return nil
}
