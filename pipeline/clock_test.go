package pipeline

import (
	"testing"
	"time"
)

// TestTSCClock: the TSC clock agrees with the monotonic wall clock within
// 2% over 200 ms and never goes back.
func TestTSCClock(t *testing.T) {
	c := newTSCClock()
	t0 := time.Now()
	a := c.ns()
	time.Sleep(200 * time.Millisecond)
	b := c.ns()
	wall := time.Since(t0)
	if b < a {
		t.Fatalf("clock went back: %d then %d", a, b)
	}
	if d := time.Duration(b) - wall; d > wall/50 || d < -wall/50 {
		t.Errorf("TSC clock %v, wall clock %v", time.Duration(b), wall)
	}
}
