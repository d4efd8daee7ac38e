package kafkaout

import (
	"encoding/json"
	"sync/atomic"
)

// LibrdkafkaStats are figures from librdkafka's statistics event
// (statistics.interval.ms), for Prometheus.
type LibrdkafkaStats struct {
	Events       uint64 // statistics events parsed
	QueueMsgs    uint64 // messages in librdkafka's producer queue (msg_cnt)
	QueueBytes   uint64 // bytes in it (msg_size)
	BrokersUp    uint64 // brokers in state UP
	RTTAvgMicros uint64 // broker round-trip time, average (largest over brokers), µs
	RTTP99Micros uint64 // broker round-trip time, 99th percentile (largest over brokers), µs
	TxErrors     uint64 // request send errors, summed over brokers (cumulative)
	RxErrors     uint64 // response errors, summed over brokers (cumulative)
	ReqTimeouts  uint64 // request timeouts, summed over brokers (cumulative)
	TxRetries    uint64 // request retries, summed over brokers (cumulative)
	TxMessages   uint64 // messages sent (txmsgs, cumulative)
	TxBytes      uint64 // message bytes sent (txmsg_bytes, cumulative)
	ProducerID   int64  // idempotent producer id (eos.producer_id; -1 before one is assigned)
}

func (s *LibrdkafkaStats) add(o LibrdkafkaStats) {
	s.Events += o.Events
	s.QueueMsgs += o.QueueMsgs
	s.QueueBytes += o.QueueBytes
	s.BrokersUp += o.BrokersUp
	s.RTTAvgMicros = max(s.RTTAvgMicros, o.RTTAvgMicros)
	s.RTTP99Micros = max(s.RTTP99Micros, o.RTTP99Micros)
	s.TxErrors += o.TxErrors
	s.RxErrors += o.RxErrors
	s.ReqTimeouts += o.ReqTimeouts
	s.TxRetries += o.TxRetries
	s.TxMessages += o.TxMessages
	s.TxBytes += o.TxBytes
	s.ProducerID = o.ProducerID // of the last connection: per connection in Counters()
}

// libStats holds the last parsed statistics of one connection.
type libStats struct {
	last atomic.Pointer[LibrdkafkaStats]
}

func (l *libStats) load() LibrdkafkaStats {
	if p := l.last.Load(); p != nil {
		return *p
	}
	return LibrdkafkaStats{}
}

// rawStats is the part of librdkafka's statistics JSON we read
// (librdkafka STATISTICS.md).
type rawStats struct {
	MsgCnt     uint64 `json:"msg_cnt"`
	MsgSize    uint64 `json:"msg_size"`
	TxMsgs     uint64 `json:"txmsgs"`
	TxMsgBytes uint64 `json:"txmsg_bytes"`
	EOS        struct {
		ProducerID int64 `json:"producer_id"`
	} `json:"eos"`
	Brokers map[string]struct {
		Source      string `json:"source"`
		State       string `json:"state"`
		TxErrs      uint64 `json:"txerrs"`
		RxErrs      uint64 `json:"rxerrs"`
		TxRetries   uint64 `json:"txretries"`
		ReqTimeouts uint64 `json:"req_timeouts"`
		RTT         struct {
			Avg uint64 `json:"avg"`
			P99 uint64 `json:"p99"`
		} `json:"rtt"`
	} `json:"brokers"`
}

// parse reads one statistics JSON document and stores its figures; events
// counts the documents parsed so far.
func (l *libStats) parse(js string, events uint64) error {
	var r rawStats
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		return err
	}
	s := &LibrdkafkaStats{Events: events, QueueMsgs: r.MsgCnt, QueueBytes: r.MsgSize, TxMessages: r.TxMsgs, TxBytes: r.TxMsgBytes, ProducerID: r.EOS.ProducerID}
	for _, b := range r.Brokers {
		if b.Source == "internal" {
			continue
		}
		if b.State == "UP" {
			s.BrokersUp++
		}
		s.TxErrors += b.TxErrs
		s.RxErrors += b.RxErrs
		s.TxRetries += b.TxRetries
		s.ReqTimeouts += b.ReqTimeouts
		s.RTTAvgMicros = max(s.RTTAvgMicros, b.RTT.Avg)
		s.RTTP99Micros = max(s.RTTP99Micros, b.RTT.P99)
	}
	l.last.Store(s)
	return nil
}
