package kafkaout

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// onCPUs runs f on a fresh OS thread whose CPU affinity is cpus, so that
// threads f creates (librdkafka's rdk:* threads) inherit that affinity.
// The thread ends with the call (its goroutine exits locked), so the
// changed affinity never leaks into the Go scheduler's thread pool. With
// no cpus, f runs on the calling goroutine.
func onCPUs(cpus []int, f func() error) error {
	if len(cpus) == 0 {
		return f()
	}
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread exits with this goroutine
		var set unix.CPUSet
		for _, c := range cpus {
			set.Set(c)
		}
		if err := unix.SchedSetaffinity(0, &set); err != nil {
			done <- fmt.Errorf("kafkaout: set cpu affinity %v: %w", cpus, err)
			return
		}
		done <- f()
	}()
	return <-done
}
