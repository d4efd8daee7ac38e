package dpdk_test

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"testing"

	"wire2kafka/dpdk"
	"wire2kafka/dpdk/tsc"
)

func TestEALBasics(t *testing.T) {
	if !dpdk.Initialized() {
		t.Fatal("EAL not initialised")
	}
	if err := dpdk.Init(nil); !errors.Is(err, dpdk.ErrAlreadyInitialized) {
		t.Fatalf("second Init: got %v, want ErrAlreadyInitialized", err)
	}
	if got := dpdk.Lcores(); !slices.Equal(got, []uint{0, 1, 2}) {
		t.Fatalf("Lcores = %v, want [0 1 2]", got)
	}
	if got := dpdk.WorkerLcores(); !slices.Equal(got, []uint{1, 2}) {
		t.Fatalf("WorkerLcores = %v, want [1 2]", got)
	}
	if dpdk.MainLcore() != 0 || dpdk.LcoreCount() != 3 {
		t.Fatalf("main %d count %d", dpdk.MainLcore(), dpdk.LcoreCount())
	}
	if s := dpdk.LcoreSocket(1); s != 0 {
		t.Fatalf("socket of lcore 1 = %d", s)
	}
	for _, l := range dpdk.Lcores() {
		if len(dpdk.LcoreCPUs(l)) != 1 {
			t.Fatalf("lcore %d CPUs %v, want one", l, dpdk.LcoreCPUs(l))
		}
	}
	hz := dpdk.TSCHz()
	a := dpdk.TSC()
	b := dpdk.TSC()
	if hz < 1e8 || b <= a {
		t.Fatalf("TSC hz %d, reads %d %d", hz, a, b)
	}
	// The cgo-free reader reads the same counter.
	if x, y, z := dpdk.TSC(), tsc.Read(), dpdk.TSC(); x > y || y > z {
		t.Fatalf("TSC %d, tsc.Read %d, TSC %d: not the same counter", x, y, z)
	}
	if len(dpdk.InitCPUs()) == 0 || len(dpdk.HousekeepingCPUs()) == 0 {
		t.Fatalf("InitCPUs %v HousekeepingCPUs %v", dpdk.InitCPUs(), dpdk.HousekeepingCPUs())
	}
	if runtime.GOMAXPROCS(0) < len(dpdk.WorkerLcores())+2 {
		t.Fatalf("GOMAXPROCS %d", runtime.GOMAXPROCS(0))
	}
	t.Logf("TSC %d Hz, init CPUs %v, housekeeping CPUs %v", hz, dpdk.InitCPUs(), dpdk.HousekeepingCPUs())
}

func TestRegisterThread(t *testing.T) {
	done := make(chan error)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if l := dpdk.CurrentLcore(); l != dpdk.LcoreAny {
			done <- fmt.Errorf("unregistered thread has lcore %d", l)
			return
		}
		if err := dpdk.RegisterThread(); err != nil {
			done <- err
			return
		}
		l := dpdk.CurrentLcore()
		dpdk.UnregisterThread()
		if l == dpdk.LcoreAny || slices.Contains(dpdk.Lcores(), l) {
			done <- fmt.Errorf("registered thread got lcore %d (EAL lcores %v)", l, dpdk.Lcores())
			return
		}
		if dpdk.CurrentLcore() != dpdk.LcoreAny {
			done <- fmt.Errorf("lcore %d after unregister", dpdk.CurrentLcore())
			return
		}
		done <- nil
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
