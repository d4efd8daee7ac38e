package main

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestLatencyBuckets: every value falls in the bucket whose bounds hold it,
// and a bucket's width is at most 1/16 of its values.
func TestLatencyBuckets(t *testing.T) {
	vals := []uint64{0, 1, 15, 16, 17, 31, 32, 33, 1000, 1 << 20, 1<<20 + 1, 5_000_000_000, 1<<63 - 1}
	for range 10000 {
		vals = append(vals, rand.Uint64N(1<<40))
	}
	for _, v := range vals {
		b := latBucket(v)
		if b < 0 || b >= 64*latSub {
			t.Fatalf("%d: bucket %d out of range", v, b)
		}
		hi := latUpper(b)
		lo := uint64(0)
		if b > 0 {
			lo = latUpper(b-1) + 1
		}
		if v < lo || v > hi {
			t.Fatalf("%d in bucket %d = [%d, %d]", v, b, lo, hi)
		}
		if v >= latSub && float64(hi-lo+1) > float64(lo)/latSub+1 {
			t.Fatalf("bucket %d = [%d, %d] wider than 1/16", b, lo, hi)
		}
	}
	var l latencies
	l.r.Store(true)
	for i := 1; i <= 1000; i++ {
		l.observe(time.Duration(i)*time.Millisecond, 1)
	}
	p50, p99, p999, n := l.percentiles()
	for _, c := range []struct{ got, want float64 }{{p50, 500}, {p99, 990}, {p999, 999}} {
		if c.got < c.want || c.got > c.want*(1+1.0/latSub) {
			t.Errorf("percentile %v ms, want %v ms within 1/16", c.got, c.want)
		}
	}
	if n != 1000 {
		t.Errorf("n = %d", n)
	}
}
