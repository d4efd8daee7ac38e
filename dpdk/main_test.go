package dpdk_test

import (
	"os"
	"path/filepath"
	"testing"

	"wire2kafka/dpdk/ealtest"
)

// pcapPath is the capture the net_pcap tests read; TestMain writes it
// before EAL starts, because the vdev opens it at init.
var pcapPath = filepath.Join(os.TempDir(), "w2k_dpdk_test_"+itoa(os.Getpid())+".pcap")

// pcapInfPath is a capture replayed forever (infinite_rx) by the benchmarks.
var pcapInfPath = filepath.Join(os.TempDir(), "w2k_dpdk_test_inf_"+itoa(os.Getpid())+".pcap")

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		childMain() // re-executed for the bad EAL args test; never returns
	}
	if err := writePcap(pcapPath, testPackets()); err != nil {
		panic(err)
	}
	if err := writePcap(pcapInfPath, benchPackets()); err != nil {
		panic(err)
	}
	code := ealtest.Run(m, ealtest.Config{
		Vdevs: []string{
			"net_null0",
			"net_null1",
			"net_pcap0,rx_pcap=" + pcapPath,
			"net_pcap1,rx_pcap=" + pcapInfPath + ",infinite_rx=1",
		},
		Lcores: 3,
	})
	os.Remove(pcapPath)
	os.Remove(pcapInfPath)
	os.Exit(code)
}
