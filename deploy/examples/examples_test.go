// Package examples holds client examples in other languages and the tests
// that run them against a real broker: consumer.py (confluent-kafka and
// protobuf from PyPI, Python classes generated from report/report.proto).
package examples

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"wire2kafka/report/intdecode"

	"wire2kafka/kafkaout"
	"wire2kafka/kafkaout/kafkatest"
	"wire2kafka/report"
	"wire2kafka/report/intgen"
	"wire2kafka/report/pcap"
)

func TestMain(m *testing.M) { os.Exit(kafkatest.Run(m)) }

// venv returns the python of a virtual environment with requirements.txt
// installed; it is kept in the cache (WIRE2KAFKA_CACHE or
// ~/.cache/wire2kafka) under the hash of requirements.txt.
func venv(t *testing.T) string {
	t.Helper()
	if err := exec.Command("python3", "-m", "venv", "--help").Run(); err != nil {
		t.Fatalf("python3 -m venv is not available (make deps installs python3-venv): %v", err)
	}
	req, err := os.ReadFile("requirements.txt")
	if err != nil {
		t.Fatal(err)
	}
	cache := os.Getenv("WIRE2KAFKA_CACHE")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache", "wire2kafka")
	}
	sum := sha256.Sum256(req)
	dir := filepath.Join(cache, "pyvenv-"+hex.EncodeToString(sum[:6]))
	py := filepath.Join(dir, "bin", "python")
	if _, err := os.Stat(filepath.Join(dir, ".complete")); err == nil {
		return py
	}
	os.RemoveAll(dir)
	if out, err := exec.Command("python3", "-m", "venv", dir).CombinedOutput(); err != nil {
		t.Fatalf("python3 -m venv: %v\n%s", err, out)
	}
	if out, err := exec.Command(py, "-m", "pip", "install", "-q", "-r", "requirements.txt").CombinedOutput(); err != nil {
		t.Fatalf("pip install -r requirements.txt: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(dir, ".complete"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return py
}

// TestPythonConsumer writes report batches and single reports through the
// Producer and checks that consumer.py decodes every report with Python
// classes generated from report/report.proto at test time.
func TestPythonConsumer(t *testing.T) {
	py := venv(t)
	gen := t.TempDir()
	root, err := kafkatest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("protoc", "-I", filepath.Join(root, "report"), "--python_out="+gen,
		filepath.Join(root, "report", "report.proto")).CombinedOutput(); err != nil {
		t.Fatalf("protoc --python_out: %v\n%s", err, out)
	}
	bootstrap := kafkatest.Bootstrap(t)
	topic := kafkatest.NewTopic(t, 2)
	p, err := kafkaout.NewProducer(kafkaout.ProducerConfig{Librdkafka: map[string]string{"bootstrap.servers": bootstrap}, Topics: []string{topic}})
	if err != nil {
		t.Fatal(err)
	}
	const flows, batches, per = 3, 4, 5
	var r report.Report
	reports := 0
	for s := uint64(1); s <= batches; s++ {
		for f := range flows {
			k := report.FlowKey{SrcAS: 0xff00_0000_0001, DstAS: 0xff00_0000_0100, FlowID: uint32(f), SrcPort: 40000, DstPort: uint16(1000 + f), Protocol: report.ProtoUDP}
			k.SrcIP.SetIPv4([]byte{10, 1, 0, byte(f)})
			k.DstIP.SetIPv4([]byte{10, 2, 0, byte(f)})
			m := p.Acquire()
			m.Key = report.AppendFlowKey(m.Key, &k)
			m.Topic, m.Sequence = topic, s
			n := per
			if f == 0 { // flow 0 in single mode: one Report per message
				n = 1
			}
			for i := range n {
				r.Reset()
				r.Key, r.PacketType, r.ReceiveTime = k, report.PacketIPv4, uint64(time.Now().UnixNano())
				h := r.NewHop()
				h.ASN, h.NodeID = 0xff00_0000_0001, uint32(0xabc000+int(s)*16+i)
				h.Add(2, []byte{0, 0, 1, byte(i)})
				if n == 1 {
					r.Sequence = s
					m.Value = report.AppendReport(m.Value, &r)
				} else {
					m.Value = report.AppendBatchEntry(m.Value, &r)
				}
			}
			if n == 1 {
				m.Type, m.Count = kafkaout.PayloadReport, 1
			} else {
				m.Value = report.AppendBatchTrailer(m.Value, &report.BatchTrailer{Sequence: s, ProducerID: "example", ReportOffset: (s - 1) * per})
				m.Type, m.Count = kafkaout.PayloadReportBatch, uint32(n)
			}
			reports += n
			p.Submit(m)
		}
	}
	if err := p.Close(20 * time.Second); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "consumer.py", "--gen", gen, "-b", bootstrap, "-t", topic, "-e")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("consumer.py: %v\n%s", err, out)
	}
	text := string(out)
	want := fmt.Sprintf("total: %d messages, %d reports", flows*batches, reports)
	if !strings.Contains(text, want) {
		t.Fatalf("consumer.py output lacks %q:\n%s", want, text)
	}
	if n := len(regexp.MustCompile(`(?m)^  report rx_ns=\d+ seq=\d+ packet=0B hops=1: ff0000000001/0xabc`).FindAllString(text, -1)); n != reports {
		t.Fatalf("%d decoded report lines, want %d:\n%s", n, reports, text)
	}
	if !strings.Contains(text, "report-batch count=5") || !strings.Contains(text, " report count=1 seq=") ||
		!strings.Contains(text, "key 10.1.0.1:40000 > 10.2.0.1:1001 flow=1") {
		t.Fatalf("consumer.py output:\n%s", text)
	}
	t.Logf("consumer.py output (head):\n%s", strings.Join(strings.SplitN(text, "\n", 12)[:11], "\n"))
}

