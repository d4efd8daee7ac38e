package dpdk_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"wire2kafka/dpdk"
	"wire2kafka/dpdk/dpdkbench"
	"wire2kafka/dpdk/tsc"
)

// The benchmarks print what they measure (Mpps, Go/C ratio); they never
// assert a speed. Run: go test -run '^$' -bench . ./dpdk/
// (W2K_EAL_NOHUGE=1 forces --no-huge).

const benchBurst = 32

// benchRounds is how many Go and C runs alternate per benchmark: the
// machine is shared, so the medians are printed with the spread.
const benchRounds = 5

// goRxFree is the Go twin of dpdkbench.RxFree: on lcore 1, rx_burst and
// bulk free until packets packets arrived.
func goRxFree(b *testing.B, p dpdk.Port, a *dpdk.MbufArray, burst int, packets uint64) dpdkbench.Result {
	var res dpdkbench.Result
	err := dpdk.Launch(1, func() {
		// Counters are locals, written out once at the end, as in C.
		var got, polls uint64
		t0 := dpdk.TSC()
		for got < packets {
			n := p.RxBurst(0, a, burst)
			polls++
			if n == 0 {
				continue
			}
			dpdk.FreeBulk(a, 0, n)
			got += uint64(n)
		}
		res = dpdkbench.Result{Packets: got, Polls: polls, Elapsed: tscDuration(dpdk.TSC() - t0)}
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := dpdk.Wait(1); err != nil {
		b.Fatal(err)
	}
	return res
}

// goRxRingFree is the Go twin of dpdkbench.RxRingFree: lcore 1 receives
// and enqueues (freeing what does not fit), lcore 2 dequeues and frees.
func goRxRingFree(b *testing.B, p dpdk.Port, packets uint64) dpdkbench.Result {
	r, err := dpdk.NewRing("", 1024, dpdk.SocketAny, dpdk.RingSingleProducer|dpdk.RingSingleConsumer)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	rx, err := dpdk.NewMbufArray(benchBurst)
	if err != nil {
		b.Fatal(err)
	}
	defer rx.Close()
	fr, err := dpdk.NewMbufArray(benchBurst)
	if err != nil {
		b.Fatal(err)
	}
	defer fr.Close()
	// The stop flag has a cache line to itself: lcore 2 polls it.
	stop := new(struct {
		_ [64]byte
		atomic.Bool
		_ [64]byte
	})
	if err := dpdk.Launch(2, func() {
		for {
			n, _ := r.DequeueBurst(fr, benchBurst)
			if n > 0 {
				dpdk.FreeBulk(fr, 0, n)
				continue
			}
			if stop.Load() && r.Count() == 0 {
				return
			}
		}
	}); err != nil {
		b.Fatal(err)
	}
	var res dpdkbench.Result
	if err := dpdk.Launch(1, func() {
		var got, polls uint64
		t0 := dpdk.TSC()
		for got < packets {
			n := p.RxBurst(0, rx, benchBurst)
			polls++
			if n == 0 {
				continue
			}
			if k, _ := r.EnqueueBurst(rx, 0, n); k < n {
				dpdk.FreeBulk(rx, k, n-k)
			}
			got += uint64(n)
		}
		res = dpdkbench.Result{Packets: got, Polls: polls, Elapsed: tscDuration(dpdk.TSC() - t0)}
		stop.Store(true)
	}); err != nil {
		b.Fatal(err)
	}
	if err := dpdk.WaitAll(); err != nil {
		b.Fatal(err)
	}
	return res
}

func tscDuration(t uint64) time.Duration {
	return time.Duration(float64(t) / float64(dpdk.TSCHz()) * 1e9)
}

// spread formats the range of v.
func spread(v []float64) string {
	return fmt.Sprintf("%.1f-%.1f", slices.Min(v), slices.Max(v))
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// benchPorts are the ports of the RX benchmarks and packets per run.
var benchPorts = []struct {
	name    string
	vdev    string
	packets uint64
}{
	{"null", "net_null0", 20_000_000},
	{"pcap_infinite", "net_pcap1", 5_000_000},
}

// benchPortStarted are the benchmark ports already started: net_pcap with
// infinite_rx cannot set its queue up twice, so the ports are configured
// once and stay started (with their pools) until the process ends.
var benchPortStarted = map[string]dpdk.Port{}

func benchPort(b *testing.B, vdev string) dpdk.Port {
	if p, ok := benchPortStarted[vdev]; ok {
		return p
	}
	p := port(b, vdev)
	pool, err := dpdk.NewPool(dpdk.PoolConfig{Size: 8191, PrivSize: 16})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := p.Configure(dpdk.PortConfig{Pool: pool}); err != nil {
		b.Fatal(err)
	}
	if err := p.Start(); err != nil {
		b.Fatal(err)
	}
	benchPortStarted[vdev] = p
	return p
}

func BenchmarkRxFree(b *testing.B) {
	for _, bp := range benchPorts {
		for _, burst := range []int{benchBurst, 2 * benchBurst} {
			b.Run(fmt.Sprintf("%s/burst%d", bp.name, burst), func(b *testing.B) {
				p := benchPort(b, bp.vdev)
				a := newArray(b, burst)
				var goM, cM []float64
				for i := 0; i < b.N; i++ {
					for round := 0; round < benchRounds; round++ {
						g := goRxFree(b, p, a, burst, bp.packets)
						c, err := dpdkbench.RxFree(1, uint16(p), 0, burst, bp.packets)
						if err != nil {
							b.Fatal(err)
						}
						goM, cM = append(goM, g.Mpps()), append(cM, c.Mpps())
					}
				}
				g, c := median(goM), median(cM)
				b.ReportMetric(g, "go-Mpps")
				b.ReportMetric(c, "c-Mpps")
				b.ReportMetric(g/c, "go/c")
				fmt.Printf("RX+free %-14s burst %d, 1 lcore, %s: Go %.1f Mpps, C %.1f Mpps, Go/C %.2f (medians of %d; Go %s, C %s)\n",
					bp.name, burst, memMode(), g, c, g/c, len(goM), spread(goM), spread(cM))
			})
		}
	}
}

func BenchmarkRxRingFree(b *testing.B) {
	for _, bp := range benchPorts {
		b.Run(bp.name, func(b *testing.B) {
			p := benchPort(b, bp.vdev)
			var goM, cM []float64
			for i := 0; i < b.N; i++ {
				for round := 0; round < benchRounds; round++ {
					g := goRxRingFree(b, p, bp.packets)
					c, err := dpdkbench.RxRingFree(1, 2, uint16(p), 0, benchBurst, 1024, bp.packets)
					if err != nil {
						b.Fatal(err)
					}
					goM, cM = append(goM, g.Mpps()), append(cM, c.Mpps())
				}
			}
			g, c := median(goM), median(cM)
			b.ReportMetric(g, "go-Mpps")
			b.ReportMetric(c, "c-Mpps")
			b.ReportMetric(g/c, "go/c")
			fmt.Printf("RX->ring->free %-14s burst %d, 2 lcores, %s: Go %.1f Mpps, C %.1f Mpps, Go/C %.2f (medians of %d; Go %s, C %s)\n",
				bp.name, benchBurst, memMode(), g, c, g/c, len(goM), spread(goM), spread(cM))
		})
	}
}

// BenchmarkCgoCrossing times one call of an empty C function: ns/op is
// the cost of a Go -> C crossing, from an ordinary goroutine and from a Go
// function running on lcore 1.
func BenchmarkCgoCrossing(b *testing.B) {
	b.Run("goroutine", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			dpdkbench.Nop()
		}
	})
	b.Run("lcore", func(b *testing.B) {
		var el time.Duration
		if err := dpdk.Launch(1, func() {
			t0 := dpdk.TSC()
			for i := 0; i < b.N; i++ {
				dpdkbench.Nop()
			}
			el = tscDuration(dpdk.TSC() - t0)
		}); err != nil {
			b.Fatal(err)
		}
		if err := dpdk.Wait(1); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(el.Nanoseconds())/float64(b.N), "ns/crossing")
	})
}

