package dpdk

/*
#include "shim.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"syscall"
)

// Errors returned by this package. Compare with errors.Is.
var (
	// ErrAlreadyInitialized is returned by Init when EAL initialisation was
	// already attempted in this process (successfully or not): DPDK's EAL
	// can be initialised once per process.
	ErrAlreadyInitialized = errors.New("dpdk: EAL initialisation already attempted in this process")
	// ErrNotInitialized is returned by functions that need EAL when Init has
	// not succeeded.
	ErrNotInitialized = errors.New("dpdk: EAL not initialised")
	// ErrNoPort is returned when a port name or PCI address matches no port.
	ErrNoPort = errors.New("dpdk: no such port")
	// ErrRingSize is returned by NewRing for a size that is not a power of two.
	ErrRingSize = errors.New("dpdk: ring size must be a power of two")
	// ErrACLFields is returned by NewACL for a field layout rte_acl cannot use
	// (too many fields, bad sizes or a rule with the wrong number of fields).
	ErrACLFields = errors.New("dpdk: bad ACL field definition")
	// ErrACLRule is returned by NewACL for an invalid rule.
	ErrACLRule = errors.New("dpdk: bad ACL rule")
	// ErrLcore is returned by Launch and Wait for an lcore that is not an
	// enabled worker lcore, or that is busy.
	ErrLcore = errors.New("dpdk: bad lcore")
)

// Errno is a DPDK error number (rte_errno or a negative return value). Its
// message comes from rte_strerror, and errors.Is(err, syscall.EINVAL) works
// for the standard errno values.
type Errno int

// Error returns rte_strerror of the number.
func (e Errno) Error() string {
	return C.GoString(C.rte_strerror(C.int(e)))
}

// Is reports whether e equals the syscall.Errno target.
func (e Errno) Is(target error) bool {
	var se syscall.Errno
	if errors.As(target, &se) {
		return int(se) == int(e)
	}
	return false
}

// errnoErr wraps a DPDK error number (sign ignored) with the failing call.
func errnoErr(op string, rc C.int) error {
	n := int(rc)
	if n < 0 {
		n = -n
	}
	return fmt.Errorf("dpdk: %s: %w (errno %d)", op, Errno(n), n)
}
