package kafkaout

import (
	"runtime"
	"sync/atomic"
	"time"
)

// Policy says what a Kafka worker does when its Sink has no free message.
type Policy uint8

// Policies for a full sink.
const (
	// PolicyBlock waits for a free message up to a timeout, then drops.
	PolicyBlock Policy = iota
	// PolicyDrop drops at once.
	PolicyDrop
)

// Admission applies a Policy for one Kafka worker and counts the outcome.
// Its methods are called by that worker only; the counters may be read by
// anyone at any time (atomics). A nil from Acquire means the worker drops
// what it holds and calls Dropped with the number of reports.
type Admission struct {
	Policy  Policy
	Timeout time.Duration // longest wait with PolicyBlock

	waits, waitNs, timeouts atomic.Uint64
	drops, droppedReports   atomic.Uint64
}

// AdmissionCounters is a snapshot of an Admission's counters.
type AdmissionCounters struct {
	Waits          uint64        // Acquire calls that found the pool empty and waited (block)
	Waited         time.Duration // total time spent waiting
	Timeouts       uint64        // waits that ended without a message
	Drops          uint64        // messages dropped (Dropped calls)
	DroppedReports uint64        // reports in them
}

// Acquire returns a message from s, applying the policy when s has none:
// with PolicyBlock it retries (yielding, then sleeping 50 µs between tries)
// until Timeout; it returns nil when no message came. It does not allocate.
func (a *Admission) Acquire(s Sink) *Message {
	if m := s.Acquire(); m != nil {
		return m
	}
	if a.Policy == PolicyDrop || a.Timeout <= 0 {
		return nil
	}
	a.waits.Add(1)
	start := time.Now()
	deadline := start.Add(a.Timeout)
	for try := 0; ; try++ {
		if try < 64 {
			runtime.Gosched()
		} else {
			time.Sleep(50 * time.Microsecond)
		}
		if m := s.Acquire(); m != nil {
			a.waitNs.Add(uint64(time.Since(start)))
			return m
		}
		if now := time.Now(); now.After(deadline) {
			a.waitNs.Add(uint64(now.Sub(start)))
			a.timeouts.Add(1)
			return nil
		}
	}
}

// Dropped counts one dropped message of reports reports (after Acquire
// returned nil).
func (a *Admission) Dropped(reports int) {
	a.drops.Add(1)
	a.droppedReports.Add(uint64(reports))
}

// Counters returns a snapshot of the counters.
func (a *Admission) Counters() AdmissionCounters {
	return AdmissionCounters{
		Waits: a.waits.Load(), Waited: time.Duration(a.waitNs.Load()), Timeouts: a.timeouts.Load(),
		Drops: a.drops.Load(), DroppedReports: a.droppedReports.Load(),
	}
}
