package dpdk

/*
#cgo LDFLAGS: -lrte_net_ring
#include "shim.h"
#include <rte_eth_ring.h>

static int w2k_eth_from_rings(const char *name, struct rte_ring **rx, unsigned nrx,
	struct rte_ring **tx, unsigned ntx, unsigned socket, int *err)
{
	int rc = rte_eth_from_rings(name, rx, nrx, tx, ntx, socket);
	*err = rc < 0 ? rte_errno : 0;
	return rc;
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// NewRingPort creates an ethdev port backed by rings (net_ring,
// rte_eth_from_rings): RX queue i receives what is enqueued on rx[i], and
// what is sent on TX queue i lands in tx[i]. Tests use it to inject packets
// into, and collect them from, code that takes a Port. name must be unique
// among ring ports; the device name (Port.Name, PortByName) is
// "net_ring_"+name. Configure and Start the port as any other.
func NewRingPort(name string, rx, tx []*Ring) (Port, error) {
	if !Initialized() {
		return 0, ErrNotInitialized
	}
	if len(rx) == 0 || len(tx) == 0 {
		return 0, fmt.Errorf("dpdk: ring port %q: needs at least one RX and one TX ring", name)
	}
	n := len(rx) + len(tx)
	arr := (*[1 << 16]*C.struct_rte_ring)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(uintptr(0)))))[:n:n]
	defer C.free(unsafe.Pointer(&arr[0]))
	for i, r := range rx {
		arr[i] = r.r
	}
	for i, r := range tx {
		arr[len(rx)+i] = r.r
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var errno C.int
	rc := C.w2k_eth_from_rings(cname, &arr[0], C.uint(len(rx)), &arr[len(rx)], C.uint(len(tx)), C.uint(C.rte_socket_id()), &errno)
	if rc < 0 {
		return 0, errnoErr(fmt.Sprintf("ring port %q", name), errno)
	}
	return Port(rc), nil
}
