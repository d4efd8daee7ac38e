package pipeline

import "sync/atomic"

// Phases of a running pipeline. The control side only ever moves the phase
// forward and swaps the rule set; the workers read both and change their
// own state.
const (
	phaseRun   uint32 = iota // receive and process
	phaseDrain               // RX stops; the other stages empty their rings
	phaseFlush               // flow workers emit histograms, Kafka workers flush every open message
	phaseStop                // lcore loops return
)

// control is what the control goroutine shares with the lcores: read-only
// for workers, written only by control.
type control struct {
	phase atomic.Uint32
	rules atomic.Pointer[ruleSet]
}
