package dpdk

/*
#include <stdint.h>
#include <rte_launch.h>
#include <rte_lcore.h>

extern int w2k_lcore_trampoline(void *arg);

static int w2k_remote_launch(unsigned int lcore)
{
	return rte_eal_remote_launch(w2k_lcore_trampoline, (void *)(uintptr_t)lcore, lcore);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// lcoreSlot holds what Launch hands to the trampoline of one lcore.
type lcoreSlot struct {
	fn   func()
	err  error
	done chan struct{}
}

// launcher is the table the exported trampoline reads: EAL's lcores are
// process-wide, so this table is too.
var launcher struct {
	mu      sync.Mutex
	running atomic.Int32
	slots   [C.RTE_MAX_LCORE]*lcoreSlot
}

// Launch runs fn on worker lcore lcore (rte_eal_remote_launch of a C
// trampoline that calls fn through one exported Go function) and returns at
// once. fn normally runs a poll loop until a stop flag it reads tells it to
// return. Collect the result with Wait or WaitAll; a panic in fn (on its own
// goroutine, not in goroutines it starts) is recovered and returned by Wait
// as an error, with the stack.
//
// GOMAXPROCS rule: a function running on an lcore holds a Go P for as long
// as it runs. GOMAXPROCS must exceed the number of lcores running Go
// functions, or the rest of the program (runtime, timers, metrics, Kafka
// producers) starves. Launch refuses to start a function that would break
// this rule. Since Go 1.25 the runtime may lower GOMAXPROCS when CPU
// affinity changes (and rte_eal_init changes it): set it explicitly with
// runtime.GOMAXPROCS after Init.
//
// Launch is safe for concurrent use.
func Launch(lcore uint, fn func()) error {
	if !Initialized() {
		return ErrNotInitialized
	}
	if lcore >= MaxLcores || C.rte_lcore_is_enabled(C.uint(lcore)) == 0 || lcore == MainLcore() {
		return fmt.Errorf("%w: %d is not an enabled worker lcore", ErrLcore, lcore)
	}
	launcher.mu.Lock()
	defer launcher.mu.Unlock()
	if launcher.slots[lcore] != nil {
		return fmt.Errorf("%w: lcore %d is busy (call Wait first)", ErrLcore, lcore)
	}
	if n := int(launcher.running.Load()) + 1; n >= runtime.GOMAXPROCS(0) {
		return fmt.Errorf("%w: lcore %d: %d lcores would run Go with GOMAXPROCS=%d; GOMAXPROCS must exceed the number of polling lcores",
			ErrLcore, lcore, n, runtime.GOMAXPROCS(0))
	}
	s := &lcoreSlot{fn: fn, done: make(chan struct{})}
	launcher.slots[lcore] = s
	launcher.running.Add(1)
	if rc := C.w2k_remote_launch(C.uint(lcore)); rc < 0 {
		launcher.slots[lcore] = nil
		launcher.running.Add(-1)
		return errnoErr(fmt.Sprintf("rte_eal_remote_launch lcore %d", lcore), rc)
	}
	return nil
}

//export w2kLcoreMain
func w2kLcoreMain(lcore C.uint) C.int {
	launcher.mu.Lock()
	s := launcher.slots[lcore]
	launcher.mu.Unlock()
	if s == nil {
		return -1
	}
	defer close(s.done)
	defer func() {
		if r := recover(); r != nil {
			s.err = fmt.Errorf("dpdk: lcore %d: panic: %v\n%s", uint(lcore), r, debug.Stack())
		}
	}()
	s.fn()
	return 0
}

// Wait waits until the function launched on lcore returns and returns its
// error (a recovered panic) or nil. Waiting blocks the goroutine, not a CPU.
// It returns an ErrLcore error if nothing was launched there.
func Wait(lcore uint) error {
	if lcore >= MaxLcores {
		return fmt.Errorf("%w: %d out of range", ErrLcore, lcore)
	}
	launcher.mu.Lock()
	s := launcher.slots[lcore]
	launcher.mu.Unlock()
	if s == nil {
		return fmt.Errorf("%w: nothing launched on lcore %d", ErrLcore, lcore)
	}
	<-s.done
	// The trampoline is returning: rte_eal_wait_lcore spins only briefly.
	C.rte_eal_wait_lcore(C.uint(lcore))
	launcher.mu.Lock()
	if launcher.slots[lcore] == s {
		launcher.slots[lcore] = nil
		launcher.running.Add(-1)
	}
	launcher.mu.Unlock()
	return s.err
}

// WaitAll waits for every launched function and returns their errors
// joined (nil if none failed).
func WaitAll() error {
	var errs []error
	for _, l := range WorkerLcores() {
		launcher.mu.Lock()
		busy := launcher.slots[l] != nil
		launcher.mu.Unlock()
		if busy {
			if err := Wait(l); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// Running reports whether a function launched on lcore has not been waited
// for yet.
func Running(lcore uint) bool {
	if lcore >= MaxLcores {
		return false
	}
	launcher.mu.Lock()
	defer launcher.mu.Unlock()
	return launcher.slots[lcore] != nil
}