// TestUpstreamSchemaConsumer writes single-report messages of every INT
// variant the generator makes (Telemetry Report v0.5/v1.0/v2.0, ID-INT in
// both revisions, decoded by wire2kafka's decoder) and reads them with
// consumer.py using classes generated from upstream SCION-INT's schema
// (scionint_report.proto), as an upstream consumer would: every report
// must parse, with the hops, metadata and packet type wire2kafka wrote.
func TestUpstreamSchemaConsumer(t *testing.T) {
	py := venv(t)
	gen := t.TempDir()
	// Upstream's file is report.proto; its Python module must be report_pb2.
	schema, err := os.ReadFile("scionint_report.proto")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(gen, "report.proto"), schema, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("protoc", "-I", gen, "--python_out="+gen, filepath.Join(gen, "report.proto")).CombinedOutput(); err != nil {
		t.Fatalf("protoc --python_out: %v\n%s", err, out)
	}
	bootstrap := kafkatest.Bootstrap(t)
	topic := kafkatest.NewTopic(t, 2)
	p, err := kafkaout.NewProducer(kafkaout.ProducerConfig{Librdkafka: map[string]string{"bootstrap.servers": bootstrap}, Topics: []string{topic}})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, o := range []intgen.Options{
		{Format: intgen.FormatTR, Mix: true, Flows: 8, Hops: 2, Packets: 60, ReportsPerPacket: 2, Seed: 31,
			Decoder: intdecode.Config{MDUDPPorts: []uint16{intgen.DefaultMDUDPPort}}},
		{Format: intgen.FormatIDINT, Mix: true, Flows: 4, Hops: 3, Packets: 20, Seed: 32},
	} {
		var capture, truth strings.Builder
		if _, err := intgen.Generate(o, &capture, &truth); err != nil {
			t.Fatal(err)
		}
		d, err := intdecode.NewDecoder(o.Decoder)
		if err != nil {
			t.Fatal(err)
		}
		pr, err := pcap.NewReader(strings.NewReader(capture.String()))
		if err != nil {
			t.Fatal(err)
		}
		for seq := uint64(1); ; seq++ {
			ts, data, _, err := pr.Next()
			if err != nil {
				break
			}
			rs, why := d.Decode(data, ts)
			if why != intdecode.ReasonOK {
				t.Fatalf("decode: %v", why)
			}
			for i := range rs {
				r := &rs[i]
				r.Sequence = seq
				m := p.Acquire()
				m.Key = report.AppendFlowKey(m.Key, &r.Key)
				m.Value = report.AppendReport(m.Value, r)
				m.Topic, m.Sequence, m.Type, m.Count = topic, seq, kafkaout.PayloadReport, 1
				p.Submit(m)
				want = append(want, upstreamReportLine(r))
			}
		}
	}
	if err := p.Close(20 * time.Second); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "consumer.py", "--schema", "scion-int", "--gen", gen, "-b", bootstrap, "-t", topic, "-e").CombinedOutput()
	if err != nil {
		t.Fatalf("consumer.py: %v\n%s", err, out)
	}
	var got []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "  upstream report ") {
			got = append(got, strings.TrimPrefix(l, "  "))
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if len(got) != len(want) {
		t.Fatalf("upstream consumer read %d reports, wrote %d:\n%s", len(got), len(want), out)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("upstream consumer read\n  %s\nwant\n  %s", got[i], want[i])
		}
	}
	t.Logf("upstream schema consumer read all %d reports; first: %s", len(got), got[0])
}

