package dpdk

// This file carries the package-wide cgo build flags.

/*
#cgo pkg-config: libdpdk
#cgo CFLAGS: -O3 -Wno-deprecated-declarations
*/
import "C"
