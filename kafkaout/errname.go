package kafkaout

// rd_kafka_err2name is part of librdkafka's stable API; the symbol comes
// from the librdkafka that confluent-kafka-go links (bundled static or,
// with -tags dynamic, the shared library).

/*
const char *rd_kafka_err2name(int err);
*/
import "C"

import (
	"strconv"

	_ "github.com/confluentinc/confluent-kafka-go/v2/kafka" // links librdkafka
)

// errName returns librdkafka's name of an error code, e.g. "_MSG_TIMED_OUT"
// for -192 or "MSG_SIZE_TOO_LARGE" for 10. Codes outside the counted range
// are "OTHER". Not for the data path (one cgo call).
func errName(code int) string {
	if code < minCode || code >= maxCode {
		return "OTHER"
	}
	n := C.GoString(C.rd_kafka_err2name(C.int(code)))
	if n == "" {
		return "ERR_" + strconv.Itoa(code)
	}
	return n
}
