// Command errgen writes kafkaout/errnames.go: librdkafka's error names
// (rd_kafka_err2name) by code, read from the rdkafka.h that
// confluent-kafka-go vendors, so kafkaout needs no cgo of its own.
//
//	go run ./kafkaout/internal/errgen > kafkaout/errnames.go
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"wire2kafka/kafkaout/internal/errgen/rdkafkah"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "errgen:", err)
		os.Exit(1)
	}
}

func run() error {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/confluentinc/confluent-kafka-go/v2").Output()
	if err != nil {
		return fmt.Errorf("go list: %w", err)
	}
	h := filepath.Join(strings.TrimSpace(string(out)), "kafka", "librdkafka_vendor", "rdkafka.h")
	names, err := rdkafkah.Parse(h)
	if err != nil {
		return err
	}
	fmt.Print(rdkafkah.Source(names))
	return nil
}
