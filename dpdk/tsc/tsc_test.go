package tsc_test

import (
	"testing"
	"time"

	"wire2kafka/dpdk/tsc"
)

func TestReadAdvances(t *testing.T) {
	a := tsc.Read()
	time.Sleep(10 * time.Millisecond)
	b := tsc.Read()
	// At least 10 ms at 100 MHz; any real TSC runs at hundreds of MHz.
	if b <= a || b-a < 1_000_000 {
		t.Fatalf("TSC %d then %d after 10 ms", a, b)
	}
	if n := testing.AllocsPerRun(100, func() { tsc.Read() }); n != 0 {
		t.Fatalf("%v allocations", n)
	}
}

func BenchmarkRead(b *testing.B) {
	for i := 0; i < b.N; i++ {
		tsc.Read()
	}
}
