package config

import (
	"fmt"
	"strings"

	"wire2kafka/report"
)

// SinkTemplate is the placeholder of kafka_topic that is replaced by the INT
// sink's SCION-INT topic name.
const SinkTemplate = "{sink}"

// SinkName is the name "{sink}" becomes: report.Topic of int.sink_isd_as
// and int.sink_index ("1-ff00:0:1", 1 -> "ASff00_0_1-1").
func SinkName(in INT) (string, error) {
	ia, err := report.ParseIA(in.SinkISDAS)
	if err != nil {
		return "", err
	}
	return report.Topic(ia, uint32(in.SinkIndex))
}

// ResolveTopic replaces "{sink}" in a kafka_topic template by SinkName(in);
// a literal topic is returned as it is.
func ResolveTopic(template string, in INT) (string, error) {
	if !strings.Contains(template, SinkTemplate) {
		return template, nil
	}
	if in.SinkISDAS == "" {
		return "", fmt.Errorf("%s needs int.sink_isd_as", SinkTemplate)
	}
	name, err := SinkName(in)
	if err != nil {
		return "", fmt.Errorf("%s: int.sink_isd_as: %w", SinkTemplate, err)
	}
	return strings.ReplaceAll(template, SinkTemplate, name), nil
}
