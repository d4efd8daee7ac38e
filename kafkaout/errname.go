package kafkaout

import "strconv"

//go:generate sh -c "cd .. && go run ./kafkaout/internal/errgen > kafkaout/errnames.go"

// errName returns librdkafka's name of an error code (rd_kafka_err2name),
// e.g. "_MSG_TIMED_OUT" for -192 or "MSG_SIZE_TOO_LARGE" for 10, from the
// table generated from the vendored rdkafka.h (errnames.go; no cgo here).
// Codes outside the counted range are "OTHER"; codes librdkafka does not
// name are "ERR_<code>".
func errName(code int) string {
	if code < minCode || code >= maxCode {
		return "OTHER"
	}
	if n, ok := rdkafkaErrNames[code]; ok {
		return n
	}
	return "ERR_" + strconv.Itoa(code)
}
