package kafkatest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// mountData mounts a tmpfs of mib MiB as the broker's log dir; it is
// unmounted when the test ends, after the broker has stopped.
func (b *Own) mountData(t *testing.T, mib int) {
	t.Helper()
	data := filepath.Join(b.dir, "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%dm", mib), "tmpfs", data).CombinedOutput(); err != nil {
		t.Fatalf("kafkatest: tmpfs for the broker's data (needs root): %v: %s", err, out)
	}
	// Registered before the broker's own cleanup, so it runs after it.
	t.Cleanup(func() { exec.Command("umount", "-l", data).Run() })
}

// FillDisk fills the broker's log dir (a tmpfs, Options.DataMiB) to the
// last byte with a file of its own; FreeDisk removes the file.
func (b *Own) FillDisk(t *testing.T) {
	t.Helper()
	f, err := os.Create(b.fillPath())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	for {
		if _, err := f.Write(buf); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				break
			}
			t.Fatalf("kafkatest: fill the broker's disk: %v", err)
		}
	}
	for _, n := range []int{4096, 512, 1} { // the last partial pages
		for {
			if _, err := f.Write(buf[:n]); err != nil {
				break
			}
		}
	}
}

// FreeDisk removes what FillDisk wrote.
func (b *Own) FreeDisk(t *testing.T) {
	t.Helper()
	if err := os.Remove(b.fillPath()); err != nil {
		t.Fatal(err)
	}
}

func (b *Own) fillPath() string { return filepath.Join(b.dir, "data", "zz-disk-filler") }

// Running reports whether the broker process is alive.
func (b *Own) Running() bool {
	pid, err := b.pid()
	return err == nil && syscall.Kill(pid, 0) == nil
}

// makeNetNS makes a network namespace for the broker and a veth pair from
// the test's namespace into it, and points the broker's listeners at the
// namespace's end; both go when the test ends.
func (b *Own) makeNetNS(t *testing.T) {
	t.Helper()
	b.netns = fmt.Sprintf("w2kk%d", b.port)
	host, nsIf := fmt.Sprintf("w2kkh%d", b.port), fmt.Sprintf("w2kkn%d", b.port)
	b.nsIf = nsIf
	net := fmt.Sprintf("10.213.%d", b.port%250)
	b.host = net + ".2"
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("kafkatest: %s (needs root): %v: %s", strings.Join(args, " "), err, out)
		}
	}
	run("ip", "netns", "add", b.netns)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", b.netns).Run() })
	run("ip", "link", "add", host, "type", "veth", "peer", "name", b.nsIf)
	run("ip", "link", "set", b.nsIf, "netns", b.netns)
	run("ip", "addr", "add", net+".1/30", "dev", host)
	run("ip", "link", "set", host, "up")
	run("ip", "netns", "exec", b.netns, "ip", "addr", "add", b.host+"/30", "dev", b.nsIf)
	run("ip", "netns", "exec", b.netns, "ip", "link", "set", b.nsIf, "up")
	run("ip", "netns", "exec", b.netns, "ip", "link", "set", "lo", "up")
}

// Cut takes the broker's link down (its end of the veth pair, as a pulled
// cable): its connections stay open and every packet is lost. Needs
// Options.NetNS.
func (b *Own) Cut(t *testing.T) { b.link(t, "down") }

// Mend brings the link Cut took down up again.
func (b *Own) Mend(t *testing.T) { b.link(t, "up") }

func (b *Own) link(t *testing.T, state string) {
	t.Helper()
	if b.netns == "" {
		t.Fatal("kafkatest: Cut and Mend need a broker started with Options.NetNS")
	}
	if out, err := exec.Command("ip", "netns", "exec", b.netns, "ip", "link", "set", b.nsIf, state).CombinedOutput(); err != nil {
		t.Fatalf("kafkatest: link %s: %v: %s", state, err, out)
	}
}
