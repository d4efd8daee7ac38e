package dpdk_test

import (
	"slices"
	"strings"
	"testing"

	"wire2kafka/dpdk"
)

func TestMemoryArgs(t *testing.T) {
	h, err := dpdk.ReadHugepageInfo()
	if err != nil {
		t.Fatal(err)
	}
	// Far more than any machine has free: always --no-huge.
	args, desc := dpdk.MemoryArgs(1<<30, true)
	if !slices.Equal(args, []string{"--no-huge", "-m", "1073741824"}) || !strings.Contains(desc, "no hugepages") {
		t.Fatalf("huge request: %q %q", args, desc)
	}
	// A small request uses hugepages exactly when some are mounted and free.
	want := h.Mounted && h.Free*h.PageSize >= 16<<20+h.PageSize
	for _, inMem := range []bool{true, false} {
		args, desc = dpdk.MemoryArgs(16, inMem)
		huge := args[0] != "--no-huge"
		if huge != want || args[1] != "-m" || args[2] != "16" {
			t.Fatalf("MemoryArgs(16, %v) = %q (%s); hugepages %+v", inMem, args, desc, h)
		}
		if huge && (args[0] == "--in-memory") != inMem {
			t.Fatalf("MemoryArgs(16, %v) = %q", inMem, args)
		}
		t.Logf("%+v: %q: %s", h, args, desc)
	}
}
