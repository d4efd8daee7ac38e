package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"wire2kafka/config"
	"wire2kafka/dpdk"
	"wire2kafka/kafkaout"
	"wire2kafka/pipeline"
	"wire2kafka/report/reportpb"
)

// statsTopic publishes the counter table to metrics.stats_topic, one
// message per row keyed by the row's name, through a producer of its own
// (its messages never mix with the reports' accounting).
type statsTopic struct {
	prod     *kafkaout.Producer
	topic    string
	format   config.StatsFormat
	producer string // producer id
	skipped  uint64 // rows not published: the producer's queue was full
}

// newStatsTopic connects the stats producer (same librdkafka settings as
// the reports', housekeeping CPUs) and checks or creates the topic; nil
// when metrics.stats_topic is not set.
func newStatsTopic(cfg *config.Config, producerID string) (*statsTopic, error) {
	m := cfg.Metrics
	if m.StatsTopic == "" {
		return nil, nil
	}
	prod, err := kafkaout.NewProducer(kafkaout.ProducerConfig{
		Librdkafka: cfg.Kafka.Producer, Connections: 1, PoolMessages: 1024, MessageBytes: 512,
		CPUs: dpdk.HousekeepingCPUs(), Topics: []string{m.StatsTopic}, CreateTopics: cfg.Kafka.CreateTopics.Enabled,
		Partitions: cfg.Kafka.CreateTopics.Partitions, ReplicationFactor: cfg.Kafka.CreateTopics.ReplicationFactor,
	})
	if err != nil {
		return nil, fmt.Errorf("metrics.stats_topic %s: %w", m.StatsTopic, err)
	}
	return &statsTopic{prod: prod, topic: m.StatsTopic, format: m.StatsFormat, producer: producerID}, nil
}

// statsJSON is a table row as published with stats_format json.
type statsJSON struct {
	TimeNs     int64   `json:"time_ns"`
	Name       string  `json:"name"`
	In         uint64  `json:"in"`
	InMpps     float64 `json:"in_mpps"`
	Queued     uint64  `json:"queued"`
	Out        uint64  `json:"out"`
	Drops      uint64  `json:"drops"`
	RingSpace  int     `json:"ring_space"`
	ProducerID string  `json:"producer_id"`
}

// publish submits one message per row; a row that finds the producer's
// queue full is skipped and counted (the next interval brings it again).
func (s *statsTopic) publish(rows []pipeline.TableRow, at time.Time) error {
	for _, r := range rows {
		name := strings.Trim(r.Name, "[]") // the table's brackets are not part of the name
		m := s.prod.Acquire()
		if m == nil {
			s.skipped++
			continue
		}
		var err error
		switch s.format {
		case config.StatsProtobuf:
			m.Value, err = proto.MarshalOptions{}.MarshalAppend(m.Value[:0], &reportpb.StatsRow{
				TimeNs: uint64(at.UnixNano()), Name: name, In: r.In, InMpps: r.InMpps, Queued: r.Queued,
				Out: r.Out, Drops: r.Drops, RingSpace: int64(r.RingSpace), ProducerId: s.producer})
			m.Type = kafkaout.PayloadStats
		default:
			var b []byte
			b, err = json.Marshal(statsJSON{TimeNs: at.UnixNano(), Name: name, In: r.In, InMpps: r.InMpps, Queued: r.Queued,
				Out: r.Out, Drops: r.Drops, RingSpace: r.RingSpace, ProducerID: s.producer})
			m.Value = append(m.Value[:0], b...)
			m.Type = kafkaout.PayloadStatsJSON
		}
		if err != nil {
			s.prod.Release(m)
			return fmt.Errorf("stats_topic: encode %s: %w", name, err)
		}
		m.Topic, m.Key, m.Count, m.Sequence = s.topic, append(m.Key[:0], name...), 1, 0
		m.FirstRx = at.UnixNano()
		s.prod.Submit(m)
	}
	return nil
}

// close flushes what is queued (up to timeout) and closes the producer.
func (s *statsTopic) close(timeout time.Duration) error {
	err := s.prod.Close(timeout)
	if t := s.prod.Total(); t.Failed > 0 || s.skipped > 0 {
		err = errors.Join(err, fmt.Errorf("stats_topic %s: %d rows skipped (queue full), %d failed %v", s.topic, s.skipped, t.Failed, t.FailedBy))
	}
	return err
}