// upstreamReportLine formats r as consumer.py's upstream_report_text does.
func upstreamReportLine(r *report.Report) string {
	names := map[report.PacketType]string{report.PacketNone: "None", report.PacketEthernet: "Ethernet",
		report.PacketIPv4: "IPv4", report.PacketIPv6: "IPv6", report.PacketSCION: "SCION"}
	var hops []string
	for _, h := range r.HopList() {
		md := h.Metadata()
		sort.Slice(md, func(i, j int) bool { return md[i].Type < md[j].Type })
		var kv []string
		for _, m := range md {
			kv = append(kv, fmt.Sprintf("%d:%x", m.Type, m.Value()))
		}
		hops = append(hops, fmt.Sprintf("%x/%#x{%s}", h.ASN, h.NodeID, strings.Join(kv, ",")))
	}
	return fmt.Sprintf("upstream report type=%s packet=%dB hops=%d: %s", names[r.PacketType], len(r.Truncated), r.NumHops, strings.Join(hops, " "))
}

// TestPythonConsumerSecure: consumer.py reads through the real broker's
// SASL_SSL (SCRAM-SHA-512, password from a file) and mutual-TLS listeners.
func TestPythonConsumerSecure(t *testing.T) {
	py := venv(t)
	gen := t.TempDir()
	root, err := kafkatest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("protoc", "-I", filepath.Join(root, "report"), "--python_out="+gen,
		filepath.Join(root, "report", "report.proto")).CombinedOutput(); err != nil {
		t.Fatalf("protoc --python_out: %v\n%s", err, out)
	}
	b := kafkatest.StartOwnSecure(t)
	s := b.Secure
	saslX := []string{"-X", "security.protocol=SASL_SSL", "-X", "sasl.mechanisms=SCRAM-SHA-512", "-X", "sasl.username=" + s.User,
		"-X", "sasl.password_file=" + s.PasswordFile, "-X", "ssl.ca.location=" + s.CA}
	tlsX := []string{"-X", "security.protocol=SSL", "-X", "ssl.ca.location=" + s.CA,
		"-X", "ssl.certificate.location=" + s.ClientCert, "-X", "ssl.key.location=" + s.ClientKey}
	pw, err := os.ReadFile(s.PasswordFile)
	if err != nil {
		t.Fatal(err)
	}
	topic := "secure-example"
	p, err := kafkaout.NewProducer(kafkaout.ProducerConfig{Librdkafka: map[string]string{"bootstrap.servers": s.SASLSSL,
		"security.protocol": "SASL_SSL", "sasl.mechanisms": "SCRAM-SHA-512", "sasl.username": s.User, "sasl.password": string(pw),
		"ssl.ca.location": s.CA}, Topics: []string{topic}, CreateTopics: true, Partitions: 1, ReplicationFactor: 1})
	if err != nil {
		t.Fatal(err)
	}
	const n = 10
	var r report.Report
	for i := range n {
		k := report.FlowKey{SrcPort: 40000, DstPort: uint16(1000 + i), Protocol: report.ProtoUDP}
		m := p.Acquire()
		m.Key = report.AppendFlowKey(m.Key, &k)
		r.Reset()
		r.Key, r.ReceiveTime, r.Sequence = k, uint64(time.Now().UnixNano()), 1
		h := r.NewHop()
		h.ASN, h.NodeID = 0xff00_0000_0001, 0xabc000+uint32(i)
		m.Value = report.AppendReport(m.Value, &r)
		m.Topic, m.Sequence, m.Type, m.Count = topic, 1, kafkaout.PayloadReport, 1
		p.Submit(m)
	}
	if err := p.Close(20 * time.Second); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, brokers string
		x             []string
	}{{"SASL_SSL", s.SASLSSL, saslX}, {"mutual TLS", s.SSL, tlsX}} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"consumer.py", "--gen", gen, "-b", tt.brokers, "-t", topic, "-e"}, tt.x...)
			out, err := exec.Command(py, args...).CombinedOutput()
			if err != nil {
				t.Fatalf("consumer.py: %v\n%s", err, out)
			}
			if want := fmt.Sprintf("total: %d messages, %d reports", n, n); !strings.Contains(string(out), want) {
				t.Fatalf("consumer.py output lacks %q:\n%s", want, out)
			}
			if strings.Contains(string(out), string(pw)) {
				t.Fatalf("consumer.py shows the password:\n%s", out)
			}
		})
	}
}
