package pipeline

import (
	"runtime"
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
	pkts := readPackets(t, captures["sampling"].path)
	for _, output := range []string{"batch", "single", "raw"} {
		t.Run(output, func(t *testing.T) {
			in := newInjector(t, "allocs-"+output)
			c := *captures["sampling"]
			c.vdev = in.port.Name()
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
			plan := testPlan(t, &c, oneLcore, 4096, "", rules)
			p, err := New(plan, Options{Sink: kafkaout.NewDiscard(64), Name: "allocs-" + output})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			var workers []poller
			for _, l := range p.lcores {
				workers = append(workers, l.workers...)
			}
			next := 0
			pass := func() {
				in.inject(t, pkts[next:next+32])
				next = (next + 32) % (len(pkts) - 32)
				for range 2 {
					for _, w := range workers {
						w.Poll()
					}
				}
			}
			for range 200 { // warm-up: every flow key seen, buffers grown
				pass()
			}
			if allocs := testing.AllocsPerRun(200, pass); allocs != 0 {
				t.Errorf("%v allocations per burst of 32 packets through all workers", allocs)
			}
			st := p.Stats()
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
	pkts := readPackets(t, captures["tr"].path) // 3% malformed INT, a stranger every 30 packets
	for _, fn := range []string{"sampling", "histogram", "drop"} {
		t.Run(fn, func(t *testing.T) {
			in := newInjector(t, "allocs-fn-"+fn)
			c := *captures["tr"]
			c.vdev = in.port.Name()
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
			plan := testPlan(t, &c, oneLcore, 4096, "", rules)
			p, err := New(plan, Options{Sink: kafkaout.NewDiscard(64), Name: "allocs-fn-" + fn})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			var workers []poller
			for _, l := range p.lcores {
				workers = append(workers, l.workers...)
			}
			mallocs := make([]uint64, len(workers))
			measure := false
			var ms runtime.MemStats
			next := 0
			pass := func() {
				in.inject(t, pkts[next:next+32])
				next = (next + 32) % (len(pkts) - 32)
				for range 2 {
					for i, w := range workers {
						if measure {
							runtime.ReadMemStats(&ms)
							before := ms.Mallocs
							w.Poll()
							runtime.ReadMemStats(&ms)
							mallocs[i] += ms.Mallocs - before
						} else {
							w.Poll()
						}
					}
				}
			}
			for range 300 { // warm-up: every flow key seen, buffers grown
				pass()
			}
			measure = true
			for range 200 {
				pass()
			}
			// MemStats.Mallocs is process-wide: a runtime or test goroutine
			// allocating meanwhile shows up too. An allocation per burst
			// would give 400 or more, per packet 12,800 or more.
			for i, n := range mallocs {
				if n >= 20 {
					t.Errorf("worker %d (%T): %d allocations in 400 polls", i, workers[i], n)
				} else if n > 0 {
					t.Logf("worker %d (%T): %d allocations in 400 polls (process-wide count: not every poll)", i, workers[i], n)
				}
			}
			st := p.Stats()
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
