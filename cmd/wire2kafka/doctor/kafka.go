package doctor

import (
	"fmt"
	"net"
	"strings"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"wire2kafka/config"
)

// kafkaChecks asks the cluster for metadata (within h.KafkaTimeout) and
// checks that every topic of the rules exists or will be created.
func kafkaChecks(cfg *config.Config, plan *config.Plan, h Host) []Result {
	if cfg.Kafka.Sink != config.SinkKafka {
		return []Result{{Check: "kafka", Status: Skip, Detail: "kafka.sink " + string(cfg.Kafka.Sink)}}
	}
	cm := kafka.ConfigMap{"log_level": 0}
	for k, v := range cfg.Kafka.Producer {
		cm[k] = v
	}
	brokers := cfg.Kafka.Producer["bootstrap.servers"]
	admin, err := kafka.NewAdminClient(&cm)
	if err != nil {
		return []Result{{Check: "kafka", Status: Fail, Detail: err.Error(), Fix: "check kafka.producer"}}
	}
	defer admin.Close()
	md, err := admin.GetMetadata(nil, true, int(h.KafkaTimeout.Milliseconds()))
	if err != nil {
		return []Result{{Check: "kafka", Status: Fail, Detail: fmt.Sprintf("no metadata from %s within %v: %v", brokers, h.KafkaTimeout, err),
			Fix: "check bootstrap.servers, the network path, and security.protocol/sasl/ssl settings (wire2kafka consume -b ... -X ... tests a connection)"}}
	}
	rs := []Result{{Check: "kafka", Status: Pass, Detail: fmt.Sprintf("%s: %d brokers, %d topics", brokers, len(md.Brokers), len(md.Topics))}}
	topics := plan.Topics()
	if cfg.Metrics.StatsTopic != "" {
		topics = append(topics, cfg.Metrics.StatsTopic)
	}
	var missing []string
	for _, t := range topics {
		if tm, ok := md.Topics[t]; !ok || tm.Error.Code() != kafka.ErrNoError {
			missing = append(missing, t)
		}
	}
	switch {
	case len(missing) == 0:
		rs = append(rs, Result{Check: "kafka topics", Status: Pass, Detail: strings.Join(topics, ", ")})
	case cfg.Kafka.CreateTopics.Enabled:
		rs = append(rs, Result{Check: "kafka topics", Status: Pass, Detail: "created at start (kafka.create_topics): " + strings.Join(missing, ", ")})
	default:
		rs = append(rs, Result{Check: "kafka topics", Status: Fail, Detail: "missing: " + strings.Join(missing, ", "),
			Fix: "create them (kafka-topics.sh --create ...) or set kafka.create_topics.enabled"})
	}
	return rs
}

// metricsPort checks that metrics.listen can be bound.
func metricsPort(cfg *config.Config) Result {
	l, err := net.Listen("tcp", cfg.Metrics.Listen)
	if err != nil {
		return Result{Check: "metrics port", Status: Fail, Detail: err.Error(), Fix: "stop what listens there (ss -ltnp) or change metrics.listen"}
	}
	l.Close()
	return Result{Check: "metrics port", Status: Pass, Detail: cfg.Metrics.Listen + " is free"}
}
