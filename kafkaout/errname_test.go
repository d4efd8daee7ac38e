package kafkaout

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"wire2kafka/kafkaout/internal/errgen/rdkafkah"
)

// TestErrNamesCurrent: errnames.go equals a fresh generation from the
// rdkafka.h of the confluent-kafka-go version go.mod pins, so a version
// bump cannot leave stale reason labels.
func TestErrNamesCurrent(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/confluentinc/confluent-kafka-go/v2").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	names, err := rdkafkah.Parse(filepath.Join(strings.TrimSpace(string(out)), "kafka", "librdkafka_vendor", "rdkafka.h"))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != len(rdkafkaErrNames) {
		t.Fatalf("rdkafka.h names %d codes, errnames.go %d: run go generate ./kafkaout", len(names), len(rdkafkaErrNames))
	}
	for c, n := range names {
		if rdkafkaErrNames[c] != n {
			t.Fatalf("code %d: rdkafka.h %q, errnames.go %q: run go generate ./kafkaout", c, n, rdkafkaErrNames[c])
		}
	}
	for code, name := range map[int]string{-199: "_BAD_MSG", -136: "ERR_-136", 0: "NO_ERROR", 1000: "OTHER", -201: "OTHER"} {
		if got := errName(code); got != name {
			t.Errorf("errName(%d) = %q, want %q", code, got, name)
		}
	}
}
