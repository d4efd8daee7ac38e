package pipeline

import (
	"errors"
	"fmt"
	"time"

	"wire2kafka/config"
	"wire2kafka/dpdk"
)

// ErrDrainTimeout is returned by Stop when the rings and open messages did
// not empty in time; the counters then show what stayed queued.
var ErrDrainTimeout = errors.New("pipeline: drain timed out")

// Stop shuts the pipeline down without losing what it holds: RX stops,
// every ring drains through the stages, flow workers emit their histograms,
// Kafka workers flush every open message to the sink, then the lcores
// return. It waits at most timeout for the drain; after Stop the counters
// are exact and balance. Call Close afterwards.
func (p *Pipeline) Stop(timeout time.Duration) error {
	if !p.started || p.stopped {
		return nil
	}
	p.stopped = true
	deadline := time.Now().Add(timeout)
	var err error
	p.ctl.phase.Store(phaseDrain)
	if !p.waitEmpty(deadline, false) {
		err = ErrDrainTimeout
	}
	p.ctl.phase.Store(phaseFlush)
	if !p.waitEmpty(deadline, true) {
		err = ErrDrainTimeout
	}
	p.ctl.phase.Store(phaseStop)
	if werr := dpdk.WaitAll(); werr != nil {
		err = errors.Join(err, fmt.Errorf("pipeline: %w", werr))
	}
	p.log.Info("pipeline stopped", "drained", err == nil)
	return err
}

// waitEmpty waits until every ring is empty (and, with queued, every
// worker's queued count is zero) across two full passes of every lcore.
func (p *Pipeline) waitEmpty(deadline time.Time, queued bool) bool {
	quiet := 0
	for time.Now().Before(deadline) {
		if p.empty(queued) {
			quiet++
			if quiet >= 2 {
				return true
			}
			p.waitPasses(2, deadline)
			continue
		}
		quiet = 0
		time.Sleep(time.Millisecond)
	}
	return false
}

func (p *Pipeline) empty(queued bool) bool {
	for _, r := range p.rings {
		if r.Count() != 0 {
			return false
		}
	}
	if queued {
		for _, w := range p.workers {
			if w.Counters.Queued.Load() != 0 {
				return false
			}
		}
	}
	return true
}

// waitPasses waits until every lcore has completed n more passes of its
// loop (the grace period after a rule swap), or the deadline.
func (p *Pipeline) waitPasses(n uint64, deadline time.Time) bool {
	start := make([]uint64, len(p.lcores))
	for i, l := range p.lcores {
		start[i] = l.passes.Load()
	}
	for i, l := range p.lcores {
		for l.passes.Load() < start[i]+n {
			if time.Now().After(deadline) || !dpdk.Running(l.id) {
				return false
			}
			time.Sleep(50 * time.Microsecond)
		}
	}
	return true
}

// Close releases the ports, rings, classifiers and mempool. The counters
// stay readable; the Worker.Ring rings do not.
func (p *Pipeline) Close() {
	if p.started && !p.stopped {
		p.Stop(0)
	}
	p.release()
}

// Reload swaps in the rules of plan, which must come from a config that
// config.CheckReload accepted against the running one: new classifiers and
// service-function parameters are built here, off the data path, and
// swapped atomically; the old classifiers are freed once every lcore has
// passed twice through its loop. On error the old rules keep running.
func (p *Pipeline) Reload(plan *config.Plan) error {
	if err := config.CheckReload(p.plan.Config, plan.Config); err != nil {
		return err
	}
	p.gen++
	ids := p.ids // committed only when the reload is
	plan = ids.assign(plan)
	rs, err := buildRuleSet(plan, p.name, p.gen+1)
	if err != nil {
		return err
	}
	p.ids = ids
	old := p.ctl.rules.Swap(rs)
	p.plan = plan
	if p.started && !p.stopped {
		if !p.waitPasses(2, time.Now().Add(10*time.Second)) {
			p.log.Warn("reload: lcores did not pass in 10 s; keeping the old classifiers allocated")
			return nil
		}
	}
	old.close()
	p.log.Info("rules reloaded", "rules", len(plan.Rules), "generation", p.gen+1)
	return nil
}

// Plan returns the plan currently running.
func (p *Pipeline) Plan() *config.Plan { return p.plan }
