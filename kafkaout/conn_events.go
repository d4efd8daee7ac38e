package kafkaout

import (
	"context"
	"log/slog"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// handle processes one event of the producer.
func (c *conn) handle(ev kafka.Event) {
	switch e := ev.(type) {
	case *kafka.Message:
		inf, ok := e.Opaque.(*inflight)
		if !ok {
			return
		}
		if f := c.prod.cfg.onDelivered; f != nil { // before in flight drops: a test that waits for 0 sees every report
			var topic string
			if e.TopicPartition.Topic != nil {
				topic = *e.TopicPartition.Topic
			}
			f(topic, e.TopicPartition.Partition, int64(e.TopicPartition.Offset), inf.key, inf.seq, e.TopicPartition.Error)
		}
		c.c.inFlight.Add(-1)
		c.inRepo.Add(-int64(inf.reports))
		if err := e.TopicPartition.Error; err != nil {
			code := kafka.ErrFail
			if ke, ok := err.(kafka.Error); ok {
				code = ke.Code()
			}
			c.countFailed(code, 1, uint64(inf.reports))
			c.logFailure(code, err)
		} else {
			c.c.delivered.Add(1)
			c.c.deliveredReports.Add(uint64(inf.reports))
			c.c.deliveredBytes.Add(uint64(inf.bytes))
			c.c.observeBatch(uint32(inf.reports))
			if inf.firstRx > 0 {
				lat := time.Duration(time.Now().UnixNano() - inf.firstRx)
				c.c.observeLatency(lat)
				if f := c.prod.cfg.OnDelivered; f != nil {
					f(lat, int(inf.reports))
				}
			}
		}
		c.putInflight(inf)
	case *kafka.Stats:
		c.statsEvents++
		if err := c.c.stats.parse(e.String(), c.statsEvents); err != nil {
			c.log.Warn("librdkafka statistics", "err", err)
		}
	case kafka.Error:
		c.c.clientErrors[codeSlot(int(e.Code()))].Add(1)
		switch {
		case e.IsFatal():
			c.log.Error("librdkafka fatal error: the producer is unusable", "err", e)
		case e.Code() == kafka.ErrTransport || e.Code() == kafka.ErrAllBrokersDown:
			// librdkafka's own log lines say the same (forwardLogs); counted above.
		case e.Code() != c.lastErr || time.Since(c.lastErrLog) > errLogGap:
			c.lastErr, c.lastErrLog = e.Code(), time.Now()
			c.log.Warn("librdkafka", "reason", errName(int(e.Code())), "err", e)
		}
	}
}

// forwardLogs writes librdkafka's log lines to slog (syslog levels 0-3
// error, 4 warning, 5-6 info, 7 debug) until the producer is closed.
func (c *conn) forwardLogs() {
	for l := range c.p.Logs() {
		level := slog.LevelDebug
		switch {
		case l.Level <= 3:
			level = slog.LevelError
		case l.Level == 4:
			level = slog.LevelWarn
		case l.Level <= 6:
			level = slog.LevelInfo
		}
		c.log.Log(context.Background(), level, l.Message, "librdkafka", l.Tag, "client", l.Name)
	}
}
