package pipeline

import (
	"sync/atomic"
	"time"
)

// poller is one worker: Poll does one pass of work and returns how much it
// did (packets or records); 0 means it found nothing.
type poller interface {
	Poll() int
}

// lcore is what one EAL lcore runs: its workers, polled in pipeline order
// by a loop that checks the stop phase once per pass.
type lcore struct {
	id       uint
	workers  []poller
	counters []*Counters
	// repeat is how many times in a pass a worker is polled while it keeps
	// finding work: 1 for RX, more downstream, so a stage fed by several
	// workers on the same lcore keeps up with them.
	repeat []int
	sleep  time.Duration // after an empty pass; 0 = busy poll
	passes atomic.Uint64 // completed passes: the grace-period clock of rule reloads
	_      [48]byte
}

// run is the poll loop (l2fwd_main_loop style): no logging, no locks, no
// allocation; an empty pass either polls again at once or sleeps briefly so
// a small machine can share the core.
func (l *lcore) run(ctl *control) {
	for ctl.phase.Load() != phaseStop {
		work := 0
		for i, w := range l.workers {
			c := l.counters[i]
			for range l.repeat[i] {
				n := w.Poll()
				c.Polls.Add(1)
				if n == 0 {
					break
				}
				c.BusyPolls.Add(1)
				work += n
			}
		}
		l.passes.Add(1)
		if work == 0 && l.sleep > 0 {
			time.Sleep(l.sleep)
		}
	}
}
