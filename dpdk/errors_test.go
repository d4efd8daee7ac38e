package dpdk_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"wire2kafka/dpdk"
)

// childEnv makes the test binary run childMain instead of the tests: EAL
// can be initialised once per process, so bad EAL arguments are tried in a
// fresh process.
const childEnv = "W2K_DPDK_TEST_CHILD"

// childMain calls dpdk.Init with the arguments in the environment and
// prints the outcome for TestBadEALArgs.
func childMain() {
	args := strings.Split(os.Getenv(childEnv), "\x1f")
	err := dpdk.Init(args)
	if err == nil {
		fmt.Println("RESULT: ok")
		os.Exit(0)
	}
	fmt.Printf("RESULT: %v\n", err)
	err2 := dpdk.Init(args)
	fmt.Printf("SECOND: %v\n", errors.Is(err2, dpdk.ErrAlreadyInitialized))
	os.Exit(0)
}

func TestBadEALArgs(t *testing.T) {
	pfx := fmt.Sprintf("w2k_child_%d", os.Getpid())
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"--no-such-flag", "--no-huge", "-m", "64", "--no-shconf", "--file-prefix", pfx}, "Invalid argument"},
		{"lcore out of range", []string{"-l", "9999", "--no-huge", "-m", "64", "--no-shconf", "--file-prefix", pfx}, "Invalid argument"},
		{"no-huge with in-memory", []string{"--no-huge", "--in-memory", "-m", "64", "--file-prefix", pfx}, "Invalid argument"},
		{"bad vdev", []string{"--vdev", "net_nosuchdriver0", "--no-huge", "-m", "64", "--no-shconf", "--no-pci", "--file-prefix", pfx}, "rte_eal_init"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), childEnv+"="+strings.Join(c.args, "\x1f"))
			out, err := cmd.CombinedOutput()
			os.Remove("/var/run/dpdk/" + pfx) // the failed EAL's empty runtime dir
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			var res, second string
			for _, l := range strings.Split(string(out), "\n") {
				if r, ok := strings.CutPrefix(l, "RESULT: "); ok {
					res = r
				}
				if r, ok := strings.CutPrefix(l, "SECOND: "); ok {
					second = r
				}
			}
			if res == "" || res == "ok" || !strings.Contains(res, "dpdk: rte_eal_init") || !strings.Contains(res, c.want) {
				t.Fatalf("Init(%q) = %q, want an rte_eal_init error with %q\n%s", c.args, res, c.want, out)
			}
			if second != "true" {
				t.Fatalf("second Init after failure: ErrAlreadyInitialized = %q", second)
			}
			t.Logf("Init(%q): %s", c.args, res)
		})
	}
}

func TestUnknownPort(t *testing.T) {
	for _, name := range []string{"net_nosuch0", "0000:99:00.0", "99:00.0", ""} {
		_, err := dpdk.PortByName(name)
		if !errors.Is(err, dpdk.ErrNoPort) || !strings.Contains(err.Error(), "net_null0") {
			t.Fatalf("PortByName(%q) = %v, want ErrNoPort listing the ports", name, err)
		}
	}
}

func TestRingSizeErrors(t *testing.T) {
	for _, n := range []uint{0, 1, 3, 1000, 1023, 1<<31 + 1} {
		r, err := dpdk.NewRing("", n, dpdk.SocketAny, 0)
		if !errors.Is(err, dpdk.ErrRingSize) {
			t.Fatalf("NewRing(%d) = %v, %v; want ErrRingSize", n, r, err)
		}
	}
	// A duplicate name is a DPDK error with rte_strerror text.
	r, err := dpdk.NewRing("w2k_dup", 64, dpdk.SocketAny, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, err = dpdk.NewRing("w2k_dup", 64, dpdk.SocketAny, 0)
	if !errors.Is(err, syscall.EEXIST) {
		t.Fatalf("duplicate ring name: %v, want EEXIST", err)
	}
	t.Log(err)
}

func TestLaunchErrors(t *testing.T) {
	if err := dpdk.Launch(dpdk.MainLcore(), func() {}); !errors.Is(err, dpdk.ErrLcore) {
		t.Fatalf("Launch on main lcore: %v", err)
	}
	if err := dpdk.Launch(77, func() {}); !errors.Is(err, dpdk.ErrLcore) {
		t.Fatalf("Launch on disabled lcore: %v", err)
	}
	if err := dpdk.Wait(1); !errors.Is(err, dpdk.ErrLcore) {
		t.Fatalf("Wait with nothing launched: %v", err)
	}
	if err := dpdk.Launch(1, func() { panic("boom") }); err != nil {
		t.Fatal(err)
	}
	err := dpdk.Wait(1)
	if err == nil || !strings.Contains(err.Error(), "panic: boom") {
		t.Fatalf("Wait after panic: %v", err)
	}
	// The lcore is usable again.
	ran := false
	if err := dpdk.Launch(1, func() { ran = dpdk.CurrentLcore() == 1 }); err != nil {
		t.Fatal(err)
	}
	if err := dpdk.Wait(1); err != nil || !ran {
		t.Fatalf("relaunch: err %v, ran on lcore 1: %v", err, ran)
	}
}

func TestLaunchGOMAXPROCSRule(t *testing.T) {
	old := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(old)
	release := make(chan struct{})
	if err := dpdk.Launch(1, func() { <-release }); err != nil {
		t.Fatal(err)
	}
	err := dpdk.Launch(2, func() {})
	close(release)
	if werr := dpdk.Wait(1); werr != nil {
		t.Fatal(werr)
	}
	if !errors.Is(err, dpdk.ErrLcore) || !strings.Contains(err.Error(), "GOMAXPROCS") {
		t.Fatalf("second polling lcore with GOMAXPROCS=2: %v, want the GOMAXPROCS rule", err)
	}
	if dpdk.Running(2) {
		t.Fatal("lcore 2 marked running after a refused launch")
	}
	t.Log(err)
}
