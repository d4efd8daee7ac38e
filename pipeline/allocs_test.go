package pipeline

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"wire2kafka/config"
	"wire2kafka/kafkaout"
)

// TestPollDoesNotAllocate: in steady state no worker's Poll allocates. The
// workers are polled from the test goroutine (not launched on lcores), fed
// through a ring port; a warm-up first lets buffers and the per-key table
// reach their size.
func TestPollDoesNotAllocate(t *testing.T) {
	for _, output := range []string{"batch", "single", "raw"} {
		t.Run(output, func(t *testing.T) {
			rules := sprintf(`  - name: reports
    protocol: udp
    dst_port: 32766
    kafka_topic: reports
    output: %s
  - name: sampled
    protocol: udp
    dst_port: 1-100
    service_function: sampling
    sampling_rate: 3
    kafka_topic: sampled
`, output)
			h := newPollHarness(t, "allocs-"+output, "sampling", rules)
			pass := func() { h.pass(nil) }
			h.warmUp()
			// Every allocation counts (testing.AllocsPerRun would divide
			// by the runs and hide fewer than one per run).
			defer quietGC()()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for range 200 {
				pass()
			}
			runtime.ReadMemStats(&after)
			if n := after.Mallocs - before.Mallocs; n != 0 {
				t.Errorf("%d allocations in 200 bursts of 32 packets through all workers, want 0", n)
			}
			st := h.p.Stats()
			if st[len(st)-1].Reports == 0 {
				t.Fatal("no reports came out: the test measured nothing")
			}
		})
	}
}

// TestPollDoesNotAllocatePerFunction: every service function, with the
// drop paths as well (malformed INT counted as parse_error, unmatched
// strangers as no_rule), and each worker measured on its own: 0 heap
// allocations per Poll in steady state.
func TestPollDoesNotAllocatePerFunction(t *testing.T) {
	for _, fn := range []string{"sampling", "histogram", "drop"} {
		t.Run(fn, func(t *testing.T) {
			rules := sprintf(`  - name: reports
    protocol: udp
    dst_port: 32766
    service_function: %s
    sampling_rate: 3
    resolution_ns: 1000
    buckets: 16
    report_interval: 1ms
    kafka_topic: reports
`, fn)
			if fn != "sampling" {
				rules = strings.Replace(rules, "    sampling_rate: 3\n", "", 1)
			}
			if fn != "histogram" {
				rules = strings.Replace(rules, "    resolution_ns: 1000\n    buckets: 16\n    report_interval: 1ms\n", "", 1)
			}
			if fn == "drop" {
				rules = strings.Replace(rules, "    kafka_topic: reports\n", "", 1)
			}
			// "tr": 3% malformed INT, a stranger every 30 packets.
			h := newPollHarness(t, "allocs-fn-"+fn, "tr", rules)
			h.warmUp()
			mallocs := make([]uint64, len(h.workers))
			defer quietGC()()
			for range 200 {
				h.pass(mallocs)
			}
			// MemStats.Mallocs is process-wide, but nothing else runs Go
			// code during a Poll here (the lcores are idle, the harness
			// polls from this goroutine): any count is the worker's.
			for i, n := range mallocs {
				if n > 0 {
					t.Errorf("worker %d (%T): %d allocations in 400 polls, want 0", i, h.workers[i], n)
				}
			}
			st := h.p.Stats()
			var flow, kafka, acl Snapshot
			for _, s := range st {
				switch s.Kind {
				case config.KindFlow:
					for r, v := range s.Drops {
						flow.Drops[r] += v
					}
				case config.KindKafka:
					kafka = s.Snapshot
				case config.KindACL:
					acl = s.Snapshot
				}
			}
			// The paths this subtest claims to measure were taken.
			if acl.Drops[DropNoRule] == 0 {
				t.Error("no packet took the no_rule path")
			}
			switch fn {
			case "sampling":
				if flow.Drops[DropSampledOut] == 0 || kafka.Drops[DropParseError] == 0 || kafka.Reports == 0 {
					t.Errorf("sampled_out %d, parse_error %d, reports %d: a path was not taken", flow.Drops[DropSampledOut], kafka.Drops[DropParseError], kafka.Reports)
				}
			case "histogram":
				if flow.Drops[DropSummarized] == 0 || kafka.Messages == 0 {
					t.Errorf("summarized %d, histogram messages %d: no histogram was emitted", flow.Drops[DropSummarized], kafka.Messages)
				}
			case "drop":
				if flow.Drops[DropRuleDrop] == 0 {
					t.Error("no packet took the rule_drop path")
				}
			}
		})
	}
}

// pollHarness runs a pipeline's workers from the test goroutine (not on
// lcores), fed by an injector with the packets of a capture, 32 per pass.
type pollHarness struct {
	t       *testing.T
	in      *injector
	p       *Pipeline
	workers []poller
	pkts    [][]byte
	next    int
	ms      runtime.MemStats
}

func newPollHarness(t *testing.T, name, capture string, rules string) *pollHarness {
	t.Helper()
	in := newInjector(t, name)
	c := *captures[capture]
	c.vdev = in.port.Name()
	p, err := New(testPlan(t, &c, oneLcore, 4096, "", rules), Options{Sink: kafkaout.NewDiscard(64, 1<<16), Name: name})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	h := &pollHarness{t: t, in: in, p: p, pkts: readPackets(t, c.path)}
	for _, l := range p.lcores {
		h.workers = append(h.workers, l.workers...)
	}
	return h
}

// quietGC runs the garbage collector (and so the finalizers it queues,
// which allocate on their own goroutine) and then turns it off until the
// returned function is called: MemStats.Mallocs is process-wide, and a
// collection inside a measurement would count the finalizers' allocations.
func quietGC() func() {
	runtime.GC()
	runtime.GC()
	old := debug.SetGCPercent(-1)
	return func() { debug.SetGCPercent(old) }
}

// warmUp polls until 100 passes in a row allocate nothing (at most 20000
// passes): the first passes build per-rule state (a flow worker adopting
// the rule set makes its samplers and histograms) and the first histogram
// records grow their buckets. Slot buffers, pooled values and per-key
// states are fixed at start and never allocate.
func (h *pollHarness) warmUp() {
	var ms runtime.MemStats
	quiet := 0
	for i := 0; i < 20000 && quiet < 100; i++ {
		runtime.ReadMemStats(&ms)
		before := ms.Mallocs
		h.pass(nil)
		runtime.ReadMemStats(&ms)
		if ms.Mallocs == before {
			quiet++
		} else {
			quiet = 0
		}
	}
	if quiet < 100 {
		h.t.Fatalf("still allocating after 20000 warm-up passes")
	}
}

// pass injects the next 32 packets and polls every worker twice. With
// mallocs non-nil it adds each worker's heap allocations (process-wide
// MemStats.Mallocs around its Poll) to mallocs[i].
func (h *pollHarness) pass(mallocs []uint64) {
	h.in.inject(h.t, h.pkts[h.next:h.next+32])
	h.next = (h.next + 32) % (len(h.pkts) - 32)
	for range 2 {
		for i, w := range h.workers {
			if mallocs == nil {
				w.Poll()
				continue
			}
			runtime.ReadMemStats(&h.ms)
			before := h.ms.Mallocs
			w.Poll()
			runtime.ReadMemStats(&h.ms)
			mallocs[i] += h.ms.Mallocs - before
		}
	}
}