// BenchmarkACLClassify times rte_acl on 1,000 random rules, bursts of 32,
// with tuples filled from Go.
func BenchmarkACLClassify(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	acl, err := dpdk.NewIPv4ACL("bench", randomRules(rng, 1000))
	if err != nil {
		b.Fatal(err)
	}
	defer acl.Close()
	batch, err := dpdk.NewIPv4ACLBatch(32)
	if err != nil {
		b.Fatal(err)
	}
	defer batch.Close()
	for i := range batch.Tuples() {
		batch.Tuples()[i].Set(randomPacket(rng))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		acl.Classify(batch, 32)
	}
	b.ReportMetric(float64(b.N)*32/b.Elapsed().Seconds()/1e6, "Mclass/s")
}

// memMode says whether EAL runs on hugepages.
func memMode() string {
	for _, a := range dpdk.InitArgs() {
		if a == "--no-huge" {
			return "no hugepages"
		}
	}
	return "hugepages"
}

// BenchmarkRxStalls runs RX + bulk free from net_null for 3 s on lcore 1,
// in Go and in C, and prints how often and how long the loop did not poll
// (passes over 50 us): OS scheduling on a shared CPU hits both, the Go
// runtime (sysmon preempts a goroutine every 10 ms; GC) only Go.
func BenchmarkRxStalls(b *testing.B) {
	const d, thr = 3 * time.Second, 50 * time.Microsecond
	p := benchPort(b, "net_null0")
	a := newArray(b, benchBurst)
	for i := 0; i < b.N; i++ {
		var gs dpdkbench.Stalls
		var got uint64
		hz := dpdk.TSCHz()
		if err := dpdk.Launch(1, func() {
			var n, gaps uint64
			var total, maxg uint64
			t0 := tsc.Read()
			last, end, gapT := t0, t0+uint64(d.Seconds()*float64(hz)), uint64(thr.Seconds()*float64(hz))
			for {
				k := p.RxBurst(0, a, benchBurst)
				dpdk.FreeBulk(a, 0, k)
				n += uint64(k)
				now := tsc.Read()
				if now-last > gapT {
					gaps++
					total += now - last
					maxg = max(maxg, now-last)
				}
				last = now
				if now > end {
					break
				}
			}
			got = n
			gs = dpdkbench.Stalls{Count: int(gaps), Total: tscDuration(total), Max: tscDuration(maxg)}
		}); err != nil {
			b.Fatal(err)
		}
		if err := dpdk.Wait(1); err != nil {
			b.Fatal(err)
		}
		cr, cs, err := dpdkbench.RxFreeStalls(1, uint16(p), 0, benchBurst, d, thr)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Printf("stalls > %v in %v RX+free null, %s: Go %d (total %v, max %v, %.1f Mpps incl. TSC reads); C %d (total %v, max %v, %.1f Mpps)\n",
			thr, d, memMode(), gs.Count, gs.Total.Round(time.Microsecond), gs.Max.Round(time.Microsecond), float64(got)/d.Seconds()/1e6,
			cs.Count, cs.Total.Round(time.Microsecond), cs.Max.Round(time.Microsecond), cr.Mpps())
	}
}
