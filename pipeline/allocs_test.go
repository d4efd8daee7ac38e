package pipeline

import (
	"testing"

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
