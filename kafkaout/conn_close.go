package kafkaout

import (
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// shutdown produces everything queued (the Submit calls have finished),
// waits until c.deadline for the delivery reports, then purges and counts
// what is left as failed.
func (c *conn) shutdown(pending *Message, since time.Time) {
	events := c.p.Events()
	wait := func(d time.Duration) {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case ev := <-events:
			c.handle(ev)
		case <-t.C:
		}
	}
	for {
		if pending == nil {
			select {
			case pending = <-c.in:
				since = time.Now()
			default:
			}
		}
		if pending == nil {
			break
		}
		if c.offer(pending, since) {
			pending = nil
			c.pending.Store(false)
			continue
		}
		if time.Now().After(c.deadline) {
			c.countLost(kafka.ErrTimedOut, 1, uint64(pending.Count))
			c.prod.pool.Put(pending)
			pending = nil
			c.pending.Store(false)
			continue
		}
		wait(maxBackoff)
	}
	for c.c.inFlight.Load() > 0 && time.Now().Before(c.deadline) {
		wait(time.Until(c.deadline))
	}
	if c.c.inFlight.Load() == 0 {
		return
	}
	before, beforeReports := c.c.failed.Load(), c.c.failedReports.Load()
	if err := c.p.Purge(kafka.PurgeQueue | kafka.PurgeInFlight | kafka.PurgeNonBlocking); err != nil {
		c.log.Warn("purge at close", "err", err)
	}
	end := time.Now().Add(purgeWait)
	for c.c.inFlight.Load() > 0 && time.Now().Before(end) {
		wait(time.Until(end))
	}
	c.closeLost += c.c.failed.Load() - before
	c.closeLostReports += c.c.failedReports.Load() - beforeReports
	if n := c.c.inFlight.Load(); n > 0 {
		c.countLost(kafka.ErrTimedOut, uint64(n), uint64(c.inRepo.Load()))
		c.c.inFlight.Store(0)
		c.inRepo.Store(0)
	}
	c.log.Warn("messages not delivered at close", "count", c.closeLost, "reports", c.closeLostReports)
}

// countLost counts messages failed for lack of time at close.
func (c *conn) countLost(code kafka.ErrorCode, msgs, reports uint64) {
	c.countFailed(code, msgs, reports)
	c.closeLost += msgs
	c.closeLostReports += reports
}
