package main

import (
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"wire2kafka/dpdk"
	"wire2kafka/pipeline"
	"wire2kafka/report/pcap"
)

// pacedPrefix marks a config port that the bench feeds itself at a fixed
// rate (-rate): a net_ring port created after EAL init, not a --vdev.
const pacedPrefix = "net_ring_"

// pacer offers the packets of a capture, in a loop, to a net_ring port at a
// fixed rate: the load of cases 4 and 5. It runs on its own OS thread on
// the housekeeping CPUs and stamps nothing: the RX worker stamps each burst
// with the wall clock (net_ring has no timestamp offload), so latencies
// start when the pipeline receives a packet, as on a NIC.
type pacer struct {
	rx, tx *dpdk.Ring
	pool   *dpdk.Pool
	arr    *dpdk.MbufArray
	pkts   [][]byte
	rate   float64 // packets per second

	offered, refused atomic.Uint64 // refused: the port's RX ring was full (a NIC's imissed)
	stop             chan struct{}
	done             chan struct{}
}

// newPacer creates the ring port portName (which must start with
// pacedPrefix) and a pool for the packets of the capture at path.
func newPacer(portName, path string, rate float64) (*pacer, error) {
	if rate <= 0 {
		return nil, errors.New("paced port: -rate must be positive")
	}
	pkts, err := readCapture(path)
	if err != nil {
		return nil, err
	}
	name := strings.TrimPrefix(portName, pacedPrefix)
	p := &pacer{pkts: pkts, rate: rate, stop: make(chan struct{}), done: make(chan struct{})}
	if p.rx, err = dpdk.NewRing(name+"-rx", 4096, dpdk.SocketAny, dpdk.RingSingleProducer|dpdk.RingSingleConsumer); err != nil {
		return nil, err
	}
	if p.tx, err = dpdk.NewRing(name+"-tx", 64, dpdk.SocketAny, 0); err != nil {
		return nil, err
	}
	if _, err = dpdk.NewRingPort(name, []*dpdk.Ring{p.rx}, []*dpdk.Ring{p.tx}); err != nil {
		return nil, err
	}
	if p.pool, err = dpdk.NewPool(dpdk.PoolConfig{Name: name + "-pool", Size: 16383, PrivSize: uint16(pipeline.MbufPrivSize), Socket: dpdk.SocketAny}); err != nil {
		return nil, err
	}
	if p.arr, err = dpdk.NewMbufArray(32); err != nil {
		return nil, err
	}
	return p, nil
}

// readCapture returns the packets of a pcap file.
func readCapture(path string) ([][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := pcap.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out [][]byte
	for {
		_, data, _, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, slices.Clone(data))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no packets", path)
	}
	return out, nil
}

// start begins offering packets: every ~100 µs, as many as the rate owes
// since the start, in bursts of up to 32.
func (p *pacer) start() {
	go func() {
		runtime.LockOSThread()
		defer close(p.done)
		if err := dpdk.SetThreadAffinity(dpdk.HousekeepingCPUs()); err != nil {
			fmt.Fprintln(os.Stderr, "w2kbench: pacer affinity:", err)
		}
		t0 := time.Now()
		next := 0
		sent := uint64(0)
		for {
			select {
			case <-p.stop:
				return
			default:
			}
			due := uint64(p.rate * time.Since(t0).Seconds())
			for sent < due {
				n := int(min(due-sent, uint64(p.arr.Len())))
				if err := p.pool.AllocBulk(p.arr, n); err != nil {
					break // every mbuf is in the pipeline: offer them later
				}
				for i := range n {
					m := p.arr.At(i)
					pkt := p.pkts[next]
					next = (next + 1) % len(p.pkts)
					m.SetLen(len(pkt))
					copy(m.Data(), pkt)
				}
				enq, _ := p.rx.EnqueueBurst(p.arr, 0, n)
				if enq < n {
					dpdk.FreeBulk(p.arr, enq, n-enq)
					p.refused.Add(uint64(n - enq))
				}
				p.offered.Add(uint64(n))
				sent += uint64(n)
			}
			time.Sleep(100 * time.Microsecond)
		}
	}()
}

// close stops the pacer; the port's rings and pool stay until EAL cleanup
// (the pipeline may still hold mbufs of the pool).
func (p *pacer) close() {
	close(p.stop)
	<-p.done
}

// latencies collects the wire-to-delivery latency of every message
// acknowledged while recording is on (kafkaout OnDelivered) in a fixed
// log-linear histogram (16 sub-buckets per power of two: a percentile is
// within 1/16 of its value), so that a long run's harness does not grow
// with the number of messages (case 5 measures the daemon's RSS).
type latencies struct {
	mu      sync.Mutex
	buckets [64 * latSub]uint64
	n       int
	r       atomic.Bool
}

const latSub = 16

// latBucket returns the bucket of ns: the power of two below it and the
// next 4 bits.
func latBucket(ns uint64) int {
	if ns < latSub {
		return int(ns)
	}
	e := bits.Len64(ns) - 1 // ns in [2^e, 2^(e+1))
	return (e-3)*latSub + int(ns>>(e-4)&(latSub-1))
}

// latUpper returns the largest value of bucket b.
func latUpper(b int) uint64 {
	if b < latSub {
		return uint64(b)
	}
	e := b/latSub + 3
	return (uint64(latSub+b%latSub+1) << (e - 4)) - 1
}

func (l *latencies) observe(d time.Duration, _ int) {
	if !l.r.Load() || d < 0 {
		return
	}
	l.mu.Lock()
	l.buckets[latBucket(uint64(d))]++
	l.n++
	l.mu.Unlock()
}

// percentiles returns p50, p99 and p99.9 in ms (upper bounds of their
// buckets) and the sample count.
func (l *latencies) percentiles() (p50, p99, p999 float64, n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n == 0 {
		return 0, 0, 0, 0
	}
	q := func(f float64) float64 {
		rank := uint64(f*float64(l.n-1)) + 1
		var seen uint64
		for b, c := range l.buckets {
			seen += c
			if seen >= rank {
				return float64(latUpper(b)) / 1e6
			}
		}
		return 0
	}
	return q(0.50), q(0.99), q(0.999), l.n
}
