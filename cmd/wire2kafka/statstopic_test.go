package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"

	"wire2kafka/kafkaout/kafkatest"
	"wire2kafka/report/intgen"
	"wire2kafka/report/reportpb"
)

// TestRunStatsTopic: with metrics.stats_topic the daemon publishes its
// counter table to Kafka every table_interval and at exit, one message per
// row keyed by the row's name, as JSON or as telemetry.report.StatsRow;
// `consume` decodes both, and the last row of each stage equals the final
// table the daemon printed.
func TestRunStatsTopic(t *testing.T) {
	bin := binary(t)
	bootstrap := kafkatest.Bootstrap(t)
	capture, _ := genCapture(t, intgen.Options{Format: intgen.FormatTR, Flows: 8, Packets: 3000, Seed: 29, Micro: true})
	for _, format := range []string{"json", "protobuf"} {
		t.Run(format, func(t *testing.T) {
			topic, stats := kafkatest.TopicName(t), kafkatest.TopicName(t)+"-stats"
			t.Cleanup(func() { kafkatest.DeleteTopic(t, topic); kafkatest.DeleteTopic(t, stats) })
			cfg := e2eConfig(t, capture, topic, "batch", false)
			y, err := os.ReadFile(cfg)
			if err != nil {
				t.Fatal(err)
			}
			y = bytes.Replace(y, []byte("table_interval: 0s}"),
				[]byte("table_interval: 200ms, stats_topic: "+stats+", stats_format: "+format+"}"), 1)
			if err := os.WriteFile(cfg, y, 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(bin, "check-config", cfg).CombinedOutput(); err != nil ||
				!strings.Contains(string(out), "counter table every 200ms to topic "+stats+" ("+format+")") {
				t.Fatalf("check-config does not show the stats topic (%v):\n%s", err, out)
			}
			out, err := exec.Command(bin, "run", "-c", cfg, "--exit-when-idle", "1s", "--quiet").CombinedOutput()
			if err != nil {
				t.Fatalf("run: %v\n%s", err, out)
			}
			_, _, received := checkRunOutput(t, string(out))

			cons, err := exec.Command(bin, "consume", "-b", bootstrap, "-t", stats, "-e", "--format", "json").CombinedOutput()
			if err != nil {
				t.Fatalf("consume: %v\n%s", err, cons)
			}
			last := map[string]*reportpb.StatsRow{}
			per := map[string]int{}
			sc := bufio.NewScanner(bytes.NewReader(cons))
			sc.Buffer(make([]byte, 1<<20), 1<<20)
			for sc.Scan() {
				var l struct {
					Type  string          `json:"type"`
					Key   string          `json:"key"`
					Value json.RawMessage `json:"value"`
				}
				if json.Unmarshal(sc.Bytes(), &l) != nil || l.Type == "" {
					continue // consume's summary lines
				}
				wantType := map[string]string{"json": "stats-json", "protobuf": "stats"}[format]
				if l.Type != wantType {
					t.Fatalf("message type %q, want %q: %s", l.Type, wantType, sc.Bytes())
				}
				r := &reportpb.StatsRow{}
				if err := protojson.Unmarshal(l.Value, r); err != nil {
					t.Fatalf("%v: %s", err, l.Value)
				}
				if r.Name != l.Key {
					t.Fatalf("row %q under key %q", r.Name, l.Key)
				}
				last[l.Key], per[l.Key] = r, per[l.Key]+1
			}
			for _, k := range []string{"nic-port-net_pcap0", "nic", "p0/rx-worker-00", "rx", "p0/acl-worker-00", "acl", "p0/flow-worker-00", "flow", "p0/kafka-worker-00", "kafka"} {
				if per[k] < 2 {
					t.Errorf("row %s: %d messages, want one per interval and one at exit", k, per[k])
				}
			}
			if r := last["rx"]; r == nil || int(r.In) != received {
				t.Errorf("last rx row %v, the final table says %d received", r, received)
			}
			if r := last["kafka"]; r == nil || r.In != r.Out+r.Drops+r.Queued || r.Queued != 0 {
				t.Errorf("last kafka row does not balance: %v", r)
			}
			t.Logf("%d rows, %d messages of rx; last rx: in %d", len(per), per["rx"], last["rx"].GetIn())
		})
	}
}
