package main

import (
	"testing"

	"wire2kafka/config"
	"wire2kafka/kafkaout"
)

// TestSinkValueBytes: the daemon's message pool holds values of
// kafka.batch.max_bytes, the largest message a Kafka worker builds, so no
// value outgrows it onto the Go heap (B1: values were 64 KiB while a
// default batch is about 75 KB).
func TestSinkValueBytes(t *testing.T) {
	for _, maxBytes := range []string{"", "300000"} {
		batch := ""
		if maxBytes != "" {
			batch = ", batch: {max_bytes: " + maxBytes + "}"
		}
		y := `eal: {lcores: "0-1", hugepages: off}
ports: [{name: net_null0}]
kafka: {sink: discard, queue: {messages: 16}` + batch + `}
pipelines:
  - {name: p0, rx: [{port: net_null0, lcore: 1}], acl_workers: [{lcore: 1}], flow_workers: [{lcore: 1}], kafka_workers: [{lcore: 1}]}
rules:
  - {name: a, kafka_topic: a}
`
		cfg, err := config.Parse("sink.yaml", []byte(y))
		if err != nil {
			t.Fatalf("%v\n%s", err, y)
		}
		plan, err := cfg.Resolve()
		if err != nil {
			t.Fatal(err)
		}
		sink, closeSink, err := newSink(cfg, plan)
		if err != nil {
			t.Fatal(err)
		}
		if got := sink.(*kafkaout.Discard).Pool().ValueBytes(); got != cfg.Kafka.Batch.MaxBytes || got < 300000 {
			t.Errorf("max_bytes %q: pooled values of %d bytes, want kafka.batch.max_bytes %d", maxBytes, got, cfg.Kafka.Batch.MaxBytes)
		}
		if err := closeSink(); err != nil {
			t.Fatal(err)
		}
	}
}
